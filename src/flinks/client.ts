import { type z } from 'zod';
import { type FlinksEndpoint } from './endpoints';
import { FlinksApiError } from './flinks-api-error';
import { FlinksResponseError } from './flinks-response-error';
import { redactingLogger, silentLogger, type FlinksLogger } from './logger';
import { apiErrorFrom, parseBody, readJson } from './parse-response';
import { pollUntilData } from './poll';
import { RateLimiter } from './rate-limiter';
import { authorizeBody, detailBody, requireId, summaryBody } from './request-bodies';
import { Redactor } from './redactor';
import {
  accountsDetailSchema,
  accountsSummarySchema,
  authorizeMfaSchema,
  authorizeSuccessSchema,
  errorBodySchema,
  nightlyRefreshStatusSchema,
  pendingSchema,
  scheduledRefreshObjectSchema,
  tokenResponseSchema,
} from './schemas';
import { FlinksTransport, type TransportRequest, type TransportResponse } from './transport';
import {
  type AccountsDetail,
  type AccountsDetailOptions,
  type AccountsSummary,
  type AccountsSummaryOptions,
  type AuthorizeRequest,
  type AuthorizeResult,
  type CallOptions,
  type DataResult,
  type FlinksClientOptions,
  type NightlyRefreshStatusEntry,
  type PollOptions,
} from './types';

const DEFAULTS = {
  pollIntervalMs: 10_000,
  pollTimeoutMs: 30 * 60_000,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 240_000,
  bodyTimeoutMs: 240_000,
  keepAliveTimeoutMs: 30_000,
  maxResponseBytes: 128 * 1024 * 1024,
} as const;

export interface AuthorizeCallOptions extends CallOptions {
  /**
   * Called when the Authorize itself (not the token call before it) has passed the rate limiter and is handed to the
   * connection: until then, it provably has not reached Flinks.
   */
  onSend?: () => void;
}

type DataEndpoints =
  | { sync: 'GetAccountsDetail'; async: 'GetAccountsDetailAsync' }
  | { sync: 'GetAccountsSummary'; async: 'GetAccountsSummaryAsync' };

/**
 * The Flinks BankingServices API over one keep-alive undici pool. Expected outcomes (MFA needed, data
 * still pending) are typed results; everything else throws FlinksApiError (FlinksResponseError for
 * unusable bodies). Never retries on its own: callers (Temporal activities) retry by classification.
 */
export class FlinksClient {
  private readonly secretKey: string;
  private readonly apiKey: string | undefined;
  private readonly pollIntervalMs: number;
  private readonly pollTimeoutMs: number;
  private readonly now: () => number;
  private readonly redactor: Redactor;
  private readonly logger: FlinksLogger;
  private readonly transport: FlinksTransport;

