// Writes a response body to a file with plain 'data' events and a write stream: no async iterator
// or pipeline, whose per-chunk promises and microtasks cost this one JavaScript thread about as much
// as the hashing does. Backpressure pauses the socket while the write stream is full, so memory stays
// flat however large the file. The file is fsynced before it closes; the caller renames it.
import { createWriteStream, fdatasync, type WriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { finished } from 'node:stream';

const WRITE_BUFFER_BYTES = 1024 * 1024;
// Without these the kernel may keep a whole large file dirty in memory, and the final fsync then
// writes all of it while nothing else happens; syncing as we go overlaps the disk with the network.
// The final fsync stays the guarantee: these only move work earlier, so their errors are left to it.
const SYNC_EVERY = 64 * 1024 * 1024;

export interface ReceiveBodyOptions {
  response: IncomingMessage;
  file: string;
  /** Append to what the file holds (a resume) instead of truncating it. */
  append: boolean;
  signal?: AbortSignal;
  /**
   * Sees every chunk, in order, before it is written; throwing stops the download with that error.
   * A returned promise holds the next chunk back until it settles (a rejection stops the download).
   */
  onChunk: (chunk: Buffer) => Promise<void> | undefined;
}

/** Flushes the file's data every SYNC_EVERY bytes written, one flush at a time. */
function syncAsWeGo(sink: WriteStream): { wrote(bytes: number): void; idle(): Promise<void> } {
  let fd: number | null = null;
  sink.once('open', (opened: number) => (fd = opened));
  let unsynced = 0;
  let syncing: Promise<void> | null = null;
  return {
    wrote(bytes) {
      unsynced += bytes;
      if (unsynced < SYNC_EVERY || fd === null || syncing) return;
      unsynced = 0;
      const descriptor = fd;
      syncing = new Promise<void>((done) => fdatasync(descriptor, () => done()));
      void syncing.then(() => (syncing = null));
    },
    idle: () => Promise.resolve(syncing).then(() => undefined),
  };
}

export function receiveBody(options: ReceiveBodyOptions): Promise<void> {
  const { response, signal, onChunk } = options;
  // `flush` fsyncs the file before it closes.
  const sink = createWriteStream(options.file, {
    flags: options.append ? 'a' : 'w',
    flush: true,
    highWaterMark: WRITE_BUFFER_BYTES,
  });
  return new Promise<void>((resolve, reject) => {
    let failure: unknown = null;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      failure = error;
      signal?.removeEventListener('abort', onAbort);
      response.destroy();
      // What was received is a valid prefix: let the stream write it (a later resume keeps it).
      if (!sink.destroyed) sink.end();
    };
    const onAbort = () => fail(signal?.reason ?? Object.assign(new Error('Aborted'), { name: 'AbortError' }));

    const syncer = syncAsWeGo(sink);
    let sinkFull = false;
    let consumerBusy = false;
    const resumeWhenFree = () => {
      if (!failed && !sinkFull && !consumerBusy) response.resume();
    };

    response.on('data', (chunk: Buffer) => {
      if (failed) return;
      syncer.wrote(chunk.length);
      let wait: Promise<void> | undefined;
      try {
        wait = onChunk(chunk);
      } catch (error) {
        fail(error);
        return;
      }
      if (!sink.write(chunk)) {
        sinkFull = true;
        response.pause();
      }
      if (wait) {
        consumerBusy = true;
        response.pause();
        wait.then(() => {
          consumerBusy = false;
          resumeWhenFree();
        }, fail);
      }
    });
    sink.on('drain', () => {
      sinkFull = false;
      resumeWhenFree();
    });
    response.once('end', () => {
      // The stream closes the file once ended: no sync may still be running on it then.
      void syncer.idle().then(() => {
        if (!failed) sink.end();
      });
    });
    // Resets, premature ends, the idle timer's destroy: all arrive here.
    finished(response, (error) => {
      if (error) fail(error);
    });
    sink.once('error', (error) => {
      if (!failed) fail(error);
      else failure ??= error;
    });
    // Settle only once the file is closed: nothing may still be writing to it afterwards.
    sink.once('close', () => {
      signal?.removeEventListener('abort', onAbort);
      if (failed) reject(failure);
      else resolve();
    });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
