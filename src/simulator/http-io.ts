import { type IncomingMessage, type ServerResponse } from 'node:http';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface RawBody {
  bytes: Buffer;
  tooLarge: boolean;
}

/** Reads the whole body (drains but drops anything past the limit); resolves with whatever arrived. */
export function readBody(req: IncomingMessage): Promise<RawBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const done = () => resolve({ bytes: Buffer.concat(chunks), tooLarge });
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', done);
    req.on('error', done);
    req.on('close', done);
  });
}

export function isGone(res: ServerResponse): boolean {
  return res.destroyed || res.writableEnded;
}

/** Writes `body` as JSON; `truncate` cuts the text in half (malformed-JSON fault) with a matching length. */
export function writeJson(res: ServerResponse, status: number, body: unknown, truncate = false): void {
  if (isGone(res)) return;
  const text = JSON.stringify(body) ?? 'null';
  const payload = truncate ? text.slice(0, Math.max(1, Math.floor(text.length / 2))) : text;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/** A percent-decoded path segment; a malformed escape is kept as sent rather than thrown. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
