// API tokens never appear in logs, errors or outputs. How a token is masked is decided once, in
// core/settings; the client only needs to scrub its own token (and anything token-shaped) out of
// text that came from elsewhere — server error bodies, parser messages, quoted bad input.
import { maskToken, redactSecrets } from '../settings/mask-token';

export { maskToken };

/** Replaces the token, and anything shaped like a useapi.net token, by its masked form. */
export function redactToken(text: string, token: string): string {
  return redactSecrets(text, [token.trim()]);
}
