import { mount } from 'svelte';
import App from './App.svelte';
import { createClient } from './lib/api';
import { setBackend } from './lib/backend';
import { app } from './lib/app-state.svelte';
import { describeError } from './lib/notices.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('No #app element to mount into');

const client = createClient();
setBackend(client);
const props = $state({ startError: null as string | null });
void app.start(client).catch((error) => {
  props.startError = describeError(error) ?? 'unknown error';
});

export default mount(App, { target, props });
