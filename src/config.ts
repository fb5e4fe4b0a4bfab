// The process configuration: every environment variable is parsed and validated here, once, at start.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseIpList } from './api/ip-allow-list';
import { parseByteSize } from './domain/byte-size';
import { parseDuration } from './domain/duration';
import { flinksTaskQueueFor } from './domain/task-queues';
import { type EncryptionKeys, encryptionKeysSchema } from './codec/encryption-keys';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface TemporalTlsConfig {
  /** PEM text of the client certificate (mTLS); set together with clientKeyPem. */
  clientCertPem?: string;
  clientKeyPem?: string;
  /** PEM text of the CA that signed the server's certificate, when the OS does not trust it. */
  serverRootCaPem?: string;
}

export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  apiKey?: string;
  tls?: TemporalTlsConfig;
  /** TEMPORAL_ENCRYPTION_KEYS, newest first: set, every payload is encrypted (src/codec/data-converter.ts). */
  encryptionKeys?: EncryptionKeys;
  /** TEMPORAL_ENCRYPTION_REQUIRED: a plaintext payload is refused instead of read (needs encryptionKeys). */
  encryptionRequired: boolean;
}

/** `npm run codec-server`: decrypts payloads for the Temporal Web UI and CLI. */
export interface CodecServerConfig {
  host: string;
  port: number;
  /** The Web UI's origin, the only one CORS lets read answers (and the only Origin accepted at all). */
  corsOrigin: string;
  /** Required as `Authorization: Bearer <token>` when set; may be unset only on a loopback host. */
  authToken?: string;
}

export interface FlinksConfig {
  baseUrl: string;
  secretKey: string;
  apiKey?: string;
  /** Flinks pushes data by webhook: the cached-call window then does not apply. */
  webhooks: boolean;
  /** Flinks activities run on their own task queue so one worker can rate-limit them for the whole fleet. */
  taskQueue: string;
  maxRps: number;
  maxConcurrency: number;
  pollIntervalMs: number;
  pollTimeoutMs: number;
  /** How long one Flinks request may wait for its answer's headers, then for each chunk of its body. */
  requestTimeoutMs: number;
}

/** The HTTP API (`npm start`, `npm run api`). */
export interface ApiConfig {
  /** Bearer token of every route but /healthz; `npm start` generates one when unset, `npm run api` refuses. */
  token?: string;
  host: string;
  port: number;
  bodyLimitBytes: number;
  /** Peers whose X-Forwarded-For is believed (a TLS-terminating proxy in front of the API). */
  trustedProxies: string[];
  /** How many proxies stand in front of the API, the peer included: the client is the hop right before them. */
  trustedProxyHops: number;
  webhook: {
    /** Shared secret Flinks sends as `?token=` (the URL given to Flinks support); unset = no secret check. */
    secret?: string;
    /** The secret being rotated out, accepted as well until every sender has the new one. */
    previousSecret?: string;
    /** Addresses allowed to POST webhooks; empty = any. */
    allowedIps: string[];
    bodyLimitBytes: number;
    /** What all webhook bodies being read or handled may hold together; over it, a delivery is a 503. */
    inFlightLimitBytes: number;
  };
}

export interface AppConfig {
  temporal: TemporalConfig;
  flinks: FlinksConfig;
  /** Notifications, and the signing secrets of both notifications and the HTTP data sink. */
  backend: { notifyUrl?: string; signingSecret?: string; previousSigningSecret?: string };
  /** Where refreshed data goes: files under `dir`, or an HTTP POST to `url` when set. */
  dataSink: { dir: string; url?: string };
  /**
   * `maxCachedWorkflows`: card workflows kept in the worker's memory between tasks (TEMPORAL_MAX_CACHED_WORKFLOWS).
   * `health`: where GET /healthz answers (WORKER_HEALTH_HOST, WORKER_HEALTH_PORT); null when the port is unset.
   */
  worker: {
    shutdownGraceMs: number;
    maxCachedWorkflows: number;
    health: { host: string; port: number } | null;
  };
  /** The nightly routine's schedule: daily at this UTC time ('HH:MM'), after Flinks' 04:00-08:00 UTC job. */
  routine: { scheduleTime: string };
  codecServer: CodecServerConfig;
  logLevel: LogLevel;
  api: ApiConfig;
}

