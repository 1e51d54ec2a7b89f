// Permissions for web contents: exactly two, and only for our own page. Copy (the prompt's Copy
// button writes with the async clipboard API: `clipboard-sanitized-write`) and `fullscreen` (the
// video's fullscreen button). Everything else, and anything asked by another page, is refused.
import type { Session } from 'electron';

export const ALLOWED_PERMISSIONS: readonly string[] = ['clipboard-sanitized-write', 'fullscreen'];

export function isPermissionAllowed(
  permission: string,
  requestingUrl: string | undefined,
  isOwnPage: (url: string) => boolean,
): boolean {
  return ALLOWED_PERMISSIONS.includes(permission) && requestingUrl !== undefined && isOwnPage(requestingUrl);
}

/** Both handlers: requests (asking) and checks (querying the state), which Electron keeps apart. */
export function installPermissionHandlers(session: Session, isOwnPage: (url: string) => boolean): void {
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    const url = 'requestingUrl' in details ? details.requestingUrl : webContents.getURL();
    callback(isPermissionAllowed(permission, url, isOwnPage));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) =>
    isPermissionAllowed(permission, details.requestingUrl ?? requestingOrigin, isOwnPage),
  );
}
