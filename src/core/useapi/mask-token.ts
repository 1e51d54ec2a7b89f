// API tokens never appear in logs, errors or outputs. These helpers are the one place that decides
// how a token is shown (masked) and that scrubs it out of any text that came from elsewhere.

/** A token as it may be shown to its owner: `user…wxyz`, or only dots when it is too short to hint at. */
export function maskToken(token: string): string {
  const trimmed = token.trim();
  if (trimmed.length < 12) return '••••';
  return `${trimmed.slice(0, 4)}…${trimmed.slice(-4)}`;
}

/** Replaces every occurrence of the token in `text` by its masked form (server text may echo it). */
export function redactToken(text: string, token: string): string {
  const trimmed = token.trim();
  if (trimmed === '' || !text.includes(trimmed)) return text;
  return text.split(trimmed).join(maskToken(trimmed));
}
