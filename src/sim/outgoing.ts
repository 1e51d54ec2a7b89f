// A response before it is written: status, headers and a body that can be produced in chunks, so the
// writer (send.ts) can cut, stall or break it where a fault says.

export interface BodySource {
  length: number;
  chunks(): Iterable<Buffer>;
}

export interface Outgoing {
  status: number;
  headers: Record<string, string>;
  /** null: no body at all (204, 304) */
  body: BodySource | null;
}

const PIECE = 16_384;

/** A buffer served in pieces, so a fault can cut it at any byte. */
export function bufferBody(buffer: Buffer): BodySource {
  return {
    length: buffer.length,
    *chunks() {
      for (let offset = 0; offset < buffer.length; offset += PIECE)
        yield buffer.subarray(offset, offset + PIECE);
    },
  };
}

export function jsonOutgoing(
  status: number,
  jsonText: string,
  headers: Record<string, string> = {},
): Outgoing {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: bufferBody(Buffer.from(jsonText, 'utf8')),
  };
}