/** What a client-only process (API, CLI, tests) gets: the Flinks credentials may be absent. */
export type ClientConfig = Omit<AppConfig, 'flinks'> & {
  flinks: Omit<FlinksConfig, 'baseUrl' | 'secretKey'> & { baseUrl?: string; secretKey?: string };
};

export interface LoadConfigOptions {
  /** The worker needs FLINKS_BASE_URL and FLINKS_SECRET_KEY; a client-only process does not. Default true. */
  requireFlinks?: boolean;
}

export interface ConfigProblem {
  variable: string;
  message: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly variable: string;

  constructor(readonly problems: readonly [ConfigProblem, ...ConfigProblem[]]) {
    // One line, every problem, never a secret's value (messages only quote values of non-secret variables).
    super(`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`);
    this.variable = problems[0].variable;
  }
}

// Durations are parsed by the domain's parser, which workflow inputs (the routine's maxDataAge) share.
export { DurationError, parseDuration } from './domain/duration';

/** TEMPORAL_MAX_CACHED_WORKFLOWS unset: see README, Performance, for how it was chosen. */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 100;

// Values of these variables may be quoted in error messages; everything else (keys, URLs, PEM, paths) is not.
const QUOTABLE = new Set([
  'FLINKS_WEBHOOKS',
  'FLINKS_MAX_RPS',
  'FLINKS_MAX_CONCURRENCY',
  'FLINKS_POLL_INTERVAL',
  'FLINKS_POLL_TIMEOUT',
  'FLINKS_REQUEST_TIMEOUT',
  'WORKER_SHUTDOWN_GRACE',
  'WORKER_HEALTH_HOST',
  'WORKER_HEALTH_PORT',
  'TEMPORAL_MAX_CACHED_WORKFLOWS',
  'LOG_LEVEL',
  'TEMPORAL_ADDRESS',
  'ROUTINE_SCHEDULE_TIME',
  'API_HOST',
  'API_PORT',
  'API_BODY_LIMIT',
  'WEBHOOK_BODY_LIMIT',
  'WEBHOOK_IN_FLIGHT_LIMIT',
  'WEBHOOK_ALLOWED_IPS',
  'API_TRUSTED_PROXIES',
  'API_TRUSTED_PROXY_HOPS',
  'CODEC_SERVER_HOST',
  'CODEC_SERVER_PORT',
  'CODEC_CORS_ORIGIN',
  'CODEC_ALLOW_NO_AUTH',
  'TEMPORAL_ENCRYPTION_REQUIRED',
]);

// Empty variables (`FOO=` in a compose file or .env) mean "unset".
const optionalText = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z.string().optional(),
);

function withDefault(defaultValue: string) {
  return optionalText.transform((v) => v ?? defaultValue);
}

function httpUrl() {
  return optionalText.refine((v) => v === undefined || isHttpUrl(v), 'must be an http(s) URL');
}

