// What the API answers when it refuses a request. Stable names: backends may branch on `error` in the body.

/** How long a caller should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = '5';

/** One field at fault: `loginId`, `body.requestId`, `query.status`, … */
export interface FieldProblem {
  field: string;
  message: string;
}

export abstract class HttpError extends Error {
  abstract readonly status: number;
  readonly headers: Record<string, string> = {};
  readonly fields?: FieldProblem[];

  constructor(message: string, fields?: FieldProblem[]) {
    super(message);
    if (fields !== undefined) this.fields = fields;
  }
}

/** 400: the request was understood but its content is wrong; `fields` says where. */
export class ValidationError extends HttpError {
  override readonly name = 'ValidationError';
  readonly status = 400;
}

/** 400: the request line's target is no path or URL (`//x:99999`, `*`, `host:port`): nothing was routed. */
export class InvalidRequestTargetError extends HttpError {
  override readonly name = 'InvalidRequestTargetError';
  readonly status = 400;
}

/** 400: the body is not JSON. */
export class MalformedJsonError extends HttpError {
  override readonly name = 'MalformedJsonError';
  readonly status = 400;
}

/** 400: the body is JSON, but nested deeper than the API reads (a stack overflow waiting to happen downstream). */
export class JsonTooDeepError extends HttpError {
  override readonly name = 'JsonTooDeepError';
  readonly status = 400;
}

export class UnauthorizedError extends HttpError {
  override readonly name = 'UnauthorizedError';
  readonly status = 401;
  override readonly headers = { 'www-authenticate': 'Bearer' };
}

export class ForbiddenError extends HttpError {
  override readonly name = 'ForbiddenError';
  readonly status = 403;
}

export class RouteNotFoundError extends HttpError {
  override readonly name = 'RouteNotFoundError';
  readonly status = 404;
}

export class MethodNotAllowedError extends HttpError {
  override readonly name = 'MethodNotAllowedError';
  readonly status = 405;
  override readonly headers: Record<string, string>;

  constructor(message: string, allowed: readonly string[]) {
    super(message);
    this.headers = { allow: allowed.join(', ') };
  }
}

export class PayloadTooLargeError extends HttpError {
  override readonly name = 'PayloadTooLargeError';
  readonly status = 413;
}

export class UnsupportedMediaTypeError extends HttpError {
  override readonly name = 'UnsupportedMediaTypeError';
  readonly status = 415;
}

/** 503: the webhook bodies already in flight hold WEBHOOK_IN_FLIGHT_LIMIT; nothing was read or stored. */
export class ServerBusyError extends HttpError {
  override readonly name = 'ServerBusyError';
  readonly status = 503;
  override readonly headers = { 'retry-after': RETRY_AFTER_SECONDS };
}

/** 503: Temporal refused the call as over its limits (RESOURCE_EXHAUSTED, e.g. a namespace rate limit). */
export class TemporalBusyError extends HttpError {
  override readonly name = 'TemporalBusyError';
  readonly status = 503;
  override readonly headers = { 'retry-after': RETRY_AFTER_SECONDS };
}
