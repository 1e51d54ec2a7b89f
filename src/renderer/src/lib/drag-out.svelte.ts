// Dragging a work out of the window into another app (desktop only). The OS drag has to be started
// by Electron's main process, so the page's own drag is cancelled and the file is named to main over
// the preload's one-way drag channel instead; main checks that it lies inside the library.
import { backend } from './backend';
import { app } from './app-state.svelte';
import { notices } from './notices.svelte';

/** Whether this host can drag files out to other apps (the desktop app can; a browser cannot). */
export function canDragOut(): boolean {
  return app.info?.capabilities.dragOut ?? false;
}

export function startDragOut(event: DragEvent, relativePath: string): void {
  event.preventDefault();
  // The desktop's preload sends the drag straight to main, which must start it within this gesture.
  const bridge = typeof window !== 'undefined' ? window.klingArchive : undefined;
  if (bridge?.startDrag) {
    bridge.startDrag(relativePath);
    return;
  }
  backend()
    .call('library.startDrag', { relativePath })
    .catch((error) => notices.error('Could not drag the file out', error));
}
