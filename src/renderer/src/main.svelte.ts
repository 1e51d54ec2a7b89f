import { mount } from 'svelte';
import App from './App.svelte';
import { createClient } from './lib/api';
import { setBackend } from './lib/backend';
import { app } from './lib/app-state.svelte';
import { describeError } from './lib/notices.svelte';
import { route } from './lib/route-state.svelte';
import { galleryFirstPart, galleryQuery, requestFirstPageEarly } from './lib/gallery-source';
import { connection } from './lib/connection.svelte';
import { markOnce } from './lib/load-marks';

markOnce('script evaluated');

const target = document.getElementById('app');
if (!target) throw new Error('No #app element to mount into');

// Every call watched: a core that cannot be reached is one banner (see connection.svelte.ts).
const client = connection.watch(createClient());
setBackend(client);
// First, so the server answers it before anything else; the gallery builds its grid when it is here.
if (route.current.view === 'gallery')
  void requestFirstPageEarly(client.call, galleryQuery(route.current.filters), galleryFirstPart());
const props = $state({ startError: null as string | null });
void app.start(client).catch((error) => {
  props.startError = describeError(error) ?? 'unknown error';
});

// Mounted now: the frame around the gallery is built and laid out while the first page is on its way.
mount(App, { target, props });
markOnce('app mounted');
