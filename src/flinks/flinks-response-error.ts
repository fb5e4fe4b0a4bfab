import { type FlinksEndpoint } from './endpoints';
import { FlinksApiError } from './flinks-api-error';

export type MalformedReason = 'empty' | 'not-json' | 'shape' | 'unexpected-status' | 'too-large';

/**
 * A response we could not use: empty, not JSON (HTML error pages, truncated JSON), too large, an
 * unexpected 2xx status, or a JSON body that breaks the documented shape (`field` names the first bad
 * field, e.g. `Login.Id`). A FlinksApiError with flinksCode MALFORMED_RESPONSE, so callers handle every
 * failure through one class and one classification.
 */
export class FlinksResponseError extends FlinksApiError {
  readonly reason: MalformedReason;
  /** Dotted path of the offending field for shape violations, null otherwise. */
  readonly field: string | null;

  constructor(init: {
    endpoint: FlinksEndpoint;
    httpStatus: number | null;
    reason: MalformedReason;
    detail: string;
    field?: string | null;
    requestId?: string | null;
    cause?: unknown;
  }) {
    super({
      endpoint: init.endpoint,
      httpStatus: init.httpStatus,
      flinksCode: 'MALFORMED_RESPONSE',
      message: `Flinks ${init.endpoint} ${init.httpStatus === null ? 'sent' : `answered HTTP ${init.httpStatus} with`} an unusable response: ${init.detail}`,
      requestId: init.requestId ?? null,
      cause: init.cause,
    });
    this.name = 'FlinksResponseError';
    this.reason = init.reason;
    this.field = init.field ?? null;
  }
}
