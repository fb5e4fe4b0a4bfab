import { type FlinksEndpoint } from './endpoints';

export interface FlinksApiErrorInit {
  endpoint: FlinksEndpoint;
  /** null when no HTTP answer arrived (network error, timeout) or for the poll cap. */
  httpStatus: number | null;
  flinksCode: string;
  message: string;
  requestId?: string | null;
  cause?: unknown;
}

/**
 * Every failure of a Flinks call. `flinksCode` is Flinks' code when the body had one, a synthetic one
 * otherwise (NETWORK_ERROR, TIMEOUT, OPERATION_TIMEOUT, MALFORMED_RESPONSE, or HTTP_<status> for an
 * error body without a code); feed it to classifyFlinksError. The message never contains secrets,
 * tokens or response bodies.
 */
export class FlinksApiError extends Error {
  readonly httpStatus: number | null;
  readonly flinksCode: string;
  /** The session's RequestId when the error body carried one (cached Authorize keeps it usable). */
  readonly requestId: string | null;
  readonly endpoint: FlinksEndpoint;

  constructor(init: FlinksApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    // Set explicitly: Temporal reports failures by name, and minifiers or subclassing can lose it.
    this.name = 'FlinksApiError';
    this.httpStatus = init.httpStatus;
    this.flinksCode = init.flinksCode;
    this.requestId = init.requestId ?? null;
    this.endpoint = init.endpoint;
  }
}
