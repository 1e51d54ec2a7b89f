// The renderer's Content-Security-Policy, written once for both hosts: Electron (which also serves media
// from its own privileged scheme) and the headless server (media from its own origin).
// 'unsafe-inline' styles: Svelte's scoped component styles and style attributes need it; scripts stay 'self'.
export function rendererCsp(extraMediaSources: readonly string[] = []): string {
  const media = ["'self'", ...extraMediaSources].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src ${media} data:`,
    `media-src ${media}`,
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
