// The contract over Electron IPC: one invoke channel checked against the contract (by dispatch), one
// event channel to every window, and one send channel that starts an OS drag. Calls are accepted
// only from our own renderer's frames.
import { readFileSync } from 'node:fs';
import { BrowserWindow, ipcMain, nativeImage } from 'electron';
import type { IpcMainEvent, IpcMainInvokeEvent, NativeImage } from 'electron';
import { IPC_DRAG_CHANNEL, IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../shared/contract/names';
import { LibraryPathSchema } from '../shared/contract/common';
import type { Api } from '../core/api';
import { resolveContainedFileSync } from '../core/media/contained-file-sync';

export interface IpcOptions {
  isOwnPage: (url: string) => boolean;
  /** The image under the pointer while dragging (see loadDragIcon). */
  dragIcon: NativeImage;
}

/**
 * The drag icon, read from the file's bytes (which works inside app.asar) and sized for a pointer.
 * An image that cannot be decoded comes back empty; the drag handler then refuses instead of throwing.
 */
export function loadDragIcon(file: string): NativeImage {
  try {
    const image = nativeImage.createFromBuffer(readFileSync(file));
    return image.isEmpty() ? image : image.resize({ width: 64 });
  } catch {
    return nativeImage.createEmpty();
  }
}

/**
 * Electron's drag-out as its docs show it: `startDrag` synchronously inside an `ipcMain.on` message,
 * while the OS drag gesture is still live. The path is checked like every other library path.
 */
function onDragRequest(api: Api, options: IpcOptions) {
  return (event: IpcMainEvent, relativePath: unknown): void => {
    const refuse = (why: string) => api.log.warn(`drag refused: ${why}`);
    if (!options.isOwnPage(event.senderFrame?.url ?? '')) return refuse('the request is not from the app');
    const parsed = LibraryPathSchema.safeParse(relativePath);
    if (!parsed.success) return refuse('not a library path');
    const file = resolveContainedFileSync(api.libraryFolder(), parsed.data);
    if (!file.ok) return refuse(`${parsed.data}: ${file.reason}`);
    if (options.dragIcon.isEmpty()) return refuse('the drag icon could not be read');
    event.sender.startDrag({ file: file.absolutePath, icon: options.dragIcon });
  };
}

export function registerIpc(api: Api, options: IpcOptions): () => void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, (event: IpcMainInvokeEvent, method: unknown, input: unknown) => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (!options.isOwnPage(frameUrl)) {
      return {
        ok: false,
        error: { code: 'invalid_input', message: 'Refused: the call does not come from the app.' },
      };
    }
    return api.dispatch(typeof method === 'string' ? method : '', input);
  });
  const drag = onDragRequest(api, options);
  ipcMain.on(IPC_DRAG_CHANNEL, drag);
  const unsubscribe = api.events.subscribe(({ name, payload }) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, name, payload);
    }
  });
  return () => {
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
    ipcMain.removeListener(IPC_DRAG_CHANNEL, drag);
    unsubscribe();
  };
}
