// Parse + validate throughput of useapi.net task responses: our lossless parser (exact ids) + zod,
// against JSON.parse + zod (ids via a reviver, which silently changes ids above 2^53) and JSON.parse
// alone. Prints responses/s, MB/s and each pipeline's speed relative to JSON.parse alone.
// Run: npx tsx bench/parse.bench.ts  (about 15 s)
import { readFileSync } from 'node:fs';
import {
  HistoryResponseSchema,
  isIdKey,
  parseHistoryResponse,
  parseTaskResponse,
  stringifyExact,
  TaskResponseSchema,
} from '../src/shared/useapi';

const WARMUP_MS = 300;
const MEASURE_MS = 1200;

const exampleText = readFileSync(
  new URL('../tests/fixtures/useapi/get-task-example.json', import.meta.url),
  'utf8',
);
const example = JSON.parse(exampleText) as Record<string, unknown>;

/** Ids far beyond 2^53 (9007199254740992), where a JS number keeps only about 16 digits. */
const bigId = (n: number) => (7_000_000_000_000_000_001n + BigInt(n) * 1_000_003n).toString();

function withIds(seed: number, workCount: number): Record<string, unknown> {
  const response = structuredClone(example) as {
    task: Record<string, unknown> & { taskInfo: { arguments: Array<{ name: string; value: string }> } };
    works: Array<Record<string, unknown>>;
  } & Record<string, unknown>;
  const taskId = bigId(seed);
  const userId = bigId(seed + 1);
  response.task.id = taskId;
  response.task.userId = userId;
  response.task.taskInfo.arguments[0]!.value =
    `A slow dolly shot through a rain-soaked neon market at night, reflections on wet stone, ${seed} `.repeat(
      6,
    );
  response.task['unknownFutureField'] = { nested: [1, 2, 3], note: 'kept as is' };
  const work = response.works[0]!;
  response.works = Array.from({ length: workCount }, (_, i) => ({
    ...structuredClone(work),
    workId: bigId(seed + 10 + i),
    workItemId: bigId(seed + 20 + i),
    taskId,
    userId,
    taskInfo: structuredClone(response.task.taskInfo),
  }));
  return response;
}

const largeText = stringifyExact(withIds(1, 4));
const historyText = stringifyExact({
  history: Array.from({ length: 50 }, (_, i) => withIds(100 * i, i % 2 === 0 ? 1 : 4)),
});

// JSON.parse cannot read ids exactly; turning them into strings afterwards keeps zod's id check
// comparable, but the digits beyond 2^53 are already gone.
const idReviver = function (this: unknown, key: string, value: unknown) {
  return typeof value === 'number' && isIdKey(key) ? String(value) : value;
};

interface Case {
  name: string;
  text: string;
  responses: number;
  lossless: (text: string) => unknown;
  jsonZod: (text: string) => unknown;
}

const cases: Case[] = [
  {
    name: 'reference example',
    text: exampleText,
    responses: 1,
    lossless: parseTaskResponse,
    jsonZod: (text) => TaskResponseSchema.safeParse(JSON.parse(text, idReviver)),
  },
  {
    name: 'large, 4 works, ids > 2^53',
    text: largeText,
    responses: 1,
    lossless: parseTaskResponse,
    jsonZod: (text) => TaskResponseSchema.safeParse(JSON.parse(text, idReviver)),
  },
  {
    name: 'history page, 50 responses',
    text: historyText,
    responses: 50,
    lossless: parseHistoryResponse,
    jsonZod: (text) => HistoryResponseSchema.safeParse(JSON.parse(text, idReviver)),
  },
];

// Every pipeline must actually succeed on its input before it is timed.
for (const c of cases) {
  const ours = c.lossless(c.text) as { ok: boolean; problem?: string };
  if (!ours.ok) throw new Error(`${c.name}: parseTaskResponse failed: ${ours.problem}`);
  const theirs = c.jsonZod(c.text) as { success: boolean };
  if (!theirs.success) throw new Error(`${c.name}: JSON.parse + zod failed`);
}
const exact = parseTaskResponse(largeText);
const lossy = TaskResponseSchema.parse(JSON.parse(largeText, idReviver));
const expectedWorkId = bigId(11);
if (!exact.ok || exact.value.works?.[0]?.workId !== expectedWorkId)
  throw new Error('lossless ids were not exact');
const lossyWorkId = lossy.works?.[0]?.workId;

let sink = 0;
function measure(fn: (text: string) => unknown, text: string): { perSecond: number } {
  const run = (ms: number) => {
    const start = process.hrtime.bigint();
    const limit = BigInt(ms) * 1_000_000n;
    let iterations = 0;
    let elapsed = 0n;
    while (elapsed < limit) {
      for (let i = 0; i < 16; i++) {
        const out = fn(text);
        if (out) sink++;
      }
      iterations += 16;
      elapsed = process.hrtime.bigint() - start;
    }
    return iterations / (Number(elapsed) / 1e9);
  };
  run(WARMUP_MS);
  return { perSecond: run(MEASURE_MS) };
}

const pipelines = [
  { name: 'parseTaskResponse (lossless+zod)', pick: (c: Case) => c.lossless },
  { name: 'JSON.parse+reviver+zod (lossy)', pick: (c: Case) => c.jsonZod },
  { name: 'JSON.parse only', pick: () => (text: string) => JSON.parse(text) },
];

const rows: string[][] = [['case', 'bytes', 'pipeline', 'responses/s', 'MB/s', 'vs JSON.parse']];
for (const c of cases) {
  const bytes = Buffer.byteLength(c.text);
  const rates = pipelines.map((p) => measure(p.pick(c), c.text).perSecond);
  const baseline = rates[2]!;
  pipelines.forEach((p, i) => {
    const rate = rates[i]!;
    rows.push([
      i === 0 ? c.name : '',
      i === 0 ? String(bytes) : '',
      p.name,
      Math.round(rate * c.responses).toLocaleString('en-US'),
      ((rate * bytes) / 1e6).toFixed(1),
      `${(rate / baseline).toFixed(2)}x`,
    ]);
  });
  // Ours against the fair competitor (both validate), the figure that matters.
  rows.push(['', '', '→ lossless / JSON.parse+zod', '', '', `${(rates[0]! / rates[1]!).toFixed(2)}x`]);
}

const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
for (const row of rows) {
  console.log(
    row.map((cell, col) => (col >= 3 ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!))).join('  '),
  );
}
console.log(
  `\nid check on the large response: lossless workId ${exact.value.works?.[0]?.workId}, ` +
    `JSON.parse workId ${lossyWorkId} (${lossyWorkId === expectedWorkId ? 'exact' : 'WRONG: digits lost'})`,
);
console.log(
  `node ${process.version}; warm-up ${WARMUP_MS} ms, ${MEASURE_MS} ms per figure (sink ${sink > 0})`,
);
