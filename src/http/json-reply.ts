// One JSON answer of the product's small HTTP servers (the codec server, the worker's health endpoint): never cached
// (decrypted payloads and live state must not linger), never sniffed, with its exact length. A response already
// sent or torn down is left alone.
import { type OutgoingHttpHeaders, type ServerResponse } from 'node:http';

/** `body` undefined: an empty answer. `headOnly`: the headers of a HEAD request, without the body. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
  headOnly = false,
): void {
  if (res.headersSent || res.destroyed) return;
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    'content-length': Buffer.byteLength(text),
  });
  res.end(headOnly ? undefined : text);
}
