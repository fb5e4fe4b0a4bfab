import { Pool, errors as undiciErrors } from 'undici';
import { abortReason, throwIfAborted } from './abortable-sleep';
import { type FlinksEndpoint } from './endpoints';
import { FlinksApiError } from './flinks-api-error';
import { FlinksResponseError } from './flinks-response-error';
import { type FlinksLogger } from './logger';
import { type RateLimiter } from './rate-limiter';

export interface TransportOptions {
  /** `https://{instance}-api.private.fin.ag/v3/{customerId}/BankingServices` (no trailing slash needed). */
  baseUrl: string;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Sockets to the origin; unset = undici's default (unlimited). */
  maxConnections?: number;
  maxResponseBytes: number;
  limiter: RateLimiter;
  logger: FlinksLogger;
}

export interface TransportRequest {
  endpoint: FlinksEndpoint;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Appended to the endpoint name, already encoded (e.g. `/<requestId>`). */
  pathSuffix?: string;
  headers: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
  /** Only for error messages of network failures / timeouts (the body had no chance to say). */
  requestId?: string | null;
  /** Called once the limiter has let the request through, just before it is handed to the connection. */
  onSend?: () => void;
}

export interface TransportResponse {
  status: number;
  contentType: string | null;
  text: string;
}

/**
 * One keep-alive undici Pool for the Flinks origin. Sends a request through the rate limiter, reads the
 * whole body, and turns every transport failure into a FlinksApiError (NETWORK_ERROR / TIMEOUT) — except
 * the caller's own abort, which rethrows the signal's reason so cancellation stays cancellation.
 */
export class FlinksTransport {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly limiter: RateLimiter;
  private readonly logger: FlinksLogger;
  private closed = false;

  constructor(options: TransportOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new TypeError(`Flinks baseUrl must be http(s), got protocol ${url.protocol}`);
    }
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connect: { timeout: options.connectTimeoutMs },
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      maxResponseSize: options.maxResponseBytes,
      ...(options.maxConnections === undefined ? {} : { connections: options.maxConnections }),
    });
    this.limiter = options.limiter;
    this.logger = options.logger;
  }

  async send(request: TransportRequest): Promise<TransportResponse> {
    if (this.closed) throw new Error('FlinksClient is closed');
    throwIfAborted(request.signal);
    return this.limiter.run(() => this.sendNow(request), request.signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close();
  }

  private async sendNow(request: TransportRequest): Promise<TransportResponse> {
    const started = Date.now();
    const path = `${this.basePath}/${request.endpoint}${request.pathSuffix ?? ''}`;
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    this.logger.debug(`Flinks ${request.method} ${request.endpoint}`, { endpoint: request.endpoint });
    request.onSend?.();
    try {
      const response = await this.pool.request({
        path,
        method: request.method,
        headers,
        ...(body === undefined ? {} : { body }),
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
      const text = await response.body.text();
      const contentType = headerValue(response.headers['content-type']);
      this.logger.debug(`Flinks ${request.endpoint} answered HTTP ${response.statusCode}`, {
        endpoint: request.endpoint,
        status: response.statusCode,
        durationMs: Date.now() - started,
        bytes: text.length,
      });
      return { status: response.statusCode, contentType, text };
    } catch (error) {
      if (request.signal?.aborted) throw abortReason(request.signal);
      const failure = toTransportError(request, error);
      this.logger.warn(failure.message, {
        endpoint: request.endpoint,
        flinksCode: failure.flinksCode,
        durationMs: Date.now() - started,
      });
      throw failure;
    }
  }
}

function headerValue(value: string | string[] | undefined): string | null {
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

function toTransportError(request: TransportRequest, error: unknown): FlinksApiError {
  if (error instanceof undiciErrors.ResponseExceededMaxSizeError) {
    return new FlinksResponseError({
      endpoint: request.endpoint,
      httpStatus: null,
      reason: 'too-large',
      detail: 'body exceeds the configured maxResponseBytes',
      requestId: request.requestId ?? null,
      cause: error,
    });
  }
  const code = errorCode(error);
  const timeout = code !== null && TIMEOUT_CODES.has(code);
  // Only the error class/code goes into the message: undici messages can echo URLs, never headers,
  // but a code is all an operator needs.
  const what = timeout ? timeoutKind(code) : `network error${code === null ? '' : ` (${code})`}`;
  return new FlinksApiError({
    endpoint: request.endpoint,
    httpStatus: null,
    flinksCode: timeout ? 'TIMEOUT' : 'NETWORK_ERROR',
    message: `Flinks ${request.method} ${request.endpoint} failed: ${what}`,
    requestId: request.requestId ?? null,
    cause: error,
  });
}

function timeoutKind(code: string | null): string {
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connect timeout';
    case 'UND_ERR_HEADERS_TIMEOUT':
      return 'timed out waiting for response headers';
    case 'UND_ERR_BODY_TIMEOUT':
      return 'timed out reading the response body';
    default:
      return `timeout (${code ?? 'unknown'})`;
  }
}

function errorCode(error: unknown): string | null {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return null;
}
