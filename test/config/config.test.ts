import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { flinksTaskQueueFor } from '../../src/domain/task-queues';
import {
  ConfigError,
  DEFAULT_MAX_CACHED_WORKFLOWS,
  loadConfig,
  parseDuration,
  redactedConfig,
} from '../../src/config';

const worker = {
  FLINKS_BASE_URL: 'https://acme-api.private.fin.ag/v3/cust/BankingServices',
  FLINKS_SECRET_KEY: 's3cret',
};

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['10s', 10_000],
    ['5 minutes', 300_000],
    ['2 days', 172_800_000],
    ['1.5h', 5_400_000],
    ['24 hours', 86_400_000],
    ['1 week', 604_800_000],
  ])('%s = %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '10', 'ten seconds', '5 fortnights', '-1s'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow(expect.objectContaining({ name: 'DurationError' }));
  });
});

describe('loadConfig', () => {
  it('applies the defaults', () => {
    const config = loadConfig(worker);
    // toMatchObject: other sections (API, codec server, …) are tested where they are used.
    expect(config).toMatchObject({
      temporal: {
        address: 'localhost:7233',
        namespace: 'default',
        taskQueue: 'flinks-refresh',
        apiKey: undefined,
        tls: undefined,
      },
      flinks: {
        baseUrl: worker.FLINKS_BASE_URL,
        secretKey: 's3cret',
        apiKey: undefined,
        webhooks: false,
        taskQueue: 'flinks-refresh-flinks',
        maxRps: 5,
        maxConcurrency: 10,
        pollIntervalMs: 10_000,
        pollTimeoutMs: 30 * 60_000,
        requestTimeoutMs: 240_000,
      },
      backend: { notifyUrl: undefined, signingSecret: undefined },
      dataSink: { dir: resolve('.data/sink'), url: undefined },
      worker: { shutdownGraceMs: 30_000, maxCachedWorkflows: DEFAULT_MAX_CACHED_WORKFLOWS, health: null },
      routine: { scheduleTime: '08:30' },
      codecServer: { host: '127.0.0.1', port: 8888, corsOrigin: 'http://localhost:8233', authToken: undefined },
      logLevel: 'info',
    });
  });

  it('derives the Flinks task queue from TEMPORAL_TASK_QUEUE, as a card started with the contract input does', () => {
    const config = loadConfig({ ...worker, TEMPORAL_TASK_QUEUE: 'my-queue' });
    expect(config.flinks.taskQueue).toBe('my-queue-flinks');
    expect(config.flinks.taskQueue).toBe(flinksTaskQueueFor(config.temporal.taskQueue));
  });

  it('parses every variable', () => {
    const config = loadConfig({
      ...worker,
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'ns.acct',
      TEMPORAL_TASK_QUEUE: 'q',
      TEMPORAL_API_KEY: 'key',
      FLINKS_API_KEY: 'api',
      FLINKS_WEBHOOKS: 'true',
      FLINKS_TASK_QUEUE: 'fq',
      FLINKS_MAX_RPS: '0.5',
      FLINKS_MAX_CONCURRENCY: '3',
      FLINKS_POLL_INTERVAL: '250ms',
      FLINKS_POLL_TIMEOUT: '5 minutes',
      FLINKS_REQUEST_TIMEOUT: '2s',
      BACKEND_NOTIFY_URL: 'http://backend.local/notify',
      BACKEND_SIGNING_SECRET: 'hmac',
      DATA_SINK_DIR: '/tmp/sink',
      DATA_SINK_URL: 'https://sink.local/ingest',
      WORKER_SHUTDOWN_GRACE: '2 minutes',
      WORKER_HEALTH_HOST: '0.0.0.0',
      WORKER_HEALTH_PORT: '3001',
      TEMPORAL_MAX_CACHED_WORKFLOWS: '40',
      ROUTINE_SCHEDULE_TIME: '09:05',
      LOG_LEVEL: 'DEBUG',
    });
    expect(config.temporal).toMatchObject({
      address: 'ns.acct.tmprl.cloud:7233',
      namespace: 'ns.acct',
      taskQueue: 'q',
      apiKey: 'key',
    });
    expect(config.flinks).toMatchObject({
      apiKey: 'api',
      webhooks: true,
      taskQueue: 'fq',
      maxRps: 0.5,
      maxConcurrency: 3,
    });
    expect(config.flinks).toMatchObject({
      pollIntervalMs: 250,
      pollTimeoutMs: 300_000,
      requestTimeoutMs: 2_000,
    });
    expect(config.backend).toEqual({ notifyUrl: 'http://backend.local/notify', signingSecret: 'hmac' });
    expect(config.dataSink).toEqual({ dir: '/tmp/sink', url: 'https://sink.local/ingest' });
    expect(config.worker).toEqual({
      shutdownGraceMs: 120_000,
      maxCachedWorkflows: 40,
      health: { host: '0.0.0.0', port: 3001 },
    });
    expect(config.routine.scheduleTime).toBe('09:05');
    expect(config.logLevel).toBe('debug');
  });

  it('requires the Flinks credentials only for the worker', () => {
    expect(configError(() => loadConfig({})).message).toBe(
      'Invalid configuration: FLINKS_BASE_URL is required by the worker ' +
        '(https://{instance}-api.private.fin.ag/v3/{customerId}/BankingServices); FLINKS_SECRET_KEY is required by the worker',
    );
    const client = loadConfig({}, { requireFlinks: false });
    expect(client.flinks.baseUrl).toBeUndefined();
    expect(client.temporal.address).toBe('localhost:7233');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ ...worker, TEMPORAL_NAMESPACE: '', FLINKS_API_KEY: ' ' }).temporal.namespace).toBe(
      'default',
    );
  });

  it.each([
    ['FLINKS_BASE_URL', 'ftp://x', 'FLINKS_BASE_URL must be an http(s) URL'],
    ['FLINKS_WEBHOOKS', 'yes', 'FLINKS_WEBHOOKS must be true or false (got "yes")'],
    ['FLINKS_MAX_RPS', '0', 'FLINKS_MAX_RPS must be a positive number (got "0")'],
    ['FLINKS_MAX_CONCURRENCY', '2.5', 'FLINKS_MAX_CONCURRENCY must be a positive integer (got "2.5")'],
    [
      'FLINKS_POLL_INTERVAL',
      '10',
      "FLINKS_POLL_INTERVAL must be a duration like '250ms', '10s', '5 minutes' or '2 days' (got \"10\")",
    ],
    [
      'TEMPORAL_ADDRESS',
      'localhost',
      'TEMPORAL_ADDRESS must be host:port, e.g. localhost:7233 (got "localhost")',
    ],
    ['BACKEND_NOTIFY_URL', 'nope', 'BACKEND_NOTIFY_URL must be an http(s) URL'],
    ['ROUTINE_SCHEDULE_TIME', '8:30', 'ROUTINE_SCHEDULE_TIME must be a UTC time \'HH:MM\' (got "8:30")'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of trace, debug, info, warn, error (got "loud")'],
    ['WORKER_HEALTH_PORT', '0', 'WORKER_HEALTH_PORT must be a port number (1-65535) (got "0")'],
    ['WORKER_HEALTH_PORT', 'http', 'WORKER_HEALTH_PORT must be a port number (1-65535) (got "http")'],
  ])('%s=%j is refused with one line', (variable, value, message) => {
    const error = configError(() => loadConfig({ ...worker, [variable]: value }));
    expect(error.name).toBe('ConfigError');
    expect(error.variable).toBe(variable);
    expect(error.message).toBe(`Invalid configuration: ${message}`);
    expect(error.message).not.toContain('\n');
  });

  it('never prints a secret value', () => {
    const error = configError(() =>
      loadConfig({
        ...worker,
        TEMPORAL_TLS_KEY: 'super-secret-key-material',
        FLINKS_BASE_URL: 'http://user:pw@[bad',
      }),
    );
    expect(error.message).not.toMatch(/super-secret|pw@/);
    expect(error.message).toContain('TEMPORAL_TLS_KEY');
  });

  it('reads mTLS material from PEM text or files, and wants cert and key together', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-test-'));
    const certPath = join(dir, 'client.pem');
    writeFileSync(certPath, '-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n');
    const config = loadConfig({
      ...worker,
      TEMPORAL_TLS_CERT: certPath,
      TEMPORAL_TLS_KEY: '-----BEGIN PRIVATE KEY-----\\nBBB\\n-----END PRIVATE KEY-----',
    });
    expect(config.temporal.tls).toEqual({
      clientCertPem: '-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n',
      clientKeyPem: '-----BEGIN PRIVATE KEY-----\nBBB\n-----END PRIVATE KEY-----',
      serverRootCaPem: undefined,
    });
    expect(configError(() => loadConfig({ ...worker, TEMPORAL_TLS_CERT: certPath })).message).toBe(
      'Invalid configuration: TEMPORAL_TLS_KEY must be set together with TEMPORAL_TLS_CERT (mTLS needs both)',
    );
    expect(
      configError(() => loadConfig({ ...worker, TEMPORAL_TLS_CA: join(dir, 'missing.pem') })).message,
    ).toBe(
      "Invalid configuration: TEMPORAL_TLS_CA is neither PEM text ('-----BEGIN …') nor a readable file path",
    );
  });

  it('takes a previous signing secret for a rotation, only next to the current one', () => {
    const config = loadConfig({
      ...worker,
      BACKEND_SIGNING_SECRET: 'new-hmac',
      BACKEND_SIGNING_SECRET_PREVIOUS: 'old-hmac',
    });
    expect(config.backend).toEqual({ signingSecret: 'new-hmac', previousSigningSecret: 'old-hmac' });
    expect(configError(() => loadConfig({ ...worker, BACKEND_SIGNING_SECRET_PREVIOUS: 'old-hmac' })).message).toBe(
      'Invalid configuration: BACKEND_SIGNING_SECRET is required when BACKEND_SIGNING_SECRET_PREVIOUS is set ' +
        '(the new secret signs, the previous one too)',
    );
  });

  it('refuses DATA_SINK_URL without a signing secret at start, not at the first delivery', () => {
    const error = configError(() => loadConfig({ ...worker, DATA_SINK_URL: 'https://sink.local/ingest?token=t' }));
    expect(error.variable).toBe('BACKEND_SIGNING_SECRET');
    expect(error.message).toMatch(/is required when DATA_SINK_URL is set/);
    expect(error.message).not.toContain('token=t');
  });

  it('redacts secrets for printing', () => {
    const config = loadConfig({
      ...worker,
      FLINKS_BASE_URL: 'https://user:pw@acme-api.private.fin.ag/v3/cust/BankingServices?token=t',
      TEMPORAL_API_KEY: 'key',
      BACKEND_SIGNING_SECRET: 'hmac',
      BACKEND_SIGNING_SECRET_PREVIOUS: 'older',
    });
    const printed = JSON.stringify(redactedConfig(config));
    expect(printed).not.toMatch(/s3cret|"key"|hmac|older|pw@|token=t/);
    expect(printed).toContain('https://acme-api.private.fin.ag/v3/cust/BankingServices?[redacted]');
  });
});
