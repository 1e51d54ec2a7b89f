// `app://kling-archive/`: the built renderer, served from inside the app (app.asar when packaged)
// instead of file://. A standard, secure scheme gives the page a real origin, so module scripts load,
// `'self'` in the CSP means this origin only, and own-page checks compare origins, not paths.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { protocol } from 'electron';
import type { CustomScheme } from 'electron';
import { answerFileRequest } from '../core/media/serve-file';

export const APP_SCHEME = 'app';
export const APP_HOST = 'kling-archive';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** Registered as privileged together with the media scheme (see schemes.ts). */
export const APP_SCHEME_ENTRY: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

/** Serves `rendererDir`'s files under APP_ORIGIN, each with the renderer's CSP; nothing else. */
export function handleAppProtocol(rendererDir: string, csp: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('Not found', { status: 404 });
    if (request.method !== 'GET') return new Response('Method not allowed', { status: 405 });
    const relative = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    const answer = await answerFileRequest(rendererDir, relative, null, 'app');
    if (!('absolutePath' in answer))
      return new Response(answer.message, { status: answer.status, headers: answer.headers });
    // Whole files only: the renderer's files are small, and read the same way from inside app.asar.
    const body = await readFile(answer.absolutePath);
    return new Response(body, {
      status: 200,
      headers: { ...answer.headers, 'Content-Security-Policy': csp },
    });
  });
}

/** Where the built renderer is, next to the built main (out/main → out/renderer). */
export function builtRendererDir(): string {
  return join(import.meta.dirname, '../renderer');
}
