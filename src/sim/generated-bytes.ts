// Deterministic pseudo-random bytes of any size, readable from any offset without producing what comes
// before it, so a 2 GB "video" can be served (and resumed with Range) without holding it in memory.
// Layout: one 64 KiB base block drawn from the seed; block i is the base block XORed with a per-block key.

const BLOCK_BYTES = 65_536;
const WORDS = BLOCK_BYTES / 4;

function mix32(value: number): number {
  let x = value | 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

const baseBlocks = new Map<number, Uint32Array>();

function baseBlock(seed: number): Uint32Array {
  let block = baseBlocks.get(seed);
  if (!block) {
    block = new Uint32Array(WORDS);
    for (let i = 0; i < WORDS; i++) block[i] = mix32(seed ^ mix32(i + 0x9e3779b9));
    if (baseBlocks.size > 16) baseBlocks.clear();
    baseBlocks.set(seed, block);
  }
  return block;
}

function blockBytes(seed: number, index: number): Buffer {
  const base = baseBlock(seed);
  const key = mix32(seed ^ mix32(index * 2 + 1)) ^ index;
  const words = new Uint32Array(WORDS);
  for (let i = 0; i < WORDS; i++) words[i] = (base[i] ?? 0) ^ key;
  return Buffer.from(words.buffer);
}

/** Yields bytes [start, endInclusive] of the seed's stream in chunks of at most 64 KiB. */
export function* generatedChunks(seed: number, start: number, endInclusive: number): Generator<Buffer> {
  let offset = start;
  while (offset <= endInclusive) {
    const index = Math.floor(offset / BLOCK_BYTES);
    const block = blockBytes(seed, index);
    const from = offset - index * BLOCK_BYTES;
    const to = Math.min(BLOCK_BYTES, endInclusive - index * BLOCK_BYTES + 1);
    yield block.subarray(from, to);
    offset += to - from;
  }
}

/** A stable 32-bit seed from any text (e.g. a work id). */
export function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return mix32(hash);
}
