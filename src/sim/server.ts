// The HTTP server: routes /v1/kling (API), /media (files) and /__sim (control), applies faults, keeps the
// request log (never the token) and tracks sockets so close() ends everything at once.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KlingApi } from './api';
import { handleControl, type ControlTarget } from './control';
import { FaultRegistry } from './faults';
import { writeJson } from './json-writer';
import { MediaStore } from './media';
import { bufferBody, jsonOutgoing, type Outgoing } from './outgoing';
import { DEFAULT_STALL_MS, send, type Sleeper } from './send';
import type { SimState } from './tasks';
import type { FaultSpec, RequestRecord } from './types';

const API_PREFIX = '/v1/kling';
const MAX_LOG = 10_000;

const CORS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, Range, If-Range',
  'Access-Control-Expose-Headers': 'Content-Length, Content-Range, ETag, Retry-After',
};

export class SimServer implements Sleeper {
  readonly server: Server;
  readonly faults = new FaultRegistry();
  readonly media = new MediaStore();
  private readonly api: KlingApi;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private log: RequestRecord[] = [];
  port = 0;
  control: ControlTarget | undefined;

  constructor(
    readonly state: SimState,
    private readonly onRequest?: (record: RequestRecord) => void,
  ) {
    this.api = new KlingApi(state, this.media);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end(
            writeJson({
              error: `Simulator error: ${error instanceof Error ? error.message : String(error)}`,
            }),
          );
        } else res.destroy();
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        const address = this.server.address();
        this.port = typeof address === 'object' && address ? address.port : port;
        resolve();
      });
    });
  }

  /** Where the socket is really bound (what the tests check, rather than the URL we print). */
  address(): AddressInfo | null {
    const address = this.server.address();
    return typeof address === 'object' ? address : null;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.set(timer, resolve);
    });
  }

  requests(): RequestRecord[] {
    return this.log.map((record) => ({ ...record, query: { ...record.query } }));
  }

  clearRequests(): void {
    this.log = [];
  }

  async close(): Promise<void> {
    for (const [timer, wake] of this.timers) {
      clearTimeout(timer);
      wake();
    }
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (path === '/__sim' || path.startsWith('/__sim/')) {
      if (!this.control) throw new Error('control endpoint not ready');
      await send(res, await handleControl(req, path, this.port, this.control), null, false, this);
      return;
    }
    const record: RequestRecord = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      range: typeof req.headers.range === 'string' ? req.headers.range : null,
      authorization: req.headers.authorization !== undefined,
      fault: null,
      at: Date.now(),
    };
    this.log.push(record);
    if (this.log.length > MAX_LOG) this.log.shift();
    const originalWriteHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    res.writeHead = ((...args: unknown[]) => {
      record.status = typeof args[0] === 'number' ? args[0] : res.statusCode;
      return originalWriteHead(...args);
    }) as ServerResponse['writeHead'];
    res.on('close', () => this.onRequest?.(record));

    const fault =
      path.startsWith('/v1/') || path.startsWith('/media/')
        ? this.faults.take({ method, path, hasRange: record.range !== null })
        : null;
    record.fault = fault?.kind ?? null;
    const headOnly = method === 'HEAD';

    if (fault?.kind === 'stall' && fault.afterBytes === undefined) {
      // The headers themselves come late (or, for a client with a shorter timeout, never).
      await this.sleep(fault.stallMs ?? DEFAULT_STALL_MS);
      if (res.destroyed) return;
    }
    const early = earlyFault(fault);
    if (early) {
      await send(res, early, null, headOnly, this);
      return;
    }
    let outgoing: Outgoing;
    if (method === 'OPTIONS' && path.startsWith(API_PREFIX)) {
      outgoing = {
        status: 204,
        headers: { ...CORS, 'Access-Control-Allow-Methods': 'GET, OPTIONS' },
        body: null,
      };
    } else if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) {
      const answer = this.api.handle({
        method: headOnly ? 'GET' : method,
        route: path.slice(API_PREFIX.length),
        query: url.searchParams,
        authorization: req.headers.authorization,
        baseUrl: this.baseUrl,
      });
      outgoing = jsonOutgoing(answer.status, writeJson(answer.body), { ...CORS, ...answer.headers });
    } else if (path.startsWith('/media/')) {
      const mediaFault = fault?.kind === 'ignore-range' || fault?.kind === 'change-etag' ? fault.kind : null;
      outgoing = this.media.serve(method, path, req.headers, mediaFault);
    } else {
      outgoing = jsonOutgoing(404, '{"error":"Not found"}');
    }
    if (fault?.kind === 'malformed-json' && outgoing.body) {
      outgoing = { ...outgoing, status: 200, body: bufferBody(brokenJson(outgoing)) };
    }
    await send(res, outgoing, fault, headOnly, this);
  }
}

/** Faults that answer instead of the handler (so the request has no other effect, e.g. no poll counted). */
function earlyFault(fault: FaultSpec | null): Outgoing | null {
  if (fault?.kind === 'rate-limit') {
    return jsonOutgoing(
      fault.status ?? 429,
      writeJson({ error: 'Too many requests, please retry later', code: 429 }),
      {
        'Retry-After': String(fault.retryAfterSeconds ?? 1),
      },
    );
  }
  if (fault?.kind === 'server-error') {
    const status = fault.status ?? 500;
    if (status === 500) return jsonOutgoing(500, writeJson({ error: 'Internal server error', code: 500 }));
    // A gateway in front of the API answers 502/503/504 with HTML, not JSON.
    const title =
      { 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' }[status] ?? 'Error';
    return {
      status,
      headers: { 'Content-Type': 'text/html; charset=utf-8' },
      body: bufferBody(
        Buffer.from(
          `<html><head><title>${status} ${title}</title></head><body><h1>${status} ${title}</h1></body></html>\n`,
        ),
      ),
    };
  }
  return null;
}

/** The first half of the real answer: a 200 whose JSON stops mid-way. */
function brokenJson(outgoing: Outgoing): Buffer {
  const whole = Buffer.concat([...(outgoing.body?.chunks() ?? [])].slice(0, 64));
  const cut = whole.subarray(0, Math.max(1, Math.floor(whole.length / 2)));
  return Buffer.concat([cut, Buffer.from('\u0000}', 'utf8')]);
}
