// Dragging a work out of the window into another app (desktop only). The OS drag has to be started
// by Electron's main process, so the page's own drag is cancelled and the file is named over the
// contract instead; main checks that it lies inside the library.
import { backend } from './backend';
import { app } from './app-state.svelte';
import { notices } from './notices.svelte';

/** Whether this host can drag files out to other apps (the desktop app can; a browser cannot). */
export function canDragOut(): boolean {
  return app.info?.capabilities.dragOut ?? false;
}

export function startDragOut(event: DragEvent, relativePath: string): void {
  event.preventDefault();
  backend()
    .call('library.startDrag', { relativePath })
    .catch((error) => notices.error('Could not drag the file out', error));
}
