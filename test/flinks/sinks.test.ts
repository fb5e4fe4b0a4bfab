import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { accountsDetailSchema, type AccountsDetail } from '../../src/flinks/schemas';
import {
  classifyFlinksError,
  DataSinkError,
  deliverAccountsDetail,
  DirectorySink,
  FlinksApiError,
  HttpSink,
  REQUEST_ID_LOGIN_MISMATCH,
  RequestLoginMismatchError,
  SIGNATURE_HEADER,
  verifySignature,
  type DataRecord,
} from '../../src/flinks';
import { caught, startTestServer, type Reply, type TestServer } from './test-server';

const LOGIN_ID = '11111111-2222-4333-8444-555555555555';
const REQUEST_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const HMAC_SECRET = 'sink-hmac-secret-42';

const body: AccountsDetail = accountsDetailSchema.parse({
  HttpStatusCode: 200,
  RequestId: REQUEST_ID,
  Login: { Id: LOGIN_ID, LastRefresh: '2026-01-21T20:47:47.1459990' },
  Accounts: [{ Id: 'a1', AccountNumber: '7641238', Transactions: [{ Id: 't1' }, { Id: 't2' }] }],
});

/** Arrays 20,000 levels deep: JSON.parse reads them, JSON.stringify overflows the stack. */
const tooDeep = (): unknown => JSON.parse(`${'['.repeat(20_000)}${']'.repeat(20_000)}`);

const record = (overrides: Partial<DataRecord> = {}): DataRecord => ({
  loginId: LOGIN_ID,
  requestId: REQUEST_ID,
  fetchedAt: '2026-01-22T05:00:00.000Z',
  body,
  ...overrides,
});

