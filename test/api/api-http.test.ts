// The HTTP layer of the API, without workers: auth, validation, limits, slow clients, an unreachable Temporal
// and unexpected errors. Card behaviour is in api-cards.test.ts, webhooks in api-webhooks.test.ts.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { CardUpdateAbortedError, FlinksRefreshClient } from '../../src/client';
import { type DataSink, DirectorySink, type FlinksLogger } from '../../src/flinks';
import { findFreePort } from '../../src/temporal/exec';
import { connectToDevServer } from '../harness/dev-server';
import { type RunningApi, startApi } from './api-harness';

let env: TestWorkflowEnvironment;
let sinkDir: string;
let live: RunningApi;
const logged: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
const log: FlinksLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message, fields) => logged.push({ level: 'warn', message, fields }),
  error: (message, fields) => logged.push({ level: 'error', message, fields }),
};
/** Fails every write with a plain Error: the API must answer 500 without showing it. */
const brokenSink: DataSink = {
  write: () => Promise.reject(new Error('disk on fire at /secret/path')),
};

const cardsOn = (client: Client) =>
  new FlinksRefreshClient({
    client,
    taskQueue: 'api-http-unused',
    flinksTaskQueue: 'api-http-unused-flinks',
  });

const gadWebhook = (loginId = randomUUID()) => ({
  ResponseType: 'GetAccountsDetail',
  HttpStatusCode: 200,
  RequestId: randomUUID(),
  Login: { Id: loginId, LastRefresh: '2026-01-21T20:47:47.1459990' },
  Accounts: [],
});

beforeAll(async () => {
  env = await connectToDevServer();
  sinkDir = await mkdtemp(join(tmpdir(), 'api-http-sink-'));
  live = await startApi({
    cards: cardsOn(env.client),
    sink: brokenSink,
    bodyLimitBytes: 1_024,
    webhookBodyLimitBytes: 4_096,
    timeouts: { headersMs: 400, requestMs: 800 },
    log,
  });
});

afterAll(async () => {
  await live?.api.close();
  await env?.teardown();
  await rm(sinkDir, { recursive: true, force: true });
});

describe('auth', () => {
  const uuid = randomUUID();
  const routes: [string, string][] = [
    ['POST', '/cards'],
    ['POST', `/cards/${uuid}/reconnected`],
    ['POST', `/cards/${uuid}/refresh`],
    ['PUT', `/cards/${uuid}/scheduled-refresh`],
    ['DELETE', `/cards/${uuid}`],
    ['GET', `/cards/${uuid}`],
    ['GET', '/cards'],
    ['POST', '/flinks/webhooks'],
  ];

  test.each(routes)('%s %s without a token is 401', async (method, path) => {
    const reply = await live.call(method, path, { token: null, body: method === 'GET' ? undefined : {} });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toBe('Bearer');
    expect(reply.body).toEqual({
      error: 'UnauthorizedError',
      message: 'Missing or wrong Authorization: Bearer token',
    });
  });

  test.each(routes)('%s %s with a wrong token is 401', async (method, path) => {
    expect((await live.call(method, path, { token: 'api-test-token-0123456789abcdeX' })).status).toBe(401);
  });

  test('only the Bearer scheme counts', async () => {
    const reply = await live.call('GET', '/cards', {
      token: null,
      headers: {
        authorization: `Basic ${Buffer.from('x:api-test-token-0123456789abcdef').toString('base64')}`,
      },
    });
    expect(reply.status).toBe(401);
  });

  test('/healthz needs no token and says Temporal answers', async () => {
    const reply = await live.call('GET', '/healthz', { token: null });
    expect(reply).toMatchObject({ status: 200, body: { status: 'ok', temporal: 'ok' } });
  });
});

describe('routing', () => {
  test('an unknown path is 404', async () => {
    const reply = await live.call('GET', '/nope');
    expect(reply).toMatchObject({
      status: 404,
      body: { error: 'RouteNotFoundError', message: 'No route for /nope' },
    });
  });

  test('a known path with another method is 405 with Allow', async () => {
    const reply = await live.call('PATCH', `/cards/${randomUUID()}`);
    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toBe('DELETE, GET');
    expect(reply.body.error).toBe('MethodNotAllowedError');
  });
});

