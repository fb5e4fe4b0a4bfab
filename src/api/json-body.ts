// Request bodies: JSON only, read up to a limit. Past the limit the request is refused with 413 as soon as
// the limit is crossed (or at once from Content-Length), without buffering the rest.
import { type IncomingMessage } from 'node:http';
import { MalformedJsonError, PayloadTooLargeError, UnsupportedMediaTypeError } from './http-errors';

/** Resolves with the parsed JSON, or `undefined` for an empty body (routes decide whether that is allowed). */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  const bytes = await readBytes(req, limitBytes);
  if (bytes.length === 0) return undefined;
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json' && !type?.endsWith('+json')) {
    throw new UnsupportedMediaTypeError(
      `Send the body as JSON with Content-Type: application/json (got ${type ? `'${type}'` : 'none'})`,
    );
  }
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (error) {
    throw new MalformedJsonError(
      `The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function readBytes(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        req.off('data', onData);
        // Stop reading: the server answers 413 and closes the connection rather than draining a huge upload.
        req.pause();
        reject(tooLarge(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function tooLarge(limitBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`The body is larger than this route's limit of ${limitBytes} bytes`);
}
