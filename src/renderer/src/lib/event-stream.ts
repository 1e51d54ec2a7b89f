// Server-sent events read from a fetch() stream, so that the request can carry the access key as a
// header (EventSource cannot set headers, and a key in its URL would sit in logs and history).
// Reconnects after the server's `retry:` delay while anyone listens.

export interface EventStreamOptions {
  url: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  onEvent: (name: string, data: string) => void;
}

/** Splits SSE text into events; returns the unfinished rest. */
export function parseEventBlocks(
  text: string,
  onEvent: (name: string, data: string) => void,
  onRetry: (ms: number) => void,
): string {
  const blocks = text.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let name = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') name = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry' && /^\d+$/.test(value)) onRetry(Number(value));
    }
    if (data.length > 0) onEvent(name, data.join('\n'));
  }
  return rest;
}

/** Opens the stream; the returned function closes it for good. */
export function openEventStream(options: EventStreamOptions): () => void {
  const controller = new AbortController();
  let retryMs = 3000;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function readOnce(): Promise<void> {
    const response = await options.fetch(options.url, {
      headers: { accept: 'text/event-stream', ...options.headers },
      credentials: 'omit',
      cache: 'no-store',
      signal: controller.signal,
    });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer = parseEventBlocks(buffer + value, options.onEvent, (ms) => (retryMs = ms));
    }
  }

  function connect(): void {
    readOnce()
      .catch(() => undefined)
      .finally(() => {
        if (!controller.signal.aborted) timer = setTimeout(connect, retryMs);
      });
  }

  connect();
  return () => {
    controller.abort();
    clearTimeout(timer);
  };
}
