// The only bridge between the sandboxed renderer and the main process. It exposes `invoke` for the
// contract's methods, `on`/`off` for its events and `startDrag` for dragging a file out, checked against allow-lists taken from the
// contract (names.ts: plain strings, so this bundle carries no schemas), and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import {
  EVENT_NAMES,
  IPC_DRAG_CHANNEL,
  IPC_EVENT_CHANNEL,
  IPC_INVOKE_CHANNEL,
  METHOD_NAMES,
} from '../shared/contract/names';

type Listener = (payload: unknown) => void;

const methods = new Set<string>(METHOD_NAMES);
const events = new Set<string>(EVENT_NAMES);
const listeners = new Map<string, Set<Listener>>();

ipcRenderer.on(IPC_EVENT_CHANNEL, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (typeof name !== 'string' || !events.has(name)) return;
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

function off(event: string, listener: Listener): void {
  listeners.get(event)?.delete(listener);
}

export const bridge = {
  /** Answers the call's result: `{ ok: true, value }` or `{ ok: false, error: { code, message } }`. */
  invoke(method: string, input?: unknown): Promise<unknown> {
    if (typeof method !== 'string' || !methods.has(method)) {
      return Promise.reject(new Error(`Unknown method: ${String(method).slice(0, 100)}`));
    }
    return ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input);
  },
  /** Answers the function that unsubscribes (reliable across the context bridge, unlike `off`). */
  on(event: string, listener: Listener): () => void {
    if (typeof event !== 'string' || !events.has(event))
      throw new Error(`Unknown event: ${String(event).slice(0, 100)}`);
    if (typeof listener !== 'function') throw new Error('on(event, listener) needs a function');
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => off(event, listener);
  },
  off,
  /**
   * Starts dragging a library file out to other apps. One-way and immediate: main starts the OS drag
   * while the page's drag gesture is live (checking the path; it answers nothing).
   */
  startDrag(relativePath: string): void {
    if (typeof relativePath !== 'string' || relativePath.length === 0 || relativePath.length > 1024) return;
    ipcRenderer.send(IPC_DRAG_CHANNEL, relativePath);
  },
};

export type PreloadBridge = typeof bridge;

contextBridge.exposeInMainWorld('klingArchive', bridge);
