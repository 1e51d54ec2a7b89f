// Electron takes the privileged schemes in one call before the app is ready (a second call replaces
// the first), so both of ours are registered here together.
import { protocol } from 'electron';
import { APP_SCHEME_ENTRY } from './app-protocol';
import { MEDIA_SCHEME_ENTRY } from './media-protocol';

export const PRIVILEGED_SCHEMES = [APP_SCHEME_ENTRY, MEDIA_SCHEME_ENTRY];

/** Must run before the app is ready. */
export function registerPrivilegedSchemes(): void {
  protocol.registerSchemesAsPrivileged(PRIVILEGED_SCHEMES);
}
