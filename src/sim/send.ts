// Writes an Outgoing to the socket, carrying out the body faults: reset mid-body, truncation (a
// Content-Length promising more than is sent), malformed JSON and stalls. Honors backpressure, so a
// 2 GB generated body streams in constant memory.
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Outgoing } from './outgoing';
import type { FaultSpec } from './types';

export interface Sleeper {
  /** resolves after ms (early if the simulator closes); the caller checks the response afterwards */
  sleep(ms: number): Promise<void>;
}

export const DEFAULT_STALL_MS = 60_000;

function waitDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function flushed(res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (!res.write(chunk, () => resolve())) res.once('close', resolve);
  });
}

function resetSocket(socket: Socket | null): void {
  if (!socket) return;
  // RST rather than FIN: the client sees ECONNRESET, as with a dropped connection.
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

export async function send(
  res: ServerResponse,
  outgoing: Outgoing,
  fault: FaultSpec | null,
  headOnly: boolean,
  sleeper: Sleeper,
): Promise<void> {
  const body = outgoing.body;
  const headers: Record<string, string> = { ...outgoing.headers };
  if (body) headers['Content-Length'] = String(body.length);
  res.writeHead(outgoing.status, headers);
  // A spoiled body must still show its headers first (even when zero bytes of it follow).
  if (fault && !headOnly) res.flushHeaders();
  if (headOnly || !body) {
    res.end();
    return;
  }
  const cutsBody = fault?.kind === 'reset-mid-body' || fault?.kind === 'truncate-body';
  const limit = cutsBody
    ? Math.min(body.length, fault.afterBytes ?? Math.floor(body.length / 2))
    : body.length;
  const stallAt = fault?.kind === 'stall' && fault.afterBytes !== undefined ? fault.afterBytes : -1;
  let sent = 0;
  let stalled = false;
  for (const whole of body.chunks()) {
    let chunk = whole;
    if (!stalled && stallAt >= 0 && sent + chunk.length > stallAt) {
      const head = chunk.subarray(0, stallAt - sent);
      if (head.length > 0) await flushed(res, head);
      sent += head.length;
      chunk = chunk.subarray(head.length);
      stalled = true;
      await sleeper.sleep(fault?.stallMs ?? DEFAULT_STALL_MS);
    }
    if (res.destroyed) return;
    if (sent + chunk.length > limit) chunk = chunk.subarray(0, limit - sent);
    if (chunk.length > 0) {
      if (cutsBody && sent + chunk.length >= limit) await flushed(res, chunk);
      else if (!res.write(chunk)) await waitDrain(res);
      sent += chunk.length;
    }
    if (res.destroyed) return;
    if (sent >= limit) break;
  }
  if (fault?.kind === 'reset-mid-body') {
    // Let the partial body reach the peer before the reset discards the send buffer.
    await sleeper.sleep(20);
    resetSocket(res.socket);
  } else if (fault?.kind === 'truncate-body') {
    // FIN after fewer bytes than Content-Length promised.
    res.socket?.end();
  } else {
    res.end();
  }
}
