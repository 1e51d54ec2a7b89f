// The preload exposes exactly invoke/on/off/startDrag, and only for the contract's names: the allow-lists are
// the contract's own keys, and anything else is refused before it reaches IPC.
import { readFileSync, existsSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTRACT, EVENTS } from '../../src/shared/contract';
import {
  EVENT_NAMES,
  IPC_DRAG_CHANNEL,
  IPC_EVENT_CHANNEL,
  IPC_INVOKE_CHANNEL,
  METHOD_NAMES,
} from '../../src/shared/contract/names';

const exposed: Record<string, unknown> = {};
const invoked: unknown[][] = [];
const dragged: unknown[][] = [];
let eventHandler: ((event: unknown, name: unknown, payload: unknown) => void) | undefined;

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: {
    invoke: (...args: unknown[]) => {
      invoked.push(args);
      return Promise.resolve({ ok: true, value: 'answered' });
    },
    send: (...args: unknown[]) => dragged.push(args),
    on: (channel: string, handler: typeof eventHandler) => {
      if (channel === IPC_EVENT_CHANNEL) eventHandler = handler;
    },
  },
}));

type Bridge = {
  invoke(method: string, input?: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  off(event: string, listener: (payload: unknown) => void): void;
  startDrag(relativePath: string): void;
};
let bridge: Bridge;

beforeAll(async () => {
  await import('../../src/preload/index');
  bridge = exposed['klingArchive'] as Bridge;
});

describe('the allow-lists', () => {
  it('are exactly the contract’s methods and events', () => {
    expect([...METHOD_NAMES].sort()).toEqual(Object.keys(CONTRACT).sort());
    expect([...EVENT_NAMES].sort()).toEqual(Object.keys(EVENTS).sort());
    expect(new Set(METHOD_NAMES).size).toBe(METHOD_NAMES.length);
  });
});

describe('the preload', () => {
  it('exposes one object with invoke, on, off and startDrag, nothing else', () => {
    expect(Object.keys(exposed)).toEqual(['klingArchive']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'off', 'on', 'startDrag']);
  });

  it('sends a drag request one way on the drag channel, and drops anything but a path', () => {
    bridge.startDrag('acct/clip.mp4');
    bridge.startDrag(42 as unknown as string);
    bridge.startDrag('');
    bridge.startDrag('x'.repeat(1025));
    expect(dragged).toEqual([[IPC_DRAG_CHANNEL, 'acct/clip.mp4']]);
  });

  it('forwards every contract method on the one invoke channel', async () => {
    for (const method of METHOD_NAMES)
      await expect(bridge.invoke(method, { a: 1 })).resolves.toEqual({ ok: true, value: 'answered' });
    expect(invoked).toHaveLength(METHOD_NAMES.length);
    expect(invoked[0]).toEqual([IPC_INVOKE_CHANNEL, METHOD_NAMES[0], { a: 1 }]);
  });

  it('refuses anything else before IPC', async () => {
    const before = invoked.length;
    for (const name of ['app.quit', 'constructor', '__proto__', 'toString', '', 'library.gallery ']) {
      await expect(bridge.invoke(name)).rejects.toThrow(/Unknown method/);
    }
    await expect(bridge.invoke(42 as unknown as string)).rejects.toThrow(/Unknown method/);
    expect(invoked.length).toBe(before);
    expect(() => bridge.on('ipc.anything', () => {})).toThrow(/Unknown event/);
    expect(() => bridge.on('task.changed', 'nope' as never)).toThrow(/needs a function/);
  });

  it('delivers allowed events to their listeners and drops unknown ones', () => {
    const got: unknown[] = [];
    const stop = bridge.on('task.changed', (p) => got.push(p));
    eventHandler?.({}, 'task.changed', { taskId: '1' });
    eventHandler?.({}, 'not.an.event', { x: 1 });
    eventHandler?.({}, 'download.progress', { x: 1 });
    stop();
    eventHandler?.({}, 'task.changed', { taskId: '2' });
    expect(got).toEqual([{ taskId: '1' }]);
    const listener = (p: unknown) => got.push(p);
    bridge.on('file.archived', listener);
    bridge.off('file.archived', listener);
    eventHandler?.({}, 'file.archived', {});
    expect(got).toHaveLength(1);
  });
});

const built = new URL('../../out/preload/index.cjs', import.meta.url);
describe('the built preload', () => {
  // Without a build (`npx electron-vite build`) this is reported skipped, not passed.
  it.skipIf(!existsSync(built))('carries no schemas (stays a few kilobytes) when built', () => {
    const text = readFileSync(built, 'utf8');
    expect(text.length).toBeLessThan(8 * 1024);
    expect(text).not.toMatch(/zod|ZodError|safeParse/);
    for (const method of METHOD_NAMES) expect(text).toContain(`"${method}"`);
  });
});