  constructor(options: FlinksClientOptions) {
    if (!options.secretKey) throw new TypeError('FlinksClient: secretKey is required');
    this.secretKey = options.secretKey;
    this.apiKey = options.apiKey || undefined;
    this.pollIntervalMs = positive('pollIntervalMs', options.pollIntervalMs, DEFAULTS.pollIntervalMs);
    this.pollTimeoutMs = positive('pollTimeoutMs', options.pollTimeoutMs, DEFAULTS.pollTimeoutMs);
    this.now = options.now ?? Date.now;
    this.redactor = new Redactor([options.secretKey, options.apiKey]);
    this.logger = redactingLogger(options.logger ?? silentLogger, this.redactor);
    this.transport = new FlinksTransport({
      baseUrl: options.baseUrl,
      connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, DEFAULTS.connectTimeoutMs),
      headersTimeoutMs: positive('headersTimeoutMs', options.headersTimeoutMs, DEFAULTS.headersTimeoutMs),
      bodyTimeoutMs: positive('bodyTimeoutMs', options.bodyTimeoutMs, DEFAULTS.bodyTimeoutMs),
      keepAliveTimeoutMs: positive(
        'keepAliveTimeoutMs',
        options.keepAliveTimeoutMs,
        DEFAULTS.keepAliveTimeoutMs,
      ),
      maxResponseBytes: positive('maxResponseBytes', options.maxResponseBytes, DEFAULTS.maxResponseBytes),
      ...(options.maxConcurrency === undefined ? {} : { maxConnections: options.maxConcurrency }),
      limiter:
        options.limiter ??
        new RateLimiter({
          ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
          ...(options.maxRps === undefined ? {} : { maxRps: options.maxRps }),
        }),
      logger: this.logger,
    });
  }

  /**
   * A fresh single-use authorize token (for /Authorize, or the `authorizeToken` parameter of the Flinks
   * Connect iframe when a user reconnects). Treat it as a secret.
   */
  async generateAuthorizeToken(options: CallOptions = {}): Promise<string> {
    const endpoint = 'GenerateAuthorizeToken';
    const response = await this.send(
      { endpoint, method: 'POST', headers: { 'flinks-auth-key': this.secretKey } },
      options,
    );
    if (response.status !== 200) throw this.failure(response, { endpoint });
    const { Token } = parseBody(tokenResponseSchema, readJson(response, { endpoint }), 200, { endpoint });
    this.redactor.track(Token);
    return Token;
  }

  /**
   * Cached (`mostRecentCached: true`), live (`mostRecentCached: false`, `save` defaults to true) or an MFA
   * answer (`requestId` + `securityResponses`). Each call spends a fresh authorize token: they are
   * single-use, and the MFA answer is a new /Authorize call like any other.
   */
  async authorize(request: AuthorizeRequest, options: AuthorizeCallOptions = {}): Promise<AuthorizeResult> {
    const endpoint = 'Authorize';
    const body = authorizeBody(request);
    const knownRequestId = 'requestId' in request ? request.requestId : null;
    const { onSend, ...callOptions } = options;
    const token = await this.generateAuthorizeToken(callOptions);
    const response = await this.send(
      {
        endpoint,
        method: 'POST',
        headers: { 'flinks-auth-key': token },
        body,
        requestId: knownRequestId,
        ...(onSend === undefined ? {} : { onSend }),
      },
      callOptions,
    );
    const context = { endpoint, requestId: knownRequestId } as const;
    if (response.status === 200) {
      const ok = parseBody(authorizeSuccessSchema, readJson(response, context), 200, context);
      return {
        kind: 'authorized',
        requestId: ok.RequestId,
        institution: ok.Institution ?? ok.InstitutionName ?? null,
        login: {
          id: ok.Login.Id,
          lastRefresh: ok.Login.LastRefresh ?? null,
          isScheduledRefresh: ok.Login.IsScheduledRefresh ?? null,
          type: ok.Login.Type ?? null,
        },
      };
    }
    if (response.status === 203) {
      const mfa = parseBody(authorizeMfaSchema, readJson(response, context), 203, context);
      this.logger.info('Flinks Authorize needs MFA', {
        requestId: mfa.RequestId,
        challenges: mfa.SecurityChallenges.length,
      });
      return {
        kind: 'mfa-required',
        requestId: mfa.RequestId,
        institution: mfa.Institution ?? mfa.InstitutionName ?? null,
        challenges: mfa.SecurityChallenges.map((c) => ({ type: c.Type, prompt: c.Prompt ?? null })),
      };
    }
    throw this.failure(response, context);
  }

  getAccountsDetail(
    requestId: string,
    detailOptions: AccountsDetailOptions = {},
    options: CallOptions = {},
  ): Promise<DataResult<AccountsDetail>> {
    return this.dataCall(
      DETAIL,
      accountsDetailSchema,
      requestId,
      detailBody(requestId, detailOptions),
      options,
    );
  }

  getAccountsDetailAsync(requestId: string, options: CallOptions = {}): Promise<DataResult<AccountsDetail>> {
    return this.dataCall(DETAIL, accountsDetailSchema, requestId, undefined, options);
  }

  /** GetAccountsDetail, then GetAccountsDetailAsync every pollIntervalMs while 202, up to pollTimeoutMs. */
  fetchAccountsDetail(
    requestId: string,
    detailOptions: AccountsDetailOptions = {},
    options: PollOptions = {},
  ): Promise<AccountsDetail> {
    return this.poll(
      DETAIL,
      requestId,
      () => this.getAccountsDetail(requestId, detailOptions, options),
      () => this.getAccountsDetailAsync(requestId, options),
      options,
    );
  }

  getAccountsSummary(
    requestId: string,
    summaryOptions: AccountsSummaryOptions = {},
    options: CallOptions = {},
  ): Promise<DataResult<AccountsSummary>> {
    return this.dataCall(
      SUMMARY,
      accountsSummarySchema,
      requestId,
      summaryBody(requestId, summaryOptions),
      options,
    );
  }

  getAccountsSummaryAsync(
    requestId: string,
    options: CallOptions = {},
  ): Promise<DataResult<AccountsSummary>> {
    return this.dataCall(SUMMARY, accountsSummarySchema, requestId, undefined, options);
  }

  fetchAccountsSummary(
    requestId: string,
    summaryOptions: AccountsSummaryOptions = {},
    options: PollOptions = {},
  ): Promise<AccountsSummary> {
    return this.poll(
      SUMMARY,
      requestId,
      () => this.getAccountsSummary(requestId, summaryOptions, options),
      () => this.getAccountsSummaryAsync(requestId, options),
      options,
    );
  }

  /**
   * The cards with nightly refresh on that Flinks will NOT refresh (not a full list). Missing, null or
   * empty `IneligibleCards` all give []. A 200 that also carries Message/FlinksCode (as the doc example
   * does) still succeeds; the code is logged.
   */
  async getNightlyRefreshStatus(options: CallOptions = {}): Promise<NightlyRefreshStatusEntry[]> {
    const endpoint = 'GetNightlyRefreshStatus';
    const response = await this.send(
      { endpoint, method: 'GET', headers: { authorization: `Bearer ${this.secretKey}` } },
      options,
    );
    if (response.status !== 200) throw this.failure(response, { endpoint });
    const body = parseBody(nightlyRefreshStatusSchema, readJson(response, { endpoint }), 200, { endpoint });
    if (body.FlinksCode) {
      this.logger.warn('Flinks GetNightlyRefreshStatus succeeded with a FlinksCode', {
        flinksCode: body.FlinksCode,
      });
    }
    return (body.IneligibleCards ?? []).map((card) => ({
      loginId: card.LoginId,
      lastRefreshDate: card.LastRefreshDate ?? null,
      lastRefreshState: card.LastRefreshState ?? null,
      lastRefreshErrorCode: card.LastRefreshErrorCode ?? null,
    }));
  }

  /**
   * Turns Flinks' nightly refresh on or off for a login; returns Flinks' confirmation text. The body
   * carries both casings (`loginId`/`isActivated` as documented, `LoginId`/`IsActivated` as a public
   * client sends): same values, so a case-insensitive server reads one and a case-sensitive one of
   * either convention finds its own and ignores the other.
   */
  async setScheduledRefresh(loginId: string, enabled: boolean, options: CallOptions = {}): Promise<string> {
    const endpoint = 'SetScheduledRefresh';
    requireId('loginId', loginId);
    const response = await this.send(
      {
        endpoint,
        method: 'PATCH',
        headers: this.managementHeaders(),
        body: { loginId, isActivated: enabled, LoginId: loginId, IsActivated: enabled },
      },
      options,
    );
    if (response.status < 200 || response.status >= 300) throw this.failure(response, { endpoint });
    const json = readJson(response, { endpoint });
    if (typeof json === 'string') return json;
    const body = parseBody(scheduledRefreshObjectSchema, json, response.status, { endpoint });
    if (body.FlinksCode && body.FlinksCode.toUpperCase() !== 'OK') throw this.failure(response, { endpoint });
    const message = body.Message ?? body.message;
    if (message === undefined || message === null) {
      throw new FlinksResponseError({
        endpoint,
        httpStatus: response.status,
        reason: 'shape',
        field: 'Message',
        detail: 'field Message: expected a JSON string body or an object with a Message',
      });
    }
    return message;
  }

  /**
   * Deletes every trace of the login at Flinks. Any 2xx counts as done whatever the body (its shape is
   * undocumented and carries nothing we need), unless the body is an error object with a FlinksCode.
   */
  async deleteCard(loginId: string, options: CallOptions = {}): Promise<void> {
    const endpoint = 'DeleteCard';
    requireId('loginId', loginId);
    const response = await this.send(
      {
        endpoint,
        method: 'DELETE',
        pathSuffix: `/${encodeURIComponent(loginId)}`,
        headers: this.managementHeaders(),
      },
      options,
    );
    if (response.status < 200 || response.status >= 300) throw this.failure(response, { endpoint });
    const code = codeInSuccessBody(response.text);
    if (code !== null && code.toUpperCase() !== 'OK') throw this.failure(response, { endpoint });
    this.logger.info('Flinks DeleteCard done', { loginId, status: response.status });
  }

  /** Closes the connection pool; in-flight requests finish first. */
  close(): Promise<void> {
    return this.transport.close();
  }

  private async dataCall<T>(
    endpoints: DataEndpoints,
    schema: z.ZodType<T, z.ZodTypeDef, unknown>,
    requestId: string,
    body: Record<string, unknown> | undefined,
    options: CallOptions,
  ): Promise<DataResult<T>> {
    requireId('requestId', requestId);
    const endpoint: FlinksEndpoint = body === undefined ? endpoints.async : endpoints.sync;
    const response = await this.send(
      body === undefined
        ? {
            endpoint,
            method: 'GET',
            pathSuffix: `/${encodeURIComponent(requestId)}`,
            headers: this.dataHeaders(),
            requestId,
          }
        : { endpoint, method: 'POST', headers: this.dataHeaders(), body, requestId },
      options,
    );
    const context = { endpoint, requestId } as const;
    if (response.status === 200) {
      return { kind: 'data', data: parseBody(schema, readJson(response, context), 200, context) };
    }
    if (response.status === 202) {
      const pending = parseBody(pendingSchema, readJson(response, context), 202, context);
      return {
        kind: 'pending',
        requestId: pending.RequestId || requestId,
        flinksCode: pending.FlinksCode || 'OPERATION_PENDING',
      };
    }
    throw this.failure(response, context);
  }

  private poll<T>(
    endpoints: DataEndpoints,
    requestId: string,
    first: () => Promise<DataResult<T>>,
    next: () => Promise<DataResult<T>>,
    options: PollOptions,
  ): Promise<T> {
    return pollUntilData({
      endpoint: endpoints.async,
      requestId,
      first,
      next,
      intervalMs: this.pollIntervalMs,
      timeoutMs: this.pollTimeoutMs,
      now: this.now,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onPending: (info) => {
        this.logger.debug(`Flinks ${endpoints.async} pending`, { ...info });
        options.onPending?.(info);
      },
    });
  }

  private send(request: Omit<TransportRequest, 'signal'>, options: CallOptions): Promise<TransportResponse> {
    return this.transport.send({
      ...request,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  }

  /** The error for a non-success answer; a 2xx we did not expect is an unusable response, not an API error. */
  private failure(
    response: TransportResponse,
    context: { endpoint: FlinksEndpoint; requestId?: string | null },
  ): FlinksApiError {
    let error: FlinksApiError;
    try {
      error = apiErrorFrom(response, context, (text) => this.redactor.redact(text));
      if (response.status < 300 && error.flinksCode === `HTTP_${response.status}`) {
        error = new FlinksResponseError({
          endpoint: context.endpoint,
          httpStatus: response.status,
          reason: 'unexpected-status',
          detail: `unexpected status ${response.status} without a FlinksCode`,
          requestId: error.requestId,
        });
      }
    } catch (unusable) {
      if (!(unusable instanceof FlinksApiError)) throw unusable;
      error = unusable;
    }
    this.logger.warn(this.redactor.redact(error.message), {
      endpoint: context.endpoint,
      status: error.httpStatus,
      flinksCode: error.flinksCode,
      requestId: error.requestId,
    });
    return error;
  }

  private dataHeaders(): Record<string, string> {
    return this.apiKey === undefined ? {} : { 'x-api-key': this.apiKey };
  }

  /**
   * SetScheduledRefresh / DeleteCard: public material does not say which credential they take (reference
   * Unknown 4). We send `Authorization: Bearer <secret>` (the only documented scheme for the other
   * customer-level endpoint, GetNightlyRefreshStatus) plus the x-api-key when configured.
   */
  private managementHeaders(): Record<string, string> {
    return { authorization: `Bearer ${this.secretKey}`, ...this.dataHeaders() };
  }
}

const DETAIL = { sync: 'GetAccountsDetail', async: 'GetAccountsDetailAsync' } as const;
const SUMMARY = { sync: 'GetAccountsSummary', async: 'GetAccountsSummaryAsync' } as const;

function codeInSuccessBody(text: string): string | null {
  if (text.trim() === '') return null;
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data.FlinksCode ?? null) : null;
  } catch {
    return null;
  }
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`FlinksClient: ${name} must be a positive number (got ${value})`);
  }
  return value;
}
