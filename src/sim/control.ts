// The loopback-only control endpoint under /__sim (never under /v1): lets tests and the demo add tasks,
// inject and clear faults, advance tasks and read the request log while the simulator runs.
import type { IncomingMessage } from 'node:http';
import { writeJson } from './json-writer';
import { jsonOutgoing, type Outgoing } from './outgoing';
import type { FaultSpec, RequestRecord, ScenarioInfo, TaskSpec } from './types';

export interface ControlTarget {
  info(): ScenarioInfo;
  addTask(spec: TaskSpec): string;
  advanceTask(id: string, steps?: number): void;
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  listFaults(): unknown[];
  requests(): RequestRecord[];
  clearRequests(): void;
}

const MAX_BODY = 64 * 1024;

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

function reply(status: number, body: unknown): Outgoing {
  return jsonOutgoing(status, writeJson(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a JSON body, refusing numeric ids (JSON.parse would corrupt them): ids go as strings. */
function parseBody(text: string): Record<string, unknown> {
  if (/"(id|workIds)"\s*:\s*\[?\s*-?\d/.test(text))
    throw new Error('ids must be JSON strings, e.g. "id": "9007199254740993"');
  const value: unknown = JSON.parse(text === '' ? '{}' : text);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error('a JSON object is required');
  return value as Record<string, unknown>;
}

export async function handleControl(
  req: IncomingMessage,
  pathname: string,
  port: number,
  target: ControlTarget,
): Promise<Outgoing> {
  // Only this machine may steer the simulator, and no web page may (Origin / DNS-rebinding Host checks).
  if (!isLoopback(req.socket.remoteAddress))
    return reply(403, { error: 'The control endpoint answers loopback peers only' });
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!allowedHosts.includes(req.headers.host ?? '')) return reply(403, { error: 'Unexpected Host header' });
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedHosts.some((host) => origin === `http://${host}`)) {
    return reply(403, { error: 'Cross-origin requests are refused' });
  }
  const method = req.method ?? 'GET';
  try {
    const route = `${method} ${pathname.replace(/\/+$/, '')}`;
    if (route === 'GET /__sim') return reply(200, target.info());
    if (route === 'POST /__sim/tasks') {
      const id = target.addTask(parseBody(await readBody(req)) as TaskSpec);
      return reply(201, { id });
    }
    const advance = /^POST \/__sim\/tasks\/(\d{1,20})\/advance$/.exec(route);
    if (advance?.[1]) {
      const body = parseBody(await readBody(req));
      const steps = body.steps === undefined ? 1 : body.steps;
      if (typeof steps !== 'number') throw new Error('steps must be a number');
      target.advanceTask(advance[1], steps);
      return reply(200, { id: advance[1], advanced: steps });
    }
    if (route === 'GET /__sim/faults') return reply(200, { faults: target.listFaults() });
    if (route === 'POST /__sim/faults') {
      const body = parseBody(await readBody(req));
      const list = Array.isArray(body.faults) ? (body.faults as FaultSpec[]) : [body as unknown as FaultSpec];
      for (const fault of list) target.injectFault(fault);
      return reply(201, { added: list.length });
    }
    if (route === 'DELETE /__sim/faults') {
      target.clearFaults();
      return { status: 204, headers: {}, body: null };
    }
    if (route === 'GET /__sim/requests') return reply(200, { requests: target.requests() });
    if (route === 'DELETE /__sim/requests') {
      target.clearRequests();
      return { status: 204, headers: {}, body: null };
    }
    return reply(404, { error: `No control route ${route}` });
  } catch (error) {
    return reply(400, { error: error instanceof Error ? error.message : String(error) });
  }
}
