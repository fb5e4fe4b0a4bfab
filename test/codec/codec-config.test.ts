// TEMPORAL_ENCRYPTION_KEYS and the codec server's variables: parsed once at start, refused in one line that names the
// variable and never shows a key or token.
import { inspect } from 'node:util';
import { loadDataConverter } from '../../src/codec/data-converter';
import { EncryptionCodec } from '../../src/codec/encryption-codec';
import { ConfigError, loadConfig, redactedConfig } from '../../src/config';
import { keysVariable } from './keys';

const KEY_A = 'q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=';
const KEY_B = '3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, { requireFlinks: false });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('TEMPORAL_ENCRYPTION_KEYS', () => {
  it('is optional: unset or empty, payloads stay plain', () => {
    expect(loadConfig({}, { requireFlinks: false }).temporal.encryptionKeys).toBeUndefined();
    expect(
      loadConfig({ TEMPORAL_ENCRYPTION_KEYS: ' ' }, { requireFlinks: false }).temporal.encryptionKeys,
    ).toBeUndefined();
    expect(loadDataConverter({})).toEqual({});
  });

  it('lists keys newest first, spaces around entries allowed', () => {
    const config = loadConfig(
      { TEMPORAL_ENCRYPTION_KEYS: ` key-2026-11:${KEY_A} , key-2025-01:${KEY_B}` },
      { requireFlinks: false },
    );
    const keys = config.temporal.encryptionKeys ?? [];
    expect(keys.map((k) => k.id)).toEqual(['key-2026-11', 'key-2025-01']);
    expect(keys.map((k) => k.key.symmetricKeySize)).toEqual([32, 32]);
    expect(keys[0]?.key.export().toString('base64')).toBe(KEY_A);
  });

  it('never shows a key when the configuration is printed or logged', () => {
    const config = loadConfig({ TEMPORAL_ENCRYPTION_KEYS: `key-a:${KEY_A}` }, { requireFlinks: false });
    const printed = [
      inspect(config, { depth: 10 }),
      JSON.stringify(config),
      JSON.stringify(redactedConfig(config)),
    ];
    for (const text of printed) expect(text).not.toContain(KEY_A.slice(0, 12));
    expect(redactedConfig(config)).toMatchObject({ temporal: { encryptionKeys: ['key-a: [redacted]'] } });
  });

  it.each([
    [
      'a key of the wrong length',
      `key-a:${Buffer.alloc(24, 7).toString('base64')}`,
      /key 'key-a' is 24 bytes; AES-256 needs 32/,
    ],
    ['a key that is not base64', `key-a:${KEY_A.slice(0, 40)}!!!=`, /key 'key-a' is not base64/],
    ['an entry without a key id', KEY_A, /entry 1 of 1 must be <key-id>:<base64 key>/],
    ['an empty entry', `key-a:${KEY_A},`, /entry 2 of 2 must be <key-id>:<base64 key>/],
    ['an invalid key id', `bad id!:${KEY_A}`, /entry 1 of 1 has an invalid key id/],
    ['a key id listed twice', `key-a:${KEY_A},key-a:${KEY_B}`, /key id 'key-a' is listed twice/],
  ])('refuses %s in one line naming the variable, without the key', (_what, value, expected) => {
    const error = configError({ TEMPORAL_ENCRYPTION_KEYS: value });
    expect(error.variable).toBe('TEMPORAL_ENCRYPTION_KEYS');
    expect(error.message).toMatch(/^Invalid configuration: TEMPORAL_ENCRYPTION_KEYS /);
    expect(error.message).toMatch(expected);
    expect(error.message).not.toContain('\n');
    for (const key of [KEY_A, KEY_B]) expect(error.message).not.toContain(key.slice(0, 12));
  });

  it('loadDataConverter builds the codec from the environment', () => {
    const converter = loadDataConverter({ TEMPORAL_ENCRYPTION_KEYS: keysVariable('key-a') });
    expect(converter.payloadCodecs).toEqual([expect.any(EncryptionCodec)]);
    expect(() => loadDataConverter({ TEMPORAL_ENCRYPTION_KEYS: 'key-a:short' })).toThrow(ConfigError);
  });
});

