// The headless adapter: the contract over HTTP on 127.0.0.1 (one POST per method, JSON in and out),
// events as server-sent events, library media with byte ranges, and the built renderer.
// Every request must name our own Host (DNS rebinding) and, when a browser says where it comes from,
// our own Origin. The contract and the events need the launch key in a header (the page keeps it in
// sessionStorage, from the printed URL's `#key=` fragment); media needs the key or a URL signed with
// it. No cookie carries the key: browsers send cookies to every port of a host, so any other local
// server the browser visits would receive it. The renderer's own files are public code.
import { createReadStream } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { ErrorCode } from '../shared/contract';
import { rendererCsp } from '../shared/csp';
import type { Api } from '../core/api';
import { answerFileRequest, type ServedFolder } from '../core/media/serve-file';
import { mediaSignatureValid } from './media-access';

export const LOOPBACK = '127.0.0.1';
const MAX_BODY_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

export const RENDERER_CSP = rendererCsp();

export interface ServerOptions {
  api: Api;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The built renderer (out/renderer); without it `/` explains how to build. */
  rendererDir?: string | undefined;
  /** Made fresh for each launch unless given (tests). */
  secret?: string;
  /** The clock media signatures are checked against (tests). */
  now?: () => number;
}

export interface RunningServer {
  /** The URL to open: origin plus `#key=<secret>` (a fragment: never sent over the wire or logged). */
  url: string;
  origin: string;
  port: number;
  secret: string;
  /** The listening socket's real address (null once closed). */
  address(): AddressInfo | null;
  close(): Promise<void>;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

const BASE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { ...BASE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${text}\n`);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...BASE_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(res: ServerResponse, code: ErrorCode, message: string): void {
  sendJson(res, HTTP_STATUS[code], { error: { code, message } });
}

async function readBody(req: IncomingMessage): Promise<string | { tooLarge: true }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return { tooLarge: true };
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** What every request is checked and answered with: one per running server. */
interface ServerState {
  api: Api;
  rendererDir: string | undefined;
  secret: string;
  secretDigest: Buffer;
  /** The open event streams, ended when the server closes. */
  streams: Set<ServerResponse>;
  /** The port listened on (known once listening). */
  port: number;
  now: () => number;
}

function keyMatches(state: ServerState, candidate: string | undefined | null): boolean {
  return (
    typeof candidate === 'string' &&
    candidate.length > 0 &&
    timingSafeEqual(digest(candidate), state.secretDigest)
  );
}

/** The key from the request's headers (never from a cookie or the query string). */
function headerKey(state: ServerState, req: IncomingMessage): string | undefined {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const header = req.headers['x-kling-archive-key'];
  return [bearer, Array.isArray(header) ? header[0] : header].find((key) => keyMatches(state, key));
}

/** The contract and events need the key; media the key or a signed URL; the renderer neither. */
function authorized(state: ServerState, req: IncomingMessage, url: URL, rawPath: string): boolean {
  if (rawPath.startsWith('/api/')) return headerKey(state, req) !== undefined;
  if (rawPath.startsWith('/media/')) {
    return (
      headerKey(state, req) !== undefined ||
      mediaSignatureValid(state.secret, rawPath.slice('/media/'.length), url.searchParams, state.now())
    );
  }
  return true;
}

/** Refuses what must never be served; answers true when it answered. */
function refuse(
  state: ServerState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  rawPath: string,
): boolean {
  const { port } = state;
  if (![`${LOOPBACK}:${port}`, `localhost:${port}`].includes(req.headers.host ?? '')) {
    sendText(res, 421, 'Refused: this server answers only to its own address (Host header).');
    return true;
  }
  const origin = req.headers.origin;
  if (origin !== undefined && ![`http://${LOOPBACK}:${port}`, `http://localhost:${port}`].includes(origin)) {
    sendText(res, 403, 'Refused: requests from other sites are not accepted (Origin header).');
    return true;
  }
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    sendText(res, 403, 'Refused: requests from other sites are not accepted.');
    return true;
  }
  if (!authorized(state, req, url, rawPath)) {
    sendText(
      res,
      401,
      'Refused: open the URL that `kling-archive serve` printed (it carries the access key).',
    );
    return true;
  }
  return false;
}

