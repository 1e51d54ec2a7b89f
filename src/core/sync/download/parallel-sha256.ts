// SHA-256 on a worker thread, so that hashing (about 0.6 CPU-s per GiB) runs on the other core while
// this thread receives and writes. Bytes go through a fixed shared ring, so memory stays bounded:
// `update` copies a chunk in and only asks the caller to wait when the worker is a whole ring behind.
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

const RING_BYTES = 4 * 1024 * 1024;
// The worker sleeps until this much is waiting: one wake-up per MiB, not one per socket read.
const BATCH_BYTES = 1024 * 1024;

// In Node since 16; missing from the TypeScript lib this project targets.
type WaitAsync = (
  array: BigInt64Array,
  index: number,
  value: bigint,
) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

// Plain JS evaluated in the worker: no build step, and it runs the same under tsx, vitest and Electron.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const hash = require('node:crypto').createHash('sha256');
const { ring, counters, signal, batch } = workerData;
const bytes = new Uint8Array(ring);
const ringSize = BigInt(bytes.length);
const positions = new BigInt64Array(counters); // [0] produced, [1] consumed, [2] finished
const wake = new Int32Array(signal); // [0] bumped to wake us, [1] 1 while we sleep
let consumed = 0n;
const ready = () =>
  Atomics.load(positions, 0) - consumed >= batch || Atomics.load(positions, 2) === 1n;
for (;;) {
  if (!ready()) {
    // Announce the sleep, then look again: the producer either sees the flag or we see its bytes.
    Atomics.store(wake, 1, 1);
    const seen = Atomics.load(wake, 0);
    if (!ready()) Atomics.wait(wake, 0, seen);
    Atomics.store(wake, 1, 0);
    continue;
  }
  const produced = Atomics.load(positions, 0);
  if (produced === consumed) break; // finished and all hashed
  const start = Number(consumed % ringSize);
  const end = Math.min(bytes.length, start + Number(produced - consumed));
  hash.update(bytes.subarray(start, end));
  consumed += BigInt(end - start);
  Atomics.store(positions, 1, consumed);
  Atomics.notify(positions, 1);
}
parentPort.postMessage(hash.digest('hex'));
`;

/** SHA-256 over a stream of chunks; `update` may ask the caller to wait (see ParallelSha256). */
export interface StreamHash {
  update(chunk: Buffer): Promise<void> | undefined;
  digest(): Promise<string>;
  close(): Promise<void>;
}

/** Below this, a worker's start-up (tens of ms) costs more than hashing the file here. */
export const PARALLEL_HASH_MIN_BYTES = 16 * 1024 * 1024;

/**
 * A hash for a download of `expectedBytes` (null: not announced): on a worker thread for large
 * files, on this thread for covers, images and other small ones.
 */
export function createStreamHash(expectedBytes: number | null): StreamHash {
  if (expectedBytes !== null && expectedBytes >= PARALLEL_HASH_MIN_BYTES) return new ParallelSha256();
  const hash = createHash('sha256');
  return {
    update(chunk) {
      hash.update(chunk);
      return undefined;
    },
    digest: async () => hash.digest('hex'),
    close: async () => undefined,
  };
}

export class ParallelSha256 implements StreamHash {
  private readonly bytes: Uint8Array;
  private readonly ring: Buffer;
  private readonly positions: BigInt64Array;
  private readonly wake: Int32Array;
  private readonly worker: Worker;
  private readonly result: Promise<string>;
  private produced = 0n;
  private finished = false;

  constructor() {
    const ring = new SharedArrayBuffer(RING_BYTES);
    const counters = new SharedArrayBuffer(3 * 8);
    const signal = new SharedArrayBuffer(2 * 4);
    this.bytes = new Uint8Array(ring);
    this.ring = Buffer.from(ring);
    this.positions = new BigInt64Array(counters);
    this.wake = new Int32Array(signal);
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ring, counters, signal, batch: BigInt(BATCH_BYTES) },
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    });
    this.result = new Promise<string>((resolve, reject) => {
      this.worker.once('message', (digest: string) => resolve(digest));
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`The hashing worker exited (${code})`)));
    });
    this.result.catch(() => undefined); // observed by digest(); never an unhandled rejection
  }

  /**
   * Queues `chunk` for hashing. Returns undefined when it fitted in the ring at once (the common
   * case, no promise made), or a promise to await before the next call when the ring was full.
   */
  update(chunk: Buffer): Promise<void> | undefined {
    const room = RING_BYTES - Number(this.produced - Atomics.load(this.positions, 1));
    if (chunk.length <= room) {
      this.copyIn(chunk);
      return undefined;
    }
    return this.updateSlowly(chunk);
  }

  private async updateSlowly(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      const consumed = Atomics.load(this.positions, 1);
      const room = RING_BYTES - Number(this.produced - consumed);
      if (room === 0) {
        const waited = waitAsync(this.positions, 1, consumed);
        if (waited.async) await Promise.race([waited.value, this.result]);
        continue;
      }
      const piece = chunk.subarray(offset, offset + room);
      this.copyIn(piece);
      offset += piece.length;
    }
  }

  private copyIn(chunk: Buffer): void {
    const start = Number(this.produced % BigInt(RING_BYTES));
    const first = Math.min(chunk.length, RING_BYTES - start);
    chunk.copy(this.ring, start, 0, first);
    if (first < chunk.length) chunk.copy(this.ring, 0, first);
    this.produced += BigInt(chunk.length);
    Atomics.store(this.positions, 0, this.produced);
    if (
      Atomics.load(this.wake, 1) === 1 &&
      this.produced - Atomics.load(this.positions, 1) >= BigInt(BATCH_BYTES)
    ) {
      Atomics.add(this.wake, 0, 1);
      Atomics.notify(this.wake, 0);
    }
  }

  /** The hex digest of every byte passed to `update`; the worker ends afterwards. */
  async digest(): Promise<string> {
    if (!this.finished) {
      this.finished = true;
      Atomics.store(this.positions, 2, 1n);
      Atomics.add(this.wake, 0, 1);
      Atomics.notify(this.wake, 0);
    }
    return this.result;
  }

  /** Stops the worker (after a failure, or after `digest`). */
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