describe('TEMPORAL_ENCRYPTION_REQUIRED', () => {
  it('is false unless set to true, and then makes the codec refuse plaintext', async () => {
    expect(loadConfig({}, { requireFlinks: false }).temporal.encryptionRequired).toBe(false);
    const env = { TEMPORAL_ENCRYPTION_KEYS: keysVariable('key-a'), TEMPORAL_ENCRYPTION_REQUIRED: 'true' };
    expect(loadConfig(env, { requireFlinks: false }).temporal.encryptionRequired).toBe(true);
    const [codec] = loadDataConverter(env).payloadCodecs ?? [];
    await expect(
      codec?.decode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('1') }]),
    ).rejects.toThrow(expect.objectContaining({ name: 'PlaintextPayloadError' }));
  });

  it('needs the keys: a replica started without them refuses to start', () => {
    const error = configError({ TEMPORAL_ENCRYPTION_REQUIRED: 'true' });
    expect(error.variable).toBe('TEMPORAL_ENCRYPTION_KEYS');
    expect(error.message).toBe(
      'Invalid configuration: TEMPORAL_ENCRYPTION_KEYS is required when TEMPORAL_ENCRYPTION_REQUIRED is true',
    );
  });

  it('is true or false', () => {
    expect(configError({ TEMPORAL_ENCRYPTION_REQUIRED: 'yes' }).message).toBe(
      'Invalid configuration: TEMPORAL_ENCRYPTION_REQUIRED must be true or false (got "yes")',
    );
  });
});

describe('codec server variables', () => {
  it('default to this machine, port 8888, the dev server UI and no token', () => {
    expect(loadConfig({}, { requireFlinks: false }).codecServer).toEqual({
      host: '127.0.0.1',
      port: 8888,
      corsOrigin: 'http://localhost:8233',
      authToken: undefined,
    });
  });

  it('are read, and the token is redacted', () => {
    const config = loadConfig(
      {
        CODEC_SERVER_HOST: '0.0.0.0',
        CODEC_SERVER_PORT: '9999',
        CODEC_CORS_ORIGIN: 'https://temporal.example.com',
        CODEC_AUTH_TOKEN: 'a-long-enough-token',
      },
      { requireFlinks: false },
    );
    expect(config.codecServer).toEqual({
      host: '0.0.0.0',
      port: 9999,
      corsOrigin: 'https://temporal.example.com',
      authToken: 'a-long-enough-token',
    });
    expect(redactedConfig(config)).toMatchObject({ codecServer: { authToken: '[redacted]' } });
  });

  it('serve off loopback without a token only when CODEC_ALLOW_NO_AUTH=true says the port is this machine’s alone', () => {
    const config = loadConfig(
      { CODEC_SERVER_HOST: '0.0.0.0', CODEC_ALLOW_NO_AUTH: 'true' },
      { requireFlinks: false },
    );
    expect(config.codecServer).toMatchObject({ host: '0.0.0.0', authToken: undefined });
  });

  it.each([
    [{ CODEC_SERVER_PORT: '70000' }, 'CODEC_SERVER_PORT must be a port number (0 to 65535) (got "70000")'],
    [{ CODEC_CORS_ORIGIN: 'http://localhost:8233/' }, 'CODEC_CORS_ORIGIN must be an origin'],
    [{ CODEC_CORS_ORIGIN: 'localhost:8233' }, 'CODEC_CORS_ORIGIN must be an origin'],
    [{ CODEC_AUTH_TOKEN: 'short' }, 'CODEC_AUTH_TOKEN must be at least 16 characters'],
    [
      { CODEC_SERVER_HOST: '0.0.0.0' },
      'CODEC_AUTH_TOKEN is required when CODEC_SERVER_HOST is not a loopback address (got "0.0.0.0"), unless CODEC_ALLOW_NO_AUTH=true',
    ],
    [
      { CODEC_SERVER_HOST: '0.0.0.0', CODEC_ALLOW_NO_AUTH: 'yes' },
      'CODEC_ALLOW_NO_AUTH must be true or false (got "yes")',
    ],
  ])('refuses %j', (env, expected) => {
    const error = configError(env);
    expect(error.message).toContain(expected);
    if ('CODEC_AUTH_TOKEN' in env) expect(error.message).not.toContain(env.CODEC_AUTH_TOKEN);
  });
});