function duration(defaultValue: string, { min = 0 }: { min?: number } = {}) {
  return withDefault(defaultValue).transform((v, ctx) => {
    try {
      const ms = parseDuration(v);
      if (ms >= min) return ms;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be at least ${min} ms` });
    } catch {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: "must be a duration like '250ms', '10s', '5 minutes' or '2 days'",
      });
    }
    return z.NEVER;
  });
}

function positiveNumber(defaultValue: number, { integer = false }: { integer?: boolean } = {}) {
  return withDefault(String(defaultValue)).transform((v, ctx) => {
    const n = Number(v);
    if (Number.isFinite(n) && n > 0 && (!integer || Number.isInteger(n))) return n;
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `must be a positive ${integer ? 'integer' : 'number'}`,
    });
    return z.NEVER;
  });
}

function toByteSize(v: string, ctx: z.RefinementCtx): number {
  try {
    return parseByteSize(v);
  } catch {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: "must be a size like '64kb', '32mb' or '1gb'" });
    return z.NEVER;
  }
}

function byteSize(defaultValue: string) {
  return withDefault(defaultValue).transform(toByteSize);
}

const optionalByteSize = optionalText.transform((v, ctx) =>
  v === undefined ? undefined : toByteSize(v, ctx),
);

/** WEBHOOK_IN_FLIGHT_LIMIT unset: 64 MiB, or two of the largest webhooks when WEBHOOK_BODY_LIMIT is larger. */
export function defaultWebhookInFlightLimitBytes(webhookBodyLimitBytes: number): number {
  return Math.max(64 * 1024 * 1024, 2 * webhookBodyLimitBytes);
}

const ipList = optionalText.transform((v, ctx) => {
  try {
    return parseIpList(v);
  } catch (error) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `has ${(error as Error).message}` });
    return z.NEVER;
  }
});

// A guessable token would open every card to whoever guesses it; generated ones are 43 characters.
const secretToken = optionalText.refine(
  (v) => v === undefined || v.trim().length >= 16,
  'must be at least 16 characters (e.g. `openssl rand -base64 32`)',
);

const pem = optionalText.transform((v, ctx) => {
  if (v === undefined) return undefined;
  // Inline PEM (often with literal "\n" in .env files) or a path to a PEM file.
  if (v.includes('-----BEGIN')) return v.replace(/\\n/g, '\n');
  try {
    const text = readFileSync(v, 'utf8');
    if (text.includes('-----BEGIN')) return text;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'names a file that holds no PEM block' });
  } catch {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: "is neither PEM text ('-----BEGIN …') nor a readable file path",
    });
  }
  return z.NEVER;
});

function boolean(defaultValue: 'true' | 'false') {
  return withDefault(defaultValue).transform((v, ctx) => {
    if (v === 'true' || v === 'false') return v === 'true';
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be true or false' });
    return z.NEVER;
  });
}

const envSchema = z.object({
  TEMPORAL_ADDRESS: withDefault('localhost:7233').refine(
    (v) => /^(\[[0-9a-f:.]+\]|[^\s:/[\]]+):\d{1,5}$/i.test(v),
    'must be host:port, e.g. localhost:7233',
  ),
  TEMPORAL_NAMESPACE: withDefault('default'),
  TEMPORAL_TASK_QUEUE: withDefault('flinks-refresh'),
  TEMPORAL_API_KEY: optionalText,
  TEMPORAL_TLS_CERT: pem,
  TEMPORAL_TLS_KEY: pem,
  TEMPORAL_TLS_CA: pem,
  TEMPORAL_ENCRYPTION_KEYS: optionalText.pipe(encryptionKeysSchema.optional()),
  TEMPORAL_ENCRYPTION_REQUIRED: boolean('false'),
  FLINKS_BASE_URL: httpUrl(),
  FLINKS_SECRET_KEY: optionalText,
  FLINKS_API_KEY: optionalText,
  FLINKS_WEBHOOKS: boolean('false'),
  // Unset: derived from TEMPORAL_TASK_QUEUE the way cards derive it (src/domain/task-queues.ts).
  FLINKS_TASK_QUEUE: optionalText,
  FLINKS_MAX_RPS: positiveNumber(5),
  FLINKS_MAX_CONCURRENCY: positiveNumber(10, { integer: true }),
  FLINKS_POLL_INTERVAL: duration('10s', { min: 1 }),
  FLINKS_POLL_TIMEOUT: duration('30 minutes', { min: 1 }),
  // Flinks holds sync data calls up to 210 s before answering 202.
  FLINKS_REQUEST_TIMEOUT: duration('240s', { min: 1 }),
  BACKEND_NOTIFY_URL: httpUrl(),
  BACKEND_SIGNING_SECRET: optionalText,
  BACKEND_SIGNING_SECRET_PREVIOUS: optionalText,
  DATA_SINK_DIR: withDefault('./.data/sink').transform((v) => resolve(v)),
  DATA_SINK_URL: httpUrl(),
  WORKER_SHUTDOWN_GRACE: duration('30s'),
  WORKER_HEALTH_HOST: withDefault('127.0.0.1'),
  WORKER_HEALTH_PORT: optionalText.transform((v, ctx) => {
    if (v === undefined) return undefined;
    const port = Number(v);
    if (/^\d+$/.test(v) && port >= 1 && port <= 65_535) return port;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a port number (1-65535)' });
    return z.NEVER;
  }),
  // The SDK's default is sized from the heap (about 2,300 on a 4 GB heap) and costs ~0.8 MB of RSS per cached
  // workflow; a bounded cache keeps a worker with 10,000 cards within 512 MB (README, Performance).
  TEMPORAL_MAX_CACHED_WORKFLOWS: positiveNumber(DEFAULT_MAX_CACHED_WORKFLOWS, { integer: true }),
  ROUTINE_SCHEDULE_TIME: withDefault('08:30').refine(
    (v) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v),
    "must be a UTC time 'HH:MM'",
  ),
  CODEC_SERVER_HOST: withDefault('127.0.0.1'),
  CODEC_SERVER_PORT: withDefault('8888').transform((v, ctx) => {
    const port = Number(v);
    if (Number.isInteger(port) && port >= 0 && port <= 65_535) return port;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a port number (0 to 65535)' });
    return z.NEVER;
  }),
  CODEC_CORS_ORIGIN: withDefault('http://localhost:8233').refine(
    (v) => isHttpUrl(v) && new URL(v).origin === v,
    'must be an origin: scheme://host[:port], no path or trailing slash (e.g. http://localhost:8233)',
  ),
  CODEC_AUTH_TOKEN: optionalText.refine(
    (v) => v === undefined || v.length >= 16,
    'must be at least 16 characters (e.g. openssl rand -hex 32)',
  ),
  CODEC_ALLOW_NO_AUTH: boolean('false'),
  API_TOKEN: secretToken,
  API_HOST: withDefault('127.0.0.1'),
  API_PORT: withDefault('3000').transform((v, ctx) => {
    const port = Number(v);
    if (/^\d+$/.test(v) && port <= 65_535) return port;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a port number (0-65535)' });
    return z.NEVER;
  }),
  API_BODY_LIMIT: byteSize('64kb'),
  API_TRUSTED_PROXIES: ipList,
  API_TRUSTED_PROXY_HOPS: positiveNumber(1, { integer: true }),
  WEBHOOK_SECRET: secretToken,
  WEBHOOK_SECRET_PREVIOUS: secretToken,
  WEBHOOK_ALLOWED_IPS: ipList,
  WEBHOOK_BODY_LIMIT: byteSize('32mb'),
  WEBHOOK_IN_FLIGHT_LIMIT: optionalByteSize,
  LOG_LEVEL: withDefault('info')
    .transform((v) => v.toLowerCase())
    .refine(
      (v): v is LogLevel => ['trace', 'debug', 'info', 'warn', 'error'].includes(v),
      'must be one of trace, debug, info, warn, error',
    ),
});

type Env = Record<string, string | undefined>;

/** Parses the whole configuration; throws one ConfigError listing every problem. */
export function loadConfig(env?: Env, options?: LoadConfigOptions & { requireFlinks?: true }): AppConfig;
export function loadConfig(env: Env, options: LoadConfigOptions): ClientConfig;
export function loadConfig(
  env: Env = process.env,
  options: LoadConfigOptions = {},
): AppConfig | ClientConfig {
  const requireFlinks = options.requireFlinks ?? true;
  const parsed = envSchema.safeParse(env);
  const problems: ConfigProblem[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) =>
        describeIssue(env, String(issue.path[0] ?? 'environment'), issue.message),
      );

  if (requireFlinks) {
    const required = {
      FLINKS_BASE_URL:
        'is required by the worker (https://{instance}-api.private.fin.ag/v3/{customerId}/BankingServices)',
      FLINKS_SECRET_KEY: 'is required by the worker',
    };
    for (const [variable, message] of Object.entries(required)) {
      if (!env[variable]?.trim()) problems.push({ variable, message });
    }
  }
  const hasCert = Boolean(env.TEMPORAL_TLS_CERT?.trim());
  const hasKey = Boolean(env.TEMPORAL_TLS_KEY?.trim());
  if (hasCert !== hasKey) {
    problems.push({
      variable: hasCert ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT',
      message: `must be set together with ${hasCert ? 'TEMPORAL_TLS_CERT' : 'TEMPORAL_TLS_KEY'} (mTLS needs both)`,
    });
  }
  // Decrypted payloads are only for whoever holds the token, unless the server is reachable from this machine alone:
  // listening on loopback, or, said with CODEC_ALLOW_NO_AUTH, behind a port published on loopback only (a container's
  // port: the Web UI's browser sends no token without OIDC).
  const codecHost = env.CODEC_SERVER_HOST?.trim() || '127.0.0.1';
  if (!isLoopback(codecHost) && !env.CODEC_AUTH_TOKEN?.trim() && env.CODEC_ALLOW_NO_AUTH?.trim() !== 'true') {
    problems.push({
      variable: 'CODEC_AUTH_TOKEN',
      message:
        `is required when CODEC_SERVER_HOST is not a loopback address (got ${JSON.stringify(codecHost)}), ` +
        'unless CODEC_ALLOW_NO_AUTH=true says only this machine reaches the port',
    });
  }
  // Required encryption with no keys would be a replica that refuses everything, or one that writes plaintext if the
  // setting were ignored: refused at start instead.
  if (env.TEMPORAL_ENCRYPTION_REQUIRED?.trim() === 'true' && !env.TEMPORAL_ENCRYPTION_KEYS?.trim()) {
    problems.push({
      variable: 'TEMPORAL_ENCRYPTION_KEYS',
      message: 'is required when TEMPORAL_ENCRYPTION_REQUIRED is true',
    });
  }
  const hasSigningSecret = Boolean(env.BACKEND_SIGNING_SECRET?.trim());
  if (env.BACKEND_SIGNING_SECRET_PREVIOUS?.trim() && !hasSigningSecret) {
    problems.push({
      variable: 'BACKEND_SIGNING_SECRET',
      message:
        'is required when BACKEND_SIGNING_SECRET_PREVIOUS is set (the new secret signs, the previous one too)',
    });
  }
  if (env.DATA_SINK_URL?.trim() && !hasSigningSecret) {
    problems.push({
      variable: 'BACKEND_SIGNING_SECRET',
      message: 'is required when DATA_SINK_URL is set (every POST to the data sink is signed)',
    });
  }
  if (env.WEBHOOK_SECRET_PREVIOUS?.trim() && !env.WEBHOOK_SECRET?.trim()) {
    problems.push({
      variable: 'WEBHOOK_SECRET_PREVIOUS',
      message: 'needs WEBHOOK_SECRET (the new secret) set as well',
    });
  }
  if (env.API_TRUSTED_PROXY_HOPS?.trim() && !env.API_TRUSTED_PROXIES?.trim()) {
    problems.push({
      variable: 'API_TRUSTED_PROXY_HOPS',
      message: 'has no effect without API_TRUSTED_PROXIES (the proxies whose X-Forwarded-For is believed)',
    });
  }
  if (parsed.success) {
    const { WEBHOOK_BODY_LIMIT: body, WEBHOOK_IN_FLIGHT_LIMIT: inFlight } = parsed.data;
    if (inFlight !== undefined && inFlight < body) {
      problems.push({
        variable: 'WEBHOOK_IN_FLIGHT_LIMIT',
        message: `must be at least WEBHOOK_BODY_LIMIT (${body} bytes), or no webhook that large could ever be read`,
      });
    }
  }
  const [first, ...rest] = problems;
  if (first || !parsed.success)
    throw new ConfigError(first ? [first, ...rest] : [{ variable: 'environment', message: 'is invalid' }]);

  const e = parsed.data;
  const tls: TemporalTlsConfig | undefined =
    e.TEMPORAL_TLS_CERT || e.TEMPORAL_TLS_CA
      ? {
          clientCertPem: e.TEMPORAL_TLS_CERT,
          clientKeyPem: e.TEMPORAL_TLS_KEY,
          serverRootCaPem: e.TEMPORAL_TLS_CA,
        }
      : undefined;
  return {
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      apiKey: e.TEMPORAL_API_KEY,
      tls,
      encryptionKeys: e.TEMPORAL_ENCRYPTION_KEYS,
      encryptionRequired: e.TEMPORAL_ENCRYPTION_REQUIRED,
    },
    flinks: {
      baseUrl: e.FLINKS_BASE_URL,
      secretKey: e.FLINKS_SECRET_KEY,
      apiKey: e.FLINKS_API_KEY,
      webhooks: e.FLINKS_WEBHOOKS,
      taskQueue: e.FLINKS_TASK_QUEUE ?? flinksTaskQueueFor(e.TEMPORAL_TASK_QUEUE),
      maxRps: e.FLINKS_MAX_RPS,
      maxConcurrency: e.FLINKS_MAX_CONCURRENCY,
      pollIntervalMs: e.FLINKS_POLL_INTERVAL,
      pollTimeoutMs: e.FLINKS_POLL_TIMEOUT,
      requestTimeoutMs: e.FLINKS_REQUEST_TIMEOUT,
    },
    backend: {
      notifyUrl: e.BACKEND_NOTIFY_URL,
      signingSecret: e.BACKEND_SIGNING_SECRET,
      previousSigningSecret: e.BACKEND_SIGNING_SECRET_PREVIOUS,
    },
    dataSink: { dir: e.DATA_SINK_DIR, url: e.DATA_SINK_URL },
    worker: {
      shutdownGraceMs: e.WORKER_SHUTDOWN_GRACE,
      maxCachedWorkflows: e.TEMPORAL_MAX_CACHED_WORKFLOWS,
      health:
        e.WORKER_HEALTH_PORT === undefined
          ? null
          : { host: e.WORKER_HEALTH_HOST, port: e.WORKER_HEALTH_PORT },
    },
    routine: { scheduleTime: e.ROUTINE_SCHEDULE_TIME },
    codecServer: {
      host: e.CODEC_SERVER_HOST,
      port: e.CODEC_SERVER_PORT,
      corsOrigin: e.CODEC_CORS_ORIGIN,
      authToken: e.CODEC_AUTH_TOKEN,
    },
    logLevel: e.LOG_LEVEL,
    api: {
      token: e.API_TOKEN,
      host: e.API_HOST,
      port: e.API_PORT,
      bodyLimitBytes: e.API_BODY_LIMIT,
      trustedProxies: e.API_TRUSTED_PROXIES,
      trustedProxyHops: e.API_TRUSTED_PROXY_HOPS,
      webhook: {
        secret: e.WEBHOOK_SECRET,
        previousSecret: e.WEBHOOK_SECRET_PREVIOUS,
        allowedIps: e.WEBHOOK_ALLOWED_IPS,
        bodyLimitBytes: e.WEBHOOK_BODY_LIMIT,
        inFlightLimitBytes:
          e.WEBHOOK_IN_FLIGHT_LIMIT ?? defaultWebhookInFlightLimitBytes(e.WEBHOOK_BODY_LIMIT),
      },
    },
  } as AppConfig | ClientConfig;
}

/** For `main()`s: the configuration, or one line on stderr and exit code 1. */
export function loadConfigOrExit(
  env?: Env,
  options?: LoadConfigOptions & { requireFlinks?: true },
): AppConfig;
export function loadConfigOrExit(env: Env, options: LoadConfigOptions): ClientConfig;
export function loadConfigOrExit(
  env: Env = process.env,
  options: LoadConfigOptions = {},
): AppConfig | ClientConfig {
  try {
    return loadConfig(env, options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/** A copy safe to print or log: secrets become '[redacted]', URLs lose credentials and query strings. */
export function redactedConfig(config: AppConfig | ClientConfig): unknown {
  const secret = (v: string | undefined) => (v === undefined ? undefined : '[redacted]');
  const url = (v: string | undefined) => (v === undefined ? undefined : redactUrl(v));
  const tls = config.temporal.tls;
  return {
    ...config,
    temporal: {
      ...config.temporal,
      apiKey: secret(config.temporal.apiKey),
      tls: tls && {
        clientCert: tls.clientCertPem === undefined ? undefined : '[set]',
        clientKey: secret(tls.clientKeyPem),
        serverRootCa: tls.serverRootCaPem === undefined ? undefined : '[set]',
      },
      encryptionKeys: config.temporal.encryptionKeys?.map((key) => `${key.id}: [redacted]`),
    },
    flinks: {
      ...config.flinks,
      baseUrl: url(config.flinks.baseUrl),
      secretKey: secret(config.flinks.secretKey),
      apiKey: secret(config.flinks.apiKey),
    },
    backend: {
      notifyUrl: url(config.backend.notifyUrl),
      signingSecret: secret(config.backend.signingSecret),
      previousSigningSecret: secret(config.backend.previousSigningSecret),
    },
    dataSink: { ...config.dataSink, url: url(config.dataSink.url) },
    api: {
      ...config.api,
      token: secret(config.api.token),
      webhook: {
        ...config.api.webhook,
        secret: secret(config.api.webhook.secret),
        previousSecret: secret(config.api.webhook.previousSecret),
      },
    },
    codecServer: { ...config.codecServer, authToken: secret(config.codecServer.authToken) },
  };
}

function describeIssue(env: Env, variable: string, message: string): ConfigProblem {
  const value = env[variable];
  const quoted = QUOTABLE.has(variable) && value !== undefined ? ` (got ${JSON.stringify(value)})` : '';
  return { variable, message: `${message}${quoted}` };
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

function redactUrl(value: string): string {
  try {
    const u = new URL(value);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?[redacted]' : ''}`;
  } catch {
    return '[unparseable URL]';
  }
}
