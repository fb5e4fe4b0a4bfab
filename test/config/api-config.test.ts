// The HTTP API's variables: parsed like the rest, refused with one line naming the variable, secrets redacted.
import { ConfigError, loadConfig, redactedConfig } from '../../src/config';
import { parseByteSize } from '../../src/domain/byte-size';

const client = (env: Record<string, string>) => loadConfig(env, { requireFlinks: false });

function problem(env: Record<string, string>): string {
  try {
    client(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

test('defaults: loopback, port 3000, 64 KiB bodies, 32 MiB webhooks (64 MiB in flight), no token, no webhook checks', () => {
  expect(client({}).api).toEqual({
    token: undefined,
    host: '127.0.0.1',
    port: 3000,
    bodyLimitBytes: 64 * 1024,
    trustedProxies: [],
    trustedProxyHops: 1,
    webhook: {
      secret: undefined,
      previousSecret: undefined,
      allowedIps: [],
      bodyLimitBytes: 32 * 1024 * 1024,
      inFlightLimitBytes: 64 * 1024 * 1024,
    },
  });
});

test('every variable parsed', () => {
  const api = client({
    API_TOKEN: 'a-long-enough-api-token',
    API_HOST: '0.0.0.0',
    API_PORT: '8080',
    API_BODY_LIMIT: '1mb',
    API_TRUSTED_PROXIES: '10.0.0.0/8',
    API_TRUSTED_PROXY_HOPS: '2',
    WEBHOOK_SECRET: 'a-long-enough-webhook-secret',
    WEBHOOK_SECRET_PREVIOUS: 'the-previous-webhook-secret',
    WEBHOOK_ALLOWED_IPS: '203.0.113.7, 198.51.100.0/24, 2001:db8::/32',
    WEBHOOK_BODY_LIMIT: '100 MiB',
    WEBHOOK_IN_FLIGHT_LIMIT: '1gb',
  }).api;
  expect(api).toEqual({
    token: 'a-long-enough-api-token',
    host: '0.0.0.0',
    port: 8080,
    bodyLimitBytes: 1_048_576,
    trustedProxies: ['10.0.0.0/8'],
    trustedProxyHops: 2,
    webhook: {
      secret: 'a-long-enough-webhook-secret',
      previousSecret: 'the-previous-webhook-secret',
      allowedIps: ['203.0.113.7', '198.51.100.0/24', '2001:db8::/32'],
      bodyLimitBytes: 100 * 1_048_576,
      inFlightLimitBytes: 1_073_741_824,
    },
  });
});

test('WEBHOOK_IN_FLIGHT_LIMIT unset: 64 MiB, or two of the largest webhooks when WEBHOOK_BODY_LIMIT is larger', () => {
  expect(client({ WEBHOOK_BODY_LIMIT: '1mb' }).api.webhook.inFlightLimitBytes).toBe(64 * 1_048_576);
  expect(client({ WEBHOOK_BODY_LIMIT: '100mb' }).api.webhook.inFlightLimitBytes).toBe(200 * 1_048_576);
});

test.each([
  [
    { WEBHOOK_IN_FLIGHT_LIMIT: 'lots' },
    "WEBHOOK_IN_FLIGHT_LIMIT must be a size like '64kb', '32mb' or '1gb'",
  ],
  [
    { WEBHOOK_IN_FLIGHT_LIMIT: '16mb' },
    'WEBHOOK_IN_FLIGHT_LIMIT must be at least WEBHOOK_BODY_LIMIT (33554432 bytes), or no webhook that large could ever be read',
  ],
  [{ API_TOKEN: 'short' }, 'API_TOKEN must be at least 16 characters'],
  [{ WEBHOOK_SECRET: 'short' }, 'WEBHOOK_SECRET must be at least 16 characters'],
  [{ API_PORT: '99999' }, 'API_PORT must be a port number (0-65535) (got "99999")'],
  [{ API_BODY_LIMIT: '10' }, `API_BODY_LIMIT must be a size like '64kb', '32mb' or '1gb' (got "10")`],
  [
    { WEBHOOK_ALLOWED_IPS: '203.0.113.7, example.com' },
    "WEBHOOK_ALLOWED_IPS has 'example.com' is not an IP address or CIDR block",
  ],
  [{ API_TRUSTED_PROXIES: '10.0.0.0/33' }, "API_TRUSTED_PROXIES has '10.0.0.0/33' is not an IP address"],
  [
    { API_TRUSTED_PROXIES: '10.0.0.0/8', API_TRUSTED_PROXY_HOPS: '0' },
    'API_TRUSTED_PROXY_HOPS must be a positive integer (got "0")',
  ],
  [
    { API_TRUSTED_PROXIES: '10.0.0.0/8', API_TRUSTED_PROXY_HOPS: '1.5' },
    'API_TRUSTED_PROXY_HOPS must be a positive integer (got "1.5")',
  ],
  [
    { WEBHOOK_SECRET: 'a-long-enough-webhook-secret', WEBHOOK_SECRET_PREVIOUS: 'short' },
    'WEBHOOK_SECRET_PREVIOUS must be at least 16 characters',
  ],
  [
    { WEBHOOK_SECRET_PREVIOUS: 'the-previous-webhook-secret' },
    'WEBHOOK_SECRET_PREVIOUS needs WEBHOOK_SECRET (the new secret) set as well',
  ],
  [{ API_TRUSTED_PROXY_HOPS: '2' }, 'API_TRUSTED_PROXY_HOPS has no effect without API_TRUSTED_PROXIES'],
])('%j is refused, naming the variable', (env, message) => {
  expect(problem(env)).toContain(message);
});

test('a refused secret is never quoted', () => {
  expect(problem({ API_TOKEN: 'hunter2' })).not.toContain('hunter2');
});

test('the token and the webhook secrets are redacted', () => {
  const printed = JSON.stringify(
    redactedConfig(
      client({
        API_TOKEN: 'a-long-enough-api-token',
        WEBHOOK_SECRET: 'a-long-enough-webhook-secret',
        WEBHOOK_SECRET_PREVIOUS: 'a-long-enough-previous-secret',
      }),
    ),
  );
  expect(printed).not.toContain('a-long-enough');
  expect(printed).toContain('[redacted]');
});

test.each([
  ['64kb', 65_536],
  ['32 MiB', 33_554_432],
  ['1.5k', 1_536],
  ['512b', 512],
  ['1GB', 1_073_741_824],
])('parseByteSize(%j) = %d', (text, bytes) => expect(parseByteSize(text)).toBe(bytes));

test.each(['', '10', 'lots', '5 parsecs', '-1kb'])('parseByteSize refuses %j', (text) => {
  expect(() => parseByteSize(text)).toThrow(expect.objectContaining({ name: 'ByteSizeError' }));
});