async function handleApi(api: Api, req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
  if (req.method !== 'POST') return sendText(res, 405, 'Use POST for contract methods.', { Allow: 'POST' });
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    return sendError(res, 'invalid_input', 'Send the input as JSON (Content-Type: application/json).');
  }
  const body = await readBody(req);
  if (typeof body !== 'string')
    return sendError(res, 'invalid_input', 'The request body is larger than 1 MB.');
  let input: unknown = {};
  if (body.trim().length > 0) {
    try {
      input = JSON.parse(body);
    } catch {
      return sendError(res, 'invalid_input', `${method}: the request body is not valid JSON.`);
    }
  }
  const result = await api.dispatch(method, input);
  if (result.ok) sendJson(res, 200, result.value);
  else sendError(res, result.error.code, result.error.message);
}

function handleEvents(state: ServerState, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    ...BASE_HEADERS,
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write('retry: 3000\n: connected\n\n');
  state.streams.add(res);
  const unsubscribe = state.api.events.subscribe((event) => {
    res.write(`event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  req.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
    state.streams.delete(res);
  });
}

async function handleFile(
  req: IncomingMessage,
  res: ServerResponse,
  root: string,
  requestPath: string,
  folder: ServedFolder,
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return sendText(res, 405, 'Method not allowed.', { Allow: 'GET, HEAD' });
  const answer = await answerFileRequest(root, requestPath, req.headers.range, folder);
  if (!('absolutePath' in answer))
    return sendText(res, answer.status, `Not served: ${answer.message}.`, answer.headers);
  res.writeHead(answer.status, { ...BASE_HEADERS, ...answer.headers, ...extraHeaders });
  if (req.method === 'HEAD' || answer.end < answer.start) return void res.end();
  const stream = createReadStream(answer.absolutePath, { start: answer.start, end: answer.end });
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}

async function handleRenderer(
  dir: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<void> {
  if (!dir) return sendText(res, 404, 'The renderer is not built. Run `npm run build` and start again.');
  const headers = { 'Content-Security-Policy': RENDERER_CSP };
  const requested = pathname === '/' ? 'index.html' : pathname.slice(1);
  // Client-side routes (no file extension) get the app's page.
  const target = /\.[A-Za-z0-9]+$/.test(requested) ? requested : 'index.html';
  await handleFile(req, res, dir, target, 'app', headers);
}

async function handle(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawUrl = req.url ?? '/';
  let url: URL;
  try {
    url = new URL(rawUrl, `http://${LOOPBACK}:${state.port}`);
  } catch {
    return sendText(res, 400, 'Malformed URL.');
  }
  // The raw path, not URL's normalised one: `..` and encodings must reach the containment check.
  const rawPath = rawUrl.split('?')[0] ?? '/';
  if (refuse(state, req, res, url, rawPath)) return;
  if (rawPath === '/api/events') return handleEvents(state, req, res);
  if (rawPath.startsWith('/api/')) {
    let method: string;
    try {
      method = decodeURIComponent(rawPath.slice('/api/'.length));
    } catch {
      return sendError(res, 'invalid_input', 'The method name in the path is not valid percent-encoding.');
    }
    return handleApi(state.api, req, res, method);
  }
  if (rawPath.startsWith('/media/'))
    return handleFile(req, res, state.api.libraryFolder(), rawPath.slice('/media/'.length), 'media');
  return handleRenderer(state.rendererDir, req, res, rawPath);
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const secret = options.secret ?? randomBytes(24).toString('base64url');
  const state: ServerState = {
    api: options.api,
    rendererDir: options.rendererDir,
    secret,
    secretDigest: digest(secret),
    streams: new Set(),
    port: 0,
    now: options.now ?? Date.now,
  };
  const server: Server = createHttpServer((req, res) => {
    handle(state, req, res).catch(() => {
      if (!res.headersSent) sendError(res, 'internal', 'The server failed to answer this request.');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => resolve());
  });
  state.port = (server.address() as AddressInfo).port;
  const origin = `http://${LOOPBACK}:${state.port}`;
  return {
    url: `${origin}/#key=${secret}`,
    origin,
    port: state.port,
    secret,
    address: () => {
      const address = server.address();
      return typeof address === 'object' ? address : null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of state.streams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
