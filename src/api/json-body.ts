// Request bodies: JSON only, read up to a limit. Past the limit the request is refused with 413 as soon as
// the limit is crossed (or at once from Content-Length), without buffering the rest. Nesting is limited too.
import { type IncomingMessage } from 'node:http';
import { type ByteReservation } from './byte-budget';
import {
  JsonTooDeepError,
  MalformedJsonError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from './http-errors';

/**
 * Levels of arrays and objects a body may nest. Flinks' bodies use under ten; JSON.parse reads tens of thousands,
 * but JSON.stringify (the data sink) runs out of stack a few thousand levels down, and that would never succeed.
 */
export const MAX_JSON_DEPTH = 256;

/**
 * Resolves with the parsed JSON, or `undefined` for an empty body (routes decide whether that is allowed). With a
 * reservation, the body's bytes are held in it (its declared length at once, else as they arrive): 503 when the
 * budget it comes from is spent.
 */
export async function readJsonBody(
  req: IncomingMessage,
  limitBytes: number,
  reservation?: ByteReservation,
): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  if (Number.isFinite(declared)) reservation?.hold(declared);
  const bytes = await readBytes(req, limitBytes, reservation);
  if (bytes.length === 0) return undefined;
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json' && !type?.endsWith('+json')) {
    throw new UnsupportedMediaTypeError(
      `Send the body as JSON with Content-Type: application/json (got ${type ? `'${type}'` : 'none'})`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (error) {
    throw new MalformedJsonError(
      `The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const field = tooDeepUnder(body, MAX_JSON_DEPTH);
  if (field !== null) {
    throw new JsonTooDeepError(
      `The body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep (under ${field})`,
      [{ field, message: `is nested more than ${MAX_JSON_DEPTH} levels deep` }],
    );
  }
  return body;
}

/**
 * The top-level field under which an array or object lies deeper than `maxDepth` levels (the body itself is level
 * 1), or null. Iterative, with its own stack: the body may be nested deeper than the call stack.
 */
export function tooDeepUnder(body: unknown, maxDepth: number): string | null {
  const stack: { value: unknown; depth: number; field: string }[] = [
    { value: body, depth: 1, field: '(whole)' },
  ];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value, depth, field } = next;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > maxDepth) return field;
    for (const [key, child] of Object.entries(value)) {
      stack.push({ value: child, depth: depth + 1, field: depth === 1 ? key : field });
    }
  }
  return null;
}

function readBytes(req: IncomingMessage, limitBytes: number, reservation?: ByteReservation): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Stop reading: the server answers (413, 503) and closes the connection rather than draining the upload.
    const refuse = (error: Error): void => {
      req.off('data', onData);
      req.pause();
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) return refuse(tooLarge(limitBytes));
      try {
        reservation?.hold(size);
      } catch (error) {
        return refuse(error as Error);
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    // A sender gone mid-body is an 'error' (ECONNRESET): the request settles, and what it held is given back.
    req.once('error', reject);
  });
}

function tooLarge(limitBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`The body is larger than this route's limit of ${limitBytes} bytes`);
}
