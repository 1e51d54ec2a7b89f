// Download throughput against curl on the same loopback file, and resident-memory growth while
// downloading it. Size: BENCH_DOWNLOAD_BYTES (default 2 GiB). Run: npx tsx bench/download.bench.ts
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { downloadFile } from '../src/core/sync/download';

const SIZE = Number(process.env.BENCH_DOWNLOAD_BYTES ?? 2 * 1024 ** 3);
// The file server runs in its own process, so that it competes with curl and with us alike
// (in this process it would share our one JavaScript thread and halve our figure).
const SERVER = `
const http = require('node:http');
const chunk = require('node:crypto').randomBytes(1024 * 1024);
const size = Number(process.argv[1]);
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-length': size, etag: '"bench"' });
  let sent = 0;
  const pump = () => {
    while (sent < size) {
      const piece = sent + chunk.length <= size ? chunk : chunk.subarray(0, size - sent);
      sent += piece.length;
      if (!res.write(piece)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;
const serverProcess = spawn(process.execPath, ['-e', SERVER, String(SIZE)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise<string>((resolve) =>
  serverProcess.stdout.once('data', (data: Buffer) => resolve(data.toString().trim())),
);
const url = `http://127.0.0.1:${port}/file.bin`;
const dir = mkdtempSync(path.join(tmpdir(), 'ka-bench-dl-'));
const mb = (bytes: number) => (bytes / 1024 ** 2).toFixed(1);

// curl runs in a child process; our server answers from this process, as it does for ours.
async function run(command: string, args: string[]): Promise<void> {
  const child = spawn(command, args, { stdio: 'inherit' });
  const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (status !== 0) throw new Error(`${command} failed`);
}

/** curl's time, and its time with the file then made durable (`sync FILE` fsyncs it), as ours is. */
async function curlOnce(): Promise<{ seconds: number; durableSeconds: number }> {
  const target = path.join(dir, 'curl.bin');
  const started = performance.now();
  await run('curl', ['-sS', '--fail', '-o', target, url]);
  const seconds = (performance.now() - started) / 1000;
  await run('sync', [target]);
  const durableSeconds = (performance.now() - started) / 1000;
  if (statSync(target).size !== SIZE) throw new Error('curl got a wrong size');
  rmSync(target);
  return { seconds, durableSeconds };
}

async function oursOnce(): Promise<{ seconds: number; rssGrowth: number }> {
  // An .mp4 name: the downloader keeps only media files (media-policy.ts).
  const destination = path.join(dir, 'ours.mp4');
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const started = performance.now();
  const result = await downloadFile({ url, destination, maxBytes: SIZE + 1 });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (result.bytes !== SIZE) throw new Error('wrong size');
  rmSync(destination);
  return { seconds, rssGrowth: peak - baseline };
}

// curl curl ours ours, alternating: the best of each, so that page-cache warm-up favours neither.
try {
  const curlTimes: number[] = [];
  const durableCurlTimes: number[] = [];
  const ourTimes: number[] = [];
  let rssGrowth = 0;
  for (let round = 0; round < 2; round++) {
    const curl = await curlOnce();
    curlTimes.push(curl.seconds);
    durableCurlTimes.push(curl.durableSeconds);
    const ours = await oursOnce();
    ourTimes.push(ours.seconds);
    rssGrowth = Math.max(rssGrowth, ours.rssGrowth);
  }
  const curlBest = Math.min(...curlTimes);
  const durableCurlBest = Math.min(...durableCurlTimes);
  const oursBest = Math.min(...ourTimes);
  const rate = (seconds: number) => `${mb(SIZE / seconds)} MiB/s`;
  console.log(`file size            ${mb(SIZE)} MiB over loopback (written to ${tmpdir()})`);
  console.log(`curl                 ${curlBest.toFixed(2)} s  ${rate(curlBest)}`);
  console.log(
    `kling-archive        ${oursBest.toFixed(2)} s  ${rate(oursBest)}  (SHA-256, fsync, rename included)`,
  );
  console.log(
    `curl, then fsync     ${durableCurlBest.toFixed(2)} s  ${rate(durableCurlBest)}  (the same durability as ours)`,
  );
  console.log(
    `throughput ratio     ${(curlBest / oursBest).toFixed(2)}  (goal >= 0.9; curl neither hashes nor fsyncs)`,
  );
  console.log(`ratio vs curl+fsync  ${(durableCurlBest / oursBest).toFixed(2)}`);
  console.log(`RSS growth           ${mb(rssGrowth)} MiB  (goal <= 50 MiB)`);
} finally {
  serverProcess.kill();
  rmSync(dir, { recursive: true, force: true });
}
