// Log lines pass through here so that no token ever reaches a terminal or a log file.
import { redactSecrets } from '../settings/mask-token';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** `secrets` answers the tokens currently known; each line is scrubbed of them before writing. */
export function createLogger(
  write: (line: string) => void,
  secrets: () => Iterable<string> = () => [],
): Logger {
  const line = (level: string, message: string) =>
    write(`${new Date().toISOString()} ${level} ${redactSecrets(message, secrets())}\n`);
  return {
    info: (message) => line('info', message),
    warn: (message) => line('warn', message),
    error: (message) => line('error', message),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** `log` with every line scrubbed of the tokens `secrets` answers (for loggers made before the tokens were known). */
export function scrubbingLogger(log: Logger, secrets: () => Iterable<string>): Logger {
  return {
    info: (message) => log.info(redactSecrets(message, secrets())),
    warn: (message) => log.warn(redactSecrets(message, secrets())),
    error: (message) => log.error(redactSecrets(message, secrets())),
  };
}

/**
 * Calls `write` at most once per `intervalMs` (later calls in the window are counted and reported
 * with the next line): for problems a client can repeat at will, like a damaged page cursor.
 */
export function throttled(
  write: (message: string) => void,
  intervalMs = 60_000,
  now: () => number = Date.now,
): (message: string) => void {
  let last = -Infinity;
  let skipped = 0;
  return (message) => {
    const at = now();
    if (at - last < intervalMs) {
      skipped++;
      return;
    }
    last = at;
    write(skipped > 0 ? `${message} (and ${skipped} more like it in the last minute)` : message);
    skipped = 0;
  };
}
