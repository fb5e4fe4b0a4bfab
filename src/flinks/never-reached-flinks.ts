// Which failed requests provably never reached Flinks: the connection they needed was never made, so nothing of the
// request was written. Anything else without an HTTP answer (a reset, a timeout waiting for the answer) may have been
// processed.
import { FlinksApiError } from './flinks-api-error';

/** Node and undici codes of a connection that failed to open. */
const NOT_CONNECTED_CODES = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

export function neverReachedFlinks(error: unknown): boolean {
  if (!(error instanceof FlinksApiError) || error.httpStatus !== null) return false;
  const cause: unknown = error.cause;
  if (typeof cause !== 'object' || cause === null || !('code' in cause)) return false;
  const { code } = cause as { code: unknown };
  return typeof code === 'string' && NOT_CONNECTED_CODES.has(code);
}