describe('validation: 400 with the fields at fault, before Temporal is asked', () => {
  test.each([
    ['a missing loginId', 'POST', '/cards', {}, [{ field: 'loginId', message: 'loginId is required' }]],
    [
      'a loginId that is not a UUID',
      'POST',
      '/cards',
      { loginId: 'abc' },
      [{ field: 'loginId', message: 'loginId must be a UUID' }],
    ],
    [
      'an unknown field and a bad date',
      'POST',
      '/cards',
      { loginId: randomUUID(), connectedAt: 'yesterday', colour: 'blue' },
      [
        { field: 'colour', message: 'is not a known field' },
        { field: 'connectedAt', message: 'must be an ISO-8601 timestamp' },
      ],
    ],
    [
      'a missing requestId',
      'POST',
      `/cards/${randomUUID()}/reconnected`,
      {},
      [{ field: 'requestId', message: 'Required' }],
    ],
    [
      'a body on refresh',
      'POST',
      `/cards/${randomUUID()}/refresh`,
      { now: true },
      [{ field: 'now', message: 'is not a known field' }],
    ],
    [
      'a non-boolean enabled',
      'PUT',
      `/cards/${randomUUID()}/scheduled-refresh`,
      { enabled: 'yes' },
      [{ field: 'enabled', message: 'Expected boolean, received string' }],
    ],
    [
      'a path loginId that is not a UUID',
      'GET',
      '/cards/not-a-uuid',
      undefined,
      [{ field: 'loginId', message: 'loginId must be a UUID' }],
    ],
  ])('%s', async (_name, method, path, body, fields) => {
    const reply = await live.call(method, path, { body });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe('ValidationError');
    expect(reply.body.fields).toEqual(expect.arrayContaining(fields));
    expect(reply.body.fields).toHaveLength(fields.length);
  });

  test.each([
    ['/cards?status=frozen', 'status'],
    ['/cards?pageSize=0', 'pageSize'],
    ['/cards?pageSize=ten', 'pageSize'],
    ['/cards?colour=blue', 'colour'],
  ])('GET %s names %s', async (path, field) => {
    const reply = await live.call('GET', path);
    expect(reply.status).toBe(400);
    expect(reply.body.fields?.map((f) => f.field)).toEqual([field]);
  });

  test.each(['AAAA', 'AAAA.AAAAAAAAAAAAAAAAAAAAAA', 'a.b.c'])(
    'GET /cards?pageToken=%s (not a token of ours) is a 400 at once, naming pageToken',
    async (token) => {
      const started = Date.now();
      const reply = await live.call('GET', `/cards?pageToken=${token}`);
      expect(reply.status).toBe(400);
      expect(reply.body.fields).toEqual([
        { field: 'pageToken', message: 'is not a token from a previous page' },
      ]);
      expect(Date.now() - started).toBeLessThan(1_000);
    },
  );

  test.each(['2026-01-01T00:00:00+99:99', '9999-12-31T23:59:59Z', '1970-01-01T00:00:00Z'])(
    'POST /cards with connectedAt %s is a 400: the card could not compute its windows from it',
    async (connectedAt) => {
      const reply = await live.call('POST', '/cards', { body: { loginId: randomUUID(), connectedAt } });
      expect(reply.status).toBe(400);
      expect(reply.body.fields).toEqual([
        { field: 'connectedAt', message: 'must be a real time between 2000 and 2100' },
      ]);
    },
  );

  test('DELETE ?deleteData=yes names deleteData', async () => {
    const reply = await live.call('DELETE', `/cards/${randomUUID()}?deleteData=yes`);
    expect(reply.status).toBe(400);
    expect(reply.body.fields).toEqual([{ field: 'deleteData', message: "must be 'true' or 'false'" }]);
  });

  test('a body that is not JSON is 400, and not JSON-typed is 415', async () => {
    const broken = await live.call('POST', '/cards', { raw: '{"loginId": ' });
    expect(broken.status).toBe(400);
    expect(broken.body.error).toBe('MalformedJsonError');
    const text = await live.call('POST', '/cards', {
      raw: 'loginId=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect(text.body.error).toBe('UnsupportedMediaTypeError');
  });
});

describe('limits and slow clients', () => {
  test('a body over API_BODY_LIMIT is 413, declared or streamed', async () => {
    const big = JSON.stringify({ loginId: randomUUID(), institution: 'x'.repeat(2_000) });
    const declared = await live.call('POST', '/cards', { raw: big });
    expect(declared.status).toBe(413);
    expect(declared.body.error).toBe('PayloadTooLargeError');

    // No Content-Length: the limit is enforced while reading.
    const streamed = await rawRequest(
      'POST /cards HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n' +
        `authorization: Bearer api-test-token-0123456789abcdef\r\ntransfer-encoding: chunked\r\n\r\n` +
        `${(4_000).toString(16)}\r\n${'x'.repeat(4_000)}\r\n`,
    );
    expect(streamed).toMatch(/^HTTP\/1\.1 413 /);
  });

  test('the webhook route has its own, larger limit', async () => {
    const payload = { ...gadWebhook(), Padding: 'x'.repeat(2_000) };
    // Over API_BODY_LIMIT, under WEBHOOK_BODY_LIMIT: reaches the (broken) sink rather than 413.
    expect((await live.call('POST', '/flinks/webhooks', { body: payload })).status).toBe(500);
    const tooBig = { ...gadWebhook(), Padding: 'x'.repeat(5_000) };
    expect((await live.call('POST', '/flinks/webhooks', { body: tooBig })).status).toBe(413);
  });

  test('a client that never finishes its headers is cut off', async () => {
    const started = Date.now();
    const answer = await rawRequest('GET /healthz HTTP/1.1\r\nhost: x\r\n', { keepOpen: true });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('a client that never finishes its body is cut off', async () => {
    const answer = await rawRequest(
      'POST /cards HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n' +
        'authorization: Bearer api-test-token-0123456789abcdef\r\n\r\n{"loginId":',
      { keepOpen: true },
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });
});

describe('errors', () => {
  test('an unexpected failure is a 500 with a generic message and a logged id, never the details', async () => {
    const reply = await live.call('POST', '/flinks/webhooks', { body: gadWebhook() });
    expect(reply.status).toBe(500);
    expect(reply.body).toEqual({
      error: 'InternalError',
      message: `Unexpected error; quote errorId ${String(reply.body.errorId)} when reporting it.`,
      errorId: expect.any(String),
    });
    expect(JSON.stringify(reply.body)).not.toContain('secret');
    const entry = logged.find((e) => e.fields?.errorId === reply.body.errorId);
    expect(entry).toMatchObject({ level: 'error', fields: { path: '/flinks/webhooks' } });
    expect(String(entry?.fields?.error)).toContain('disk on fire');
  });

  test('a card update Temporal kept aborting is a 503 with Retry-After, never a 500', async () => {
    const cards = cardsOn(env.client);
    const reason = 'Unable to perform workflow execution update due to unexpected workflow task failure.';
    cards.refreshNow = (loginId) =>
      Promise.reject(new CardUpdateAbortedError(loginId, 'refreshNow', 5, reason));
    const aborting = await startApi({ cards, sink: brokenSink, log });
    try {
      const loginId = randomUUID();
      const reply = await aborting.call('POST', `/cards/${loginId}/refresh`);
      expect(reply.status).toBe(503);
      expect(reply.headers.get('retry-after')).toBe('5');
      expect(reply.body).toEqual({
        error: 'CardUpdateAbortedError',
        message: `Card ${loginId}: Temporal aborted the refreshNow update (5 attempts: ${reason}); nothing was changed, retry in a few seconds`,
      });
    } finally {
      await aborting.api.close();
    }
  });
});

describe('Temporal unreachable', () => {
  let down: RunningApi;
  let connection: Connection;

  beforeAll(async () => {
    // Nothing listens there: every call fails to connect.
    connection = Connection.lazy({ address: `127.0.0.1:${await findFreePort()}` });
    down = await startApi({
      cards: cardsOn(new Client({ connection })),
      sink: new DirectorySink(sinkDir),
      temporalTimeoutMs: 500,
    });
  });

  afterAll(async () => {
    await down?.api.close();
    await connection?.close();
  });

  test.each([
    ['POST', '/cards', { loginId: randomUUID() }],
    ['POST', `/cards/${randomUUID()}/reconnected`, { requestId: 'r-1' }],
    ['POST', `/cards/${randomUUID()}/refresh`, undefined],
    ['PUT', `/cards/${randomUUID()}/scheduled-refresh`, { enabled: true }],
    ['DELETE', `/cards/${randomUUID()}`, undefined],
    ['GET', `/cards/${randomUUID()}`, undefined],
    ['GET', '/cards', undefined],
  ])('%s %s is 503 with Retry-After, within seconds', async (method, path, body) => {
    const started = Date.now();
    const reply = await down.call(method, path, { body });
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('5');
    expect(reply.body).toEqual({
      error: 'TemporalUnavailableError',
      message: 'Temporal is unavailable right now; nothing was changed. Retry in a few seconds.',
    });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  test('a webhook is 503 and stores nothing, so the redelivery finds a clean slate', async () => {
    const reply = await down.call('POST', '/flinks/webhooks', { body: gadWebhook() });
    expect(reply.status).toBe(503);
    expect(await readdir(sinkDir)).toEqual([]);
  });

  test('/healthz is 503', async () => {
    const reply = await down.call('GET', '/healthz', { token: null });
    expect(reply).toMatchObject({ status: 503, body: { status: 'unavailable', temporal: 'unavailable' } });
  });

  test('a wrong request is still a 400, whatever Temporal’s state', async () => {
    expect((await down.call('POST', '/cards', { body: {} })).status).toBe(400);
  });
});

/** Writes raw bytes to the API and returns whatever it answers before closing (or after 5 s). */
function rawRequest(text: string, { keepOpen = false }: { keepOpen?: boolean } = {}): Promise<string> {
  const { port } = new URL(live.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' ? undefined : reject(error),
    );
    socket.write(text, () => {
      if (!keepOpen) socket.end();
    });
  });
}
