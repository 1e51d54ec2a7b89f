// The contract over Electron IPC: one invoke channel checked against the contract (by dispatch), one
// event channel to every window. Calls are accepted only from our own renderer's frames.
import { BrowserWindow, ipcMain, nativeImage } from 'electron';
import type { IpcMainInvokeEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../shared/contract/names';
import type { Api } from '../core/api';

export function registerIpc(
  api: Api,
  options: { isOwnPage: (url: string) => boolean; dragIcon: string },
): () => void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, (event: IpcMainInvokeEvent, method: unknown, input: unknown) => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (!options.isOwnPage(frameUrl)) {
      return {
        ok: false,
        error: { code: 'invalid_input', message: 'Refused: the call does not come from the app.' },
      };
    }
    return api.dispatch(typeof method === 'string' ? method : '', input, {
      startDrag: (file) =>
        event.sender.startDrag({ file, icon: nativeImage.createFromPath(options.dragIcon) }),
    });
  });
  const unsubscribe = api.events.subscribe(({ name, payload }) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, name, payload);
    }
  });
  return () => {
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
    unsubscribe();
  };
}