describe('DirectorySink', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'flinks-sink-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('writes <dir>/<loginId>/<fetchedAt>-<requestId>.json with the whole record, private', async () => {
    const { location } = await new DirectorySink(dir).write(record());
    expect(location).toBe(path.join(dir, LOGIN_ID, `2026-01-22T05-00-00.000Z-${REQUEST_ID}.json`));
    expect(JSON.parse(await readFile(location, 'utf8'))).toEqual(record());
    expect((await stat(location)).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, LOGIN_ID))).mode & 0o777).toBe(0o700);
  });

  test('the same requestId again (a retried activity) returns the existing file and writes nothing', async () => {
    const sink = new DirectorySink(dir);
    const first = await sink.write(record());
    const second = await sink.write(record({ fetchedAt: '2026-01-22T05:01:00.000Z' }));
    expect(second.location).toBe(first.location);
    expect(await readdir(path.join(dir, LOGIN_ID))).toHaveLength(1);
  });

  test('concurrent writes of one requestId store one file; other refreshes get their own', async () => {
    const sink = new DirectorySink(dir);
    const results = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) =>
        sink.write(record({ fetchedAt: `2026-01-22T05:00:0${i}.000Z` })),
      ),
      sink.write(record({ requestId: 'second-request' })),
    ]);
    expect(new Set(results.slice(0, 5).map((r) => r.location)).size).toBe(1);
    const files = await readdir(path.join(dir, LOGIN_ID));
    expect(files.sort()).toHaveLength(2);
    expect(files.some((f) => f.startsWith('.'))).toBe(false);
  });

  test.each([
    ['a path-escaping loginId', { loginId: '../etc' }],
    ['a loginId with a slash', { loginId: 'a/b' }],
    ['an empty requestId', { requestId: '' }],
    ['a requestId with dots only', { requestId: '..' }],
    ['a bad fetchedAt', { fetchedAt: 'yesterday' }],
  ] as [string, Partial<DataRecord>][])('refuses %s without touching the disk', async (_name, overrides) => {
    const error = await caught(new DirectorySink(dir).write(record(overrides)));
    expect(error).toBeInstanceOf(DataSinkError);
    expect((error as DataSinkError).retryable).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });

  test('an unusable root is a DataSinkError naming the errno, not the data', async () => {
    const plainFile = path.join(dir, 'plain-file');
    await writeFile(plainFile, 'x');
    const error = (await caught(new DirectorySink(plainFile).write(record()))) as DataSinkError;
    expect(error).toBeInstanceOf(DataSinkError);
    expect(error.name).toBe('DataSinkError');
    expect(error.message).toContain('ENOTDIR');
    expect(error.message).not.toContain('7641238');
  });

  test('a body nested deeper than JSON.stringify can go is a permanent DataSinkError, and nothing is stored', async () => {
    const error = (await caught(new DirectorySink(dir).write(record({ body: tooDeep() })))) as DataSinkError;
    expect(error).toBeInstanceOf(DataSinkError);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(new RegExp(`requestId ${REQUEST_ID} cannot be written as JSON`));
    expect(await readdir(dir)).toEqual([]);
  });

  test('deliverAccountsDetail stores the body and returns only the summary and location', async () => {
    const result = await deliverAccountsDetail(new DirectorySink(dir), body, {
      fetchedAt: '2026-01-22T05:00:00.000Z',
    });
    expect(result.summary).toEqual({
      loginId: LOGIN_ID,
      lastRefresh: '2026-01-21T20:47:47.145Z',
      accounts: 1,
      transactions: 2,
      requestId: REQUEST_ID,
    });
    expect(JSON.stringify(result)).not.toContain('7641238');
    expect(JSON.parse(await readFile(result.location, 'utf8')).body).toEqual(body);
  });

  test("deliverAccountsDetail for the card's own loginId stores it, whatever the GUID's case", async () => {
    const result = await deliverAccountsDetail(new DirectorySink(dir), body, {
      loginId: LOGIN_ID.toUpperCase(),
    });
    expect(result.summary.loginId).toBe(LOGIN_ID);
  });

  test("deliverAccountsDetail refuses another login's data, naming both ids and the requestId, and stores nothing", async () => {
    const cardLoginId = '99999999-2222-4333-8444-555555555555';
    const error = (await caught(
      deliverAccountsDetail(new DirectorySink(dir), body, { loginId: cardLoginId }),
    )) as RequestLoginMismatchError;
    expect(error).toBeInstanceOf(RequestLoginMismatchError);
    // A FlinksApiError with a permanent code: the activities record it, never retry it.
    expect(error).toBeInstanceOf(FlinksApiError);
    expect(error.name).toBe('RequestLoginMismatchError');
    expect(error.flinksCode).toBe(REQUEST_ID_LOGIN_MISMATCH);
    expect(
      classifyFlinksError({ flinksCode: error.flinksCode, httpStatus: error.httpStatus }).transient,
    ).toBe(false);
    expect(error.message).toContain(cardLoginId);
    expect(error.message).toContain(LOGIN_ID);
    expect(error.message).toContain(REQUEST_ID);
    expect(error.message).not.toContain('7641238');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('HttpSink', () => {
  let server: TestServer;
  const sinks: HttpSink[] = [];
  const sink = (options: Partial<ConstructorParameters<typeof HttpSink>[0]> = {}): HttpSink => {
    const created = new HttpSink({
      url: `${server.origin}/ingest/flinks?tenant=t1`,
      hmacSecret: HMAC_SECRET,
      timeoutMs: 500,
      retries: 3,
      retryBaseDelayMs: 10,
      retryMaxDelayMs: 50,
      ...options,
    });
    sinks.push(created);
    return created;
  };

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await Promise.all(sinks.map((s) => s.close()));
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  test('POSTs the record as JSON, signed over the exact bytes, with idempotency-key = requestId', async () => {
    server.setRoute(() => ({ status: 201, json: {}, headers: { location: '/records/42' } }));
    const { location } = await sink().write(record());
    expect(location).toBe(`${server.origin}/records/42`);
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/ingest/flinks?tenant=t1');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['idempotency-key']).toBe(REQUEST_ID);
    expect(verifySignature(req.body, req.headers[SIGNATURE_HEADER] as string, HMAC_SECRET)).toEqual({
      timestamp: expect.any(Number),
    });
    expect(req.json).toEqual(record());
  });

  test('without a Location header the location is the URL, without its query (a token goes to history never)', async () => {
    server.setRoute(() => ({ status: 200, text: '' }));
    await expect(sink().write(record())).resolves.toEqual({ location: `${server.origin}/ingest/flinks` });
    expect(server.requests[0]?.url).toBe('/ingest/flinks?tenant=t1');
  });

  test("the location never carries userinfo, a query or a fragment, the URL's or the Location header's", async () => {
    const url = `${server.origin.replace('//', '//user:pa55word@')}/ingest?token=s3cret#frag`;
    server.setRoute(() => ({ status: 200, text: '' }));
    await expect(sink({ url }).write(record())).resolves.toEqual({ location: `${server.origin}/ingest` });
    server.setRoute(() => ({
      status: 201,
      text: '',
      headers: { location: 'https://u:p@store.example/r/42?X-Amz-Signature=abc#x' },
    }));
    await expect(sink({ url }).write(record())).resolves.toEqual({ location: 'https://store.example/r/42' });
    // A Location that does not parse: the record was stored, so it is not sent again.
    server.setRoute(() => ({ status: 201, text: '', headers: { location: 'http://[' } }));
    await expect(sink({ url }).write(record())).resolves.toEqual({ location: `${server.origin}/ingest` });
    expect(server.requests).toHaveLength(3);
  });

  test('with a previous secret, a backend on either secret verifies the POST', async () => {
    server.setRoute(() => ({ status: 204, text: '' }));
    await sink({ hmacSecret: 'new-secret', previousHmacSecret: 'old-secret' }).write(record());
    const req = server.requests[0]!;
    for (const secret of ['new-secret', 'old-secret']) {
      expect(verifySignature(req.body, req.headers[SIGNATURE_HEADER] as string, secret)).toBeTruthy();
    }
  });

  test('retries 5xx, 429 and dropped connections with the same key, each attempt signed, then succeeds', async () => {
    const replies: Reply[] = [
      { status: 503, text: 'busy' },
      { destroy: true },
      { status: 429, json: {} },
      { status: 200, json: {} },
    ];
    server.setRoute(() => replies.shift() ?? { status: 500, json: {} });
    await sink().write(record());
    expect(server.requests).toHaveLength(4);
    expect(new Set(server.requests.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    for (const r of server.requests) {
      expect(verifySignature(r.body, r.headers[SIGNATURE_HEADER] as string, HMAC_SECRET)).toBeTruthy();
    }
  });

  test('a hang past timeoutMs is retried, then reported as a retryable timeout', async () => {
    server.setRoute(() => ({ hang: true }));
    const error = (await caught(sink({ timeoutMs: 100, retries: 1 }).write(record()))) as DataSinkError;
    expect(error).toBeInstanceOf(DataSinkError);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('timed out');
    expect(server.requests).toHaveLength(2);
  });

  test('gives up after the configured retries with the last status', async () => {
    server.setRoute(() => ({ status: 502, text: '<html>bad gateway</html>' }));
    const error = (await caught(sink({ retries: 2 }).write(record()))) as DataSinkError;
    expect(error.httpStatus).toBe(502);
    expect(error.retryable).toBe(true);
    expect(server.requests).toHaveLength(3);
  });

  test('a 4xx is final at once; the message has neither the secret, the query nor the data', async () => {
    server.setRoute(() => ({ status: 400, json: { error: 'bad' } }));
    const error = (await caught(sink().write(record()))) as DataSinkError;
    expect(error.httpStatus).toBe(400);
    expect(error.retryable).toBe(false);
    expect(server.requests).toHaveLength(1);
    const text = `${error.message} ${JSON.stringify(error)}`;
    for (const forbidden of [HMAC_SECRET, 'tenant=t1', '7641238']) expect(text).not.toContain(forbidden);
  });

  test('a body nested deeper than JSON.stringify can go is final at once, and nothing is sent', async () => {
    const error = (await caught(sink().write(record({ body: tooDeep() })))) as DataSinkError;
    expect(error).toMatchObject({ name: 'DataSinkError', retryable: false, httpStatus: null });
    expect(server.requests).toHaveLength(0);
  });

  test('aborting stops the write with the signal reason', async () => {
    server.setRoute(() => ({ hang: true }));
    const controller = new AbortController();
    const reason = new Error('cancelled');
    setTimeout(() => controller.abort(reason), 50);
    expect(await caught(sink({ timeoutMs: 10_000 }).write(record(), { signal: controller.signal }))).toBe(
      reason,
    );
  });

  test('refuses a non-http URL and a missing secret', () => {
    expect(() => new HttpSink({ url: 'file:///tmp/x', hmacSecret: 'x' })).toThrow(TypeError);
    expect(() => new HttpSink({ url: server.origin, hmacSecret: '' })).toThrow(TypeError);
  });
});
