// The hash the downloader computes while streaming, against node:crypto over the same bytes.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createStreamHash,
  PARALLEL_HASH_MIN_BYTES,
  ParallelSha256,
  type StreamHash,
} from '../../../../src/core/sync/download/parallel-sha256';

const expected = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function feed(hash: StreamHash, data: Buffer, sizes: number[]): Promise<string> {
  let offset = 0;
  for (let i = 0; offset < data.length; i++) {
    const size = sizes[i % sizes.length] ?? 1;
    const wait = hash.update(data.subarray(offset, offset + size));
    if (wait) await wait;
    offset += size;
  }
  try {
    return await hash.digest();
  } finally {
    await hash.close();
  }
}

describe('the streaming SHA-256', () => {
  it('on a worker: every byte once, in order, whatever the chunk sizes (some larger than its ring)', async () => {
    const data = randomBytes(21 * 1024 * 1024 + 7);
    const sizes = [1, 65_536, 5 * 1024 * 1024 + 3, 17, 1024 * 1024, 300_001];
    expect(await feed(new ParallelSha256(), data, sizes)).toBe(expected(data));
  });

  it('on a worker: nothing hashed is the hash of nothing', async () => {
    expect(await feed(new ParallelSha256(), Buffer.alloc(0), [1])).toBe(expected(Buffer.alloc(0)));
  });

  it('takes the worker only for large files, and both give the same digest', async () => {
    expect(createStreamHash(PARALLEL_HASH_MIN_BYTES)).toBeInstanceOf(ParallelSha256);
    const small = createStreamHash(1000);
    expect(small).not.toBeInstanceOf(ParallelSha256);
    expect(createStreamHash(null)).not.toBeInstanceOf(ParallelSha256);
    const data = randomBytes(300_000);
    expect(await feed(small, data, [4096, 77])).toBe(expected(data));
  });

  it('stops its worker when closed before the end (a failed download)', async () => {
    const hash = new ParallelSha256();
    hash.update(randomBytes(1024));
    await hash.close();
    await expect(hash.digest()).rejects.toThrow();
  });
});
