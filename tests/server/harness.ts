/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers over HTTP, checked by the assertions */
// A real headless server over a real library and settings in a temp folder, for the HTTP tests.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/core/api';
import type { Engine } from '../../src/core/api';
import { openLibrary } from '../../src/core/library';
import { parseTaskResponse } from '../../src/shared/useapi';
import { createHeadlessApi } from '../../src/server/headless';
import { startServer } from '../../src/server/http';

export const FIXTURE_TASK_ID = '123456789';
export const FIXTURE_WORK_ID = '123456789';
export const FIXTURE_EMAIL = 'creator@example.com';

export interface HarnessOptions {
  engine?: Engine;
  apiBase?: string;
  launchToken?: string;
  seed?: boolean;
  /** The server's clock (media signature expiry). */
  now?: () => number;
}

export async function startHarness(options: HarnessOptions = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kling-shell-'));
  const configDir = path.join(dir, 'config');
  const libraryDir = path.join(dir, 'library');
  const rendererDir = path.join(dir, 'renderer');
  mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Kling Archive</title>');
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log("app")');
  if (options.seed !== false) {
    const raw = readFileSync(new URL('../fixtures/useapi/get-task-example.json', import.meta.url), 'utf8');
    const parsed = parseTaskResponse(raw);
    if (!parsed.ok) throw new Error(parsed.problem);
    const library = openLibrary(libraryDir);
    library.ingest({ account: FIXTURE_EMAIL, snapshot: parsed.value, raw });
    library.close();
  }
  const logs: string[] = [];
  const { api } = createHeadlessApi({
    configDir,
    libraryFolder: libraryDir,
    apiBase: options.apiBase ?? 'http://127.0.0.1:9/v1/kling',
    version: '0.0.0-test',
    env: options.launchToken ? { USEAPI_TOKEN: options.launchToken } : {},
    log: createLogger((line) => logs.push(line)),
    ...(options.engine ? { engine: options.engine } : {}),
  });
  const server = await startServer({ api, rendererDir, ...(options.now ? { now: options.now } : {}) });

  async function call(method: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${server.origin}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kling-archive-key': server.secret, ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as any, text };
  }

  return {
    dir,
    configDir,
    libraryDir,
    rendererDir,
    api,
    server,
    logs,
    call,
    raw: (req: RawRequest) => rawRequest(server.port, req),
    async close() {
      await server.close();
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RawRequest {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** node:http sends the path and Host exactly as given (fetch would normalise them). */
export function rawRequest(
  port: number,
  req: RawRequest,
): Promise<{ status: number; headers: Record<string, any>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const r = request(
      { host: '127.0.0.1', port, path: req.path, method: req.method ?? 'GET', headers: req.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    r.on('error', reject);
    if (req.body) r.write(req.body);
    r.end();
  });
}

/** Opens the SSE stream and collects parsed events until `count` arrived. */
export function collectEvents(port: number, secret: string) {
  const events: { name: string; data: any; raw: string }[] = [];
  let buffer = '';
  let waiters: (() => void)[] = [];
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  const r = request(
    { host: '127.0.0.1', port, path: '/api/events', headers: { 'x-kling-archive-key': secret } },
    (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        if (buffer.includes(': connected')) opened();
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (name && data) events.push({ name, data: JSON.parse(data), raw: block });
          for (const w of waiters) w();
          waiters = [];
        }
      });
    },
  );
  r.end();
  return {
    events,
    open,
    async waitFor(count: number, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        if (Date.now() > deadline) throw new Error(`only ${events.length} of ${count} events arrived`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return events;
    },
    close: () => r.destroy(),
  };
}
