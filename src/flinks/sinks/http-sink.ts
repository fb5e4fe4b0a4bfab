import { Pool } from 'undici';
import { abortableSleep, abortReason } from '../abortable-sleep';
import { type DataRecord, type DataSink, type DataSinkWriteOptions } from './data-sink';
import { DataSinkError } from './data-sink-error';
import { serializeRecord } from './serialize-record';
import { SIGNATURE_HEADER, signatureHeader, type SigningSecrets } from './signature';

export interface HttpSinkOptions {
  /** The backend endpoint receiving `POST` JSON `{ loginId, requestId, fetchedAt, body }`. */
  url: string;
  /** Key of the HMAC-SHA256 in `x-flinks-refresh-signature: t=<unix seconds>,v1=<hex>` (see signature.ts). */
  hmacSecret: string;
  /** While set, a second `v1=` signed with it, so a backend still on the old secret verifies during a rotation. */
  previousHmacSecret?: string;
  /** Per attempt, headers and body included. Default 30 s. */
  timeoutMs?: number;
  /** Extra attempts after the first for 5xx / 408 / 429 / network / timeout. Default 3. */
  retries?: number;
  /** First backoff; doubles per retry with jitter, capped by retryMaxDelayMs. Default 500 ms. */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
}

/**
 * POSTs each record to a backend, signed, with `idempotency-key: <requestId>` so the backend can drop the
 * duplicates our retries (and the activity's) produce. Returns the `Location` header when the backend
 * sends one, else the URL, either without credentials, query or fragment: the location goes into activity results,
 * so into workflow histories, and a token in DATA_SINK_URL must not. Owns a keep-alive undici Pool for the backend
 * origin; `close()` releases it.
 */
export class HttpSink implements DataSink {
  private readonly pool: Pool;
  private readonly path: string;
  /** For messages and locations: origin and path only (userinfo or a query string could carry a token). */
  private readonly safeUrl: string;
  private readonly secrets: SigningSecrets;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(options: HttpSinkOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new TypeError('HttpSink: url must be http(s)');
    if (!options.hmacSecret) throw new TypeError('HttpSink: hmacSecret is required');
    this.safeUrl = withoutSecrets(url);
    this.path = `${url.pathname}${url.search}`;
    this.pool = new Pool(url.origin, { keepAliveTimeout: 30_000 });
    this.secrets = options.previousHmacSecret
      ? [options.hmacSecret, options.previousHmacSecret]
      : [options.hmacSecret];
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 3;
    this.baseDelayMs = options.retryBaseDelayMs ?? 500;
    this.maxDelayMs = options.retryMaxDelayMs ?? 10_000;
  }

  async write(record: DataRecord, options: DataSinkWriteOptions = {}): Promise<{ location: string }> {
    const payload = serializeRecord(record, 'HttpSink');
    for (let attempt = 0; ; attempt += 1) {
      // Signed per attempt: a retry after backoff carries a fresh timestamp, well within the receiver's tolerance.
      const headers = {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signatureHeader(payload, this.secrets),
        'idempotency-key': record.requestId,
      };
      const outcome = await this.attempt(payload, headers, options.signal);
      if ('location' in outcome) return outcome;
      const error = outcome.error;
      if (!error.retryable || attempt >= this.retries) throw error;
      await abortableSleep(outcome.retryAfterMs ?? this.backoff(attempt), options.signal);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async attempt(
    payload: string,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<{ location: string } | { error: DataSinkError; retryAfterMs?: number }> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    try {
      const response = await this.pool.request({
        path: this.path,
        method: 'POST',
        headers,
        body: payload,
        signal: combined,
      });
      await response.body.text();
      const status = response.statusCode;
      if (status >= 200 && status < 300) {
        return { location: this.locationOf(response.headers['location']) };
      }
      const retryable = status >= 500 || status === 408 || status === 429;
      const retryAfterMs = retryAfter(response.headers['retry-after'], this.maxDelayMs);
      return {
        error: new DataSinkError(`HttpSink: POST ${this.safeUrl} answered HTTP ${status}`, {
          httpStatus: status,
          retryable,
        }),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      const what = timeout.aborted ? `timed out after ${this.timeoutMs} ms` : 'network error';
      return {
        error: new DataSinkError(`HttpSink: POST ${this.safeUrl} failed: ${what}`, {
          retryable: true,
          cause: error,
        }),
      };
    }
  }

  /** The backend's Location resolved against the sink URL, else the sink URL; never with secrets. */
  private locationOf(header: string | string[] | undefined): string {
    if (typeof header !== 'string' || header === '') return this.safeUrl;
    // A Location that does not parse is no reason to send the record again: it was stored.
    return URL.canParse(header, this.safeUrl) ? withoutSecrets(new URL(header, this.safeUrl)) : this.safeUrl;
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** attempt);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }
}

/** Origin and path: no userinfo, query or fragment, any of which may carry a credential. */
function withoutSecrets(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function retryAfter(header: string | string[] | undefined, maxMs: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, maxMs) : undefined;
}
