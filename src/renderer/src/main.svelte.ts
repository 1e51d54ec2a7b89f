import { mount } from 'svelte';
import App from './App.svelte';
import { createClient } from './lib/api';
import { setBackend } from './lib/backend';
import { app } from './lib/app-state.svelte';
import { describeError } from './lib/notices.svelte';
import { route } from './lib/route-state.svelte';
import { galleryQuery, requestFirstPageEarly } from './lib/gallery-source';

const target = document.getElementById('app');
if (!target) throw new Error('No #app element to mount into');

const client = createClient();
setBackend(client);
// First, so the server answers it before anything else: the first paint waits for this page only.
const firstPage =
  route.current.view === 'gallery'
    ? requestFirstPageEarly(client.call, galleryQuery(route.current.filters))
    : null;
const props = $state({ startError: null as string | null });
void app.start(client).catch((error) => {
  props.startError = describeError(error) ?? 'unknown error';
});

// Built once the first page is here (or a moment has passed), the grid shows its works in the very
// first frame; built before, it would draw a frame of placeholders and then redraw.
const FIRST_PAGE_WAIT_MS = 250;
const firstPageOrTimeout = firstPage
  ? Promise.race([firstPage, new Promise((resolve) => setTimeout(resolve, FIRST_PAGE_WAIT_MS))])
  : Promise.resolve();
void firstPageOrTimeout.then(() => mount(App, { target, props }));
