// The codec server over HTTP, as the Web UI and the CLI call it: round trips, CORS, authorization and limits.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { startConfiguredCodecServer } from '../../src/codec/configured-server';
import { EncryptionCodec } from '../../src/codec/encryption-codec';
import { toJsonPayload } from '../../src/codec/payload-json';
import { type CodecServer, startCodecServer } from '../../src/codec/server';
import { loadConfig } from '../../src/config';
import { keysVariable, parseKeys } from './keys';

const UI = 'http://localhost:8233';
const TOKEN = 'codec-test-token-0123456789';
const card = { loginId: '0d6f2c4e-9a1b-4c3d-8e7f-6a5b4c3d2e1f', institution: 'Caisse Test' };

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): unknown;
}

/** node:http rather than fetch: fetch will not send an Origin header of our choosing. */
function call(
  server: Pick<CodecServer, 'url'>,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | string[] },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${options.path ?? '/decode'}`,
      { method: options.method ?? 'POST', headers: options.headers },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
    // An array is sent chunk by chunk (no Content-Length): the streamed-body case.
    for (const chunk of [options.body ?? []].flat()) req.write(chunk);
    req.end();
  });
}

const fromUi = (extra: Record<string, string> = {}) => ({
  origin: UI,
  'content-type': 'application/json',
  'x-namespace': 'default',
  ...extra,
});

const codec = new EncryptionCodec(parseKeys(keysVariable('key-2026-11', 'key-2025-01')));
let open: CodecServer;
let guarded: CodecServer;

beforeAll(async () => {
  open = await startCodecServer({ codec, port: 0, corsOrigin: UI, maxBodyBytes: 4096 });
  guarded = await startCodecServer({
    codec,
    port: 0,
    corsOrigin: UI,
    authToken: TOKEN,
    requestTimeoutMs: 500,
  });
});
afterAll(async () => {
  await Promise.all([open?.close(), guarded?.close()]);
});

describe('encode and decode', () => {
  it('decodes what the workers encrypted, for the UI, with CORS headers for its origin', async () => {
    const encrypted = await codec.encode([defaultPayloadConverter.toPayload(card)]);
    const reply = await call(open, {
      headers: fromUi(),
      body: JSON.stringify({ payloads: encrypted.map(toJsonPayload) }),
    });
    expect(reply.status).toBe(200);
    expect(reply.headers['access-control-allow-origin']).toBe(UI);
    expect(reply.headers['cache-control']).toBe('no-store');
    const { payloads } = reply.json() as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(payloads).toHaveLength(1);
    expect(Buffer.from(payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(payloads[0]!.data, 'base64').toString())).toEqual(card);
  });

  it('encodes with the newest key, and decodes its own output; plain payloads pass through decode', async () => {
    const plain = toJsonPayload(defaultPayloadConverter.toPayload(card));
    const encoded = await call(open, {
      path: '/encode',
      headers: fromUi(),
      body: JSON.stringify({ payloads: [plain] }),
    });
    expect(encoded.status).toBe(200);
    const { payloads } = encoded.json() as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(Buffer.from(payloads[0]!.metadata['encryption-key-id']!, 'base64').toString()).toBe('key-2026-11');
    expect(Buffer.from(payloads[0]!.data, 'base64').toString('latin1')).not.toContain(card.loginId);

    // The CLI sends no Origin: not a browser, so CORS does not apply.
    const decoded = await call(open, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payloads: [...payloads, plain] }),
    });
    expect(decoded.json()).toEqual({ payloads: [plain, plain] });
  });

  it('names the unknown key id, with no stack trace', async () => {
    const other = new EncryptionCodec(parseKeys(keysVariable('key-elsewhere')));
    const foreign = await other.encode([defaultPayloadConverter.toPayload(card)]);
    const reply = await call(open, {
      headers: fromUi(),
      body: JSON.stringify({ payloads: foreign.map(toJsonPayload) }),
    });
    expect(reply.status).toBe(422);
    expect(reply.json()).toEqual({ error: expect.stringContaining("encrypted with key 'key-elsewhere'") });
    expect(reply.text).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it.each([
    ['a body that is not JSON', '{"payloads": [', 400, 'Body is not JSON'],
    [
      'a body of the wrong shape',
      '{"payloads": [{"data": 42}]}',
      400,
      'Body must be { payloads: [{ metadata, data }] }: payloads.0.data',
    ],
    ['data that is not base64', '{"payloads": [{"data": "%%%"}]}', 400, 'must be base64'],
  ])('refuses %s', async (_what, body, status, message) => {
    const reply = await call(open, { headers: fromUi(), body });
    expect(reply.status).toBe(status);
    expect((reply.json() as { error: string }).error).toContain(message);
  });

  it('answers 404 elsewhere, 405 to other methods, and 415 to anything but JSON', async () => {
    expect((await call(open, { path: '/', headers: fromUi(), body: '{}' })).status).toBe(404);
    const get = await call(open, { method: 'GET', headers: { origin: UI } });
    expect([get.status, get.headers.allow]).toEqual([405, 'POST, OPTIONS']);
    const form = await call(open, {
      headers: fromUi({ 'content-type': 'text/plain' }),
      body: '{"payloads":[]}',
    });
    expect(form.status).toBe(415);
  });
});

describe('CORS', () => {
  it("answers the UI's preflight with the headers it sends", async () => {
    const reply = await call(guarded, {
      method: 'OPTIONS',
      headers: {
        origin: UI,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, x-namespace',
      },
    });
    expect(reply.status).toBe(204);
    expect(reply.headers).toMatchObject({
      'access-control-allow-origin': UI,
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'x-namespace, content-type, authorization',
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    });
  });

  it('refuses every other origin, preflight or not, and tells it nothing', async () => {
    for (const method of ['OPTIONS', 'POST']) {
      const reply = await call(open, {
        method,
        headers: fromUi({ origin: 'https://evil.example' }),
        body: method === 'POST' ? '{"payloads":[]}' : undefined,
      });
      expect(reply.status).toBe(403);
      expect(reply.headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});

describe('authorization', () => {
  const body = JSON.stringify({ payloads: [] });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer codec-test-token-0123456780' }],
    ['the token without Bearer', { authorization: TOKEN }],
    ['a prefix of the token', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
  ])('refuses %s with 401', async (_what, headers) => {
    const reply = await call(guarded, { headers: fromUi(headers), body });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe('Bearer realm="codec"');
    // The UI can still read why.
    expect(reply.headers['access-control-allow-origin']).toBe(UI);
    expect(reply.text).not.toContain(TOKEN);
  });

  // /encode turns chosen plaintext into payloads the workers accept as ours: it needs the token as much as /decode.
  it.each(['/encode', '/decode'])('guards %s alike: 401 without the token, 200 with it', async (path) => {
    const payloads = { payloads: [toJsonPayload(defaultPayloadConverter.toPayload(card))] };
    const without = await call(guarded, { path, headers: fromUi(), body: JSON.stringify(payloads) });
    expect(without.status).toBe(401);
    expect(without.text).not.toContain('payloads');
    const viaCli = await call(guarded, {
      path,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payloads),
    });
    expect(viaCli.status).toBe(401);
    const withToken = await call(guarded, {
      path,
      headers: fromUi({ authorization: `Bearer ${TOKEN}` }),
      body: JSON.stringify(payloads),
    });
    expect(withToken.status).toBe(200);
  });

  it('accepts the bearer token', async () => {
    const reply = await call(guarded, { headers: fromUi({ authorization: `Bearer ${TOKEN}` }), body });
    expect([reply.status, reply.json()]).toEqual([200, { payloads: [] }]);
  });
});

describe('limits', () => {
  const big = JSON.stringify({ payloads: [{ data: Buffer.alloc(4096).toString('base64') }] });

  it('answers 413 to a body declared larger than the limit', async () => {
    const reply = await call(open, { headers: fromUi(), body: big });
    expect(reply.status).toBe(413);
    expect(reply.json()).toEqual({ error: 'Body is larger than 4096 bytes' });
  });

  it('answers 413 to a streamed body once it passes the limit', async () => {
    const reply = await call(open, { headers: fromUi(), body: [big.slice(0, 3000), big.slice(3000)] });
    expect(reply.status).toBe(413);
  });

  it('cuts off a client that stops sending', async () => {
    const started = Date.now();
    const reply = await new Promise<number | 'closed'>((resolve) => {
      const req = request(`${guarded.url}/decode`, {
        method: 'POST',
        headers: fromUi({ authorization: `Bearer ${TOKEN}`, 'content-length': '100' }),
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', () => resolve('closed'));
      req.write('{"payloads": [');
    });
    expect([408, 'closed']).toContain(reply);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('as configured', () => {
  it('is not started without TEMPORAL_ENCRYPTION_KEYS: there is nothing to decode', async () => {
    expect(await startConfiguredCodecServer(loadConfig({}, { requireFlinks: false }))).toBeNull();
  });

  it('`npm run codec-server` serves the configured keys, refuses other origins, and stops on SIGTERM', async () => {
    const variable = keysVariable('key-2026-11');
    const child = spawn('npm', ['run', '--silent', 'codec-server'], {
      cwd: join(__dirname, '..', '..'),
      env: {
        PATH: process.env.PATH,
        TEMPORAL_ENCRYPTION_KEYS: variable,
        CODEC_SERVER_PORT: '0',
        CODEC_CORS_ORIGIN: 'http://127.0.0.1:8233',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /Codec server on (http:\/\/\S+)/.exec(output);
          if (match?.[1]) resolve(match[1]);
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        void exited.then(() => reject(new Error(`codec server exited: ${output}`)));
      });
      expect(output).toContain('keys key-2026-11;');
      expect(output).not.toContain(variable.split(':')[1]);
      const server = { url };
      const payloads = await new EncryptionCodec(parseKeys(variable)).encode([
        defaultPayloadConverter.toPayload(card),
      ]);
      const headers = { origin: 'http://127.0.0.1:8233', 'content-type': 'application/json' };
      const reply = await call(server, {
        headers,
        body: JSON.stringify({ payloads: payloads.map(toJsonPayload) }),
      });
      expect(reply.status).toBe(200);
      expect((await call(server, { headers: { ...headers, origin: UI }, body: '{}' })).status).toBe(403);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
