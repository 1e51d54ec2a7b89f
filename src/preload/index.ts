// The only bridge between the sandboxed renderer and the main process: `invoke` for the contract's
// methods and `on` for its events, checked against allow-lists derived from the contract.
import { contextBridge, ipcRenderer } from 'electron';
import { METHOD_NAMES, EVENT_NAMES } from '../shared/contract/names';

const methods = new Set<string>(METHOD_NAMES);
const events = new Set<string>(EVENT_NAMES);

contextBridge.exposeInMainWorld('klingArchive', {
  invoke(method: string, input: unknown): Promise<unknown> {
    if (!methods.has(method)) return Promise.reject(new Error(`Unknown method: ${method}`));
    return ipcRenderer.invoke(`contract:${method}`, input);
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    if (!events.has(event)) throw new Error(`Unknown event: ${event}`);
    const wrapped = (_e: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(`event:${event}`, wrapped);
    return () => ipcRenderer.removeListener(`event:${event}`, wrapped);
  },
});
