// Shared helpers for the simulator tests: real HTTP on 127.0.0.1, raw body text kept for id checks.
import { request } from 'node:http';
import type { RunningSimulator } from '../../src/sim';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** set when the connection failed mid-response (reset, truncated) */
  error?: Error;
}

export async function getText(
  sim: RunningSimulator,
  path: string,
  token?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${sim.baseUrl}${path}`, {
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** Parsed answers are read loosely in tests; ids are asserted on the raw text. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

/** JSON.parse is fine for everything but ids; tests read ids from the raw text instead. */
export async function getJson(
  sim: RunningSimulator,
  path: string,
  token?: string,
): Promise<{ status: number; json: Loose; text: string }> {
  const { status, text } = await getText(sim, path, token);
  return { status, text, json: JSON.parse(text) };
}

/** A node:http request that reports what arrived even when the connection breaks. */
export function rawRequest(
  sim: RunningSimulator,
  path: string,
  options: { method?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${sim.baseUrl}${path}`,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        const finish = (error?: Error): void =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), error });
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => finish());
        res.on('aborted', () => finish(new Error('aborted')));
        res.on('error', (error) => finish(error));
      },
    );
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** The raw JSON text of the first `"key": value` in a body, without parsing it as a JS number. */
export function rawField(text: string, key: string): string | undefined {
  return new RegExp(`"${key}":(-?\\d+)`).exec(text)?.[1];
}
