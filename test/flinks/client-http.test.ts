// The client over real HTTP against a tiny programmable server: headers, bodies, typed results and every
// quirk the reference lists (HTML pages, empty and truncated bodies, hangs, aborts, bare strings, 202s).
import { classifyFlinksError } from '../../src/domain/flinks-codes';
import {
  FlinksApiError,
  FlinksClient,
  FlinksResponseError,
  type FlinksClientOptions,
} from '../../src/flinks';
import {
  caught,
  captureLogger,
  startTestServer,
  type RecordedRequest,
  type Reply,
  type TestServer,
} from './test-server';

const SECRET = 'test-secret-key-0f1e2d';
const API_KEY = 'test-api-key-9a8b7c';
const LOGIN_ID = '11111111-2222-4333-8444-555555555555';
const REQUEST_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

const capture = captureLogger();
const issuedTokens: string[] = [];
const errorMessages: string[] = [];
let server: TestServer;
const clients: FlinksClient[] = [];

function newClient(overrides: Partial<FlinksClientOptions> = {}): FlinksClient {
  const client = new FlinksClient({
    baseUrl: server.baseUrl,
    secretKey: SECRET,
    apiKey: API_KEY,
    logger: capture.logger,
    ...overrides,
  });
  clients.push(client);
  return client;
}

/** Answers GenerateAuthorizeToken with a fresh token and delegates every other endpoint. */
function withTokens(rest: (req: RecordedRequest) => Reply | Promise<Reply>) {
  return (req: RecordedRequest): Reply | Promise<Reply> => {
    if (req.endpoint === 'GenerateAuthorizeToken') {
      const token = `tok-${issuedTokens.length}-${Math.random().toString(36).slice(2)}`;
      issuedTokens.push(token);
      return { status: 200, json: { HttpStatusCode: 200, Token: token } };
    }
    return rest(req);
  };
}

/** Rejects, records the error's message for the secret scan, and returns it typed. */
async function failure<E = FlinksApiError>(promise: Promise<unknown>): Promise<E> {
  const error = await caught(promise);
  // The whole cause chain: Temporal serialises causes into failures too.
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    errorMessages.push(`${e.name} ${e.message} ${JSON.stringify(e)}`);
  }
  return error as E;
}

const authorizedBody = {
  HttpStatusCode: 200,
  Links: [{ rel: 'AccountsDetail', href: '/GetAccountsDetail', example: null }],
  InstitutionName: 'FlinksCapital',
  Login: {
    Username: 'Greatday',
    IsScheduledRefresh: true,
    LastRefresh: '2026-01-21T20:47:47.1459990',
    Type: 'Personal',
    Id: LOGIN_ID,
  },
  InstitutionId: 14,
  Institution: 'FlinksCapital',
  RequestId: REQUEST_ID,
};

const detailBody = {
  HttpStatusCode: 200,
  Accounts: [
    {
      Id: 'acc-1',
      AccountNumber: '7641238',
      Transactions: [{ Id: 't1', Date: '2025-01-31', Credit: 1500.25 }],
      Balance: { Available: 5405.5, Current: 5105.5, Limit: null },
    },
  ],
  Login: {
    Username: 'Greatday',
    IsScheduledRefresh: false,
    LastRefresh: '2026-01-21T20:47:47.1459990',
    Type: 'Personal',
    Id: LOGIN_ID,
  },
  Institution: 'FlinksCapital',
  RequestId: REQUEST_ID,
};

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  // Nothing the client logged or threw may contain a credential or an account number.
  const everything = [...capture.lines, ...errorMessages].join('\n');
  expect(capture.lines.length).toBeGreaterThan(10);
  expect(errorMessages.length).toBeGreaterThan(10);
  for (const secret of [SECRET, API_KEY, ...issuedTokens, '7641238']) {
    expect(everything).not.toContain(secret);
  }
});

beforeEach(() => {
  server.requests.length = 0;
});

describe('GenerateAuthorizeToken and Authorize', () => {
  test('a cached Authorize spends a fresh token and returns the login with LastRefresh in UTC', async () => {
    server.setRoute(withTokens(() => ({ status: 200, json: authorizedBody })));
    const result = await newClient().authorize({ loginId: LOGIN_ID, mostRecentCached: true });
    expect(result).toEqual({
      kind: 'authorized',
      requestId: REQUEST_ID,
      institution: 'FlinksCapital',
      login: {
        id: LOGIN_ID,
        lastRefresh: '2026-01-21T20:47:47.145Z',
        isScheduledRefresh: true,
        type: 'Personal',
      },
    });
    const [tokenCall, authorizeCall] = server.requests;
    expect(tokenCall?.method).toBe('POST');
    expect(tokenCall?.endpoint).toBe('GenerateAuthorizeToken');
    expect(tokenCall?.headers['flinks-auth-key']).toBe(SECRET);
    expect(tokenCall?.body).toBe('');
    expect(authorizeCall?.endpoint).toBe('Authorize');
    expect(authorizeCall?.headers['flinks-auth-key']).toBe(issuedTokens.at(-1));
    expect(authorizeCall?.headers['content-type']).toBe('application/json');
    expect(authorizeCall?.headers['x-api-key']).toBeUndefined();
    expect(authorizeCall?.json).toEqual({ LoginId: LOGIN_ID, MostRecentCached: true });
  });

  test('a live Authorize sends Save: true and accepts a login without optional fields', async () => {
    server.setRoute(
      withTokens(() => ({ status: 200, json: { RequestId: REQUEST_ID, Login: { Id: LOGIN_ID } } })),
    );
    const result = await newClient().authorize({ loginId: LOGIN_ID, mostRecentCached: false, save: true });
    expect(server.requests[1]?.json).toEqual({ LoginId: LOGIN_ID, MostRecentCached: false, Save: true });
    expect(result).toEqual({
      kind: 'authorized',
      requestId: REQUEST_ID,
      institution: null,
      login: { id: LOGIN_ID, lastRefresh: null, isScheduledRefresh: null, type: null },
    });
  });

  test('203 is mfa-required; the answer goes with a new token and prompt → [answer]', async () => {
    server.setRoute(
      withTokens((req) => {
        const body = req.json as Record<string, unknown>;
        if (body['SecurityResponses'] === undefined) {
          return {
            status: 203,
            json: {
              HttpStatusCode: 203,
              Links: [{ rel: 'Authorization', href: '/Authorize', example: null }],
              SecurityChallenges: [
                { Type: 'QuestionAndAnswer', Prompt: 'What shape do people like most?' },
                { Type: 'PushNotification' },
              ],
              Institution: 'FlinksCapital',
              RequestId: REQUEST_ID,
            },
          };
        }
        return { status: 200, json: authorizedBody };
      }),
    );
    const client = newClient();
    const first = await client.authorize({ loginId: LOGIN_ID, mostRecentCached: false });
    expect(first).toEqual({
      kind: 'mfa-required',
      requestId: REQUEST_ID,
      institution: 'FlinksCapital',
      challenges: [
        { type: 'QuestionAndAnswer', prompt: 'What shape do people like most?' },
        { type: 'PushNotification', prompt: null },
      ],
    });
    const second = await client.authorize({
      requestId: REQUEST_ID,
      securityResponses: { 'What shape do people like most?': 'Triangle' },
    });
    expect(second.kind).toBe('authorized');
    const authorizeCalls = server.requests.filter((r) => r.endpoint === 'Authorize');
    expect(authorizeCalls[1]?.json).toEqual({
      RequestId: REQUEST_ID,
      SecurityResponses: { 'What shape do people like most?': ['Triangle'] },
    });
    const tokensUsed = authorizeCalls.map((r) => r.headers['flinks-auth-key']);
    expect(new Set(tokensUsed).size).toBe(2);
  });

  test('cached-mode quirk: a 401 QUESTION_NOT_FOUND carries the usable RequestId', async () => {
    server.setRoute(
      withTokens(() => ({
        status: 401,
        json: {
          HttpStatusCode: 401,
          FlinksCode: 'QUESTION_NOT_FOUND',
          Message: 'A security question was asked and no answer was found.',
          RequestId: REQUEST_ID,
          Institution: 'FlinksCapital',
        },
      })),
    );
    const error = await failure(newClient().authorize({ loginId: LOGIN_ID, mostRecentCached: true }));
    expect(error).toBeInstanceOf(FlinksApiError);
    expect(error.name).toBe('FlinksApiError');
    expect(error.httpStatus).toBe(401);
    expect(error.flinksCode).toBe('QUESTION_NOT_FOUND');
    expect(error.requestId).toBe(REQUEST_ID);
    expect(error.endpoint).toBe('Authorize');
    expect(error.message).toContain('Authorize');
    expect(error.message).toContain('401');
    expect(error.message).toContain('QUESTION_NOT_FOUND');
    expect(classifyFlinksError(error)).toEqual({
      transient: false,
      userFixable: true,
      keepsEligibility: false,
    });
  });

  test('a rejected secret fails at GenerateAuthorizeToken, before any Authorize', async () => {
    server.setRoute(() => ({
      status: 401,
      json: {
        HttpStatusCode: 401,
        FlinksCode: 'ACCESS_DENIED',
        Message: 'You must provide a valid auth key',
      },
    }));
    const error = await failure(newClient().authorize({ loginId: LOGIN_ID, mostRecentCached: true }));
    expect(error.endpoint).toBe('GenerateAuthorizeToken');
    expect(error.flinksCode).toBe('ACCESS_DENIED');
    expect(server.requests.map((r) => r.endpoint)).toEqual(['GenerateAuthorizeToken']);
  });

  test('an error body without FlinksCode gets HTTP_<status>; a bare JSON string is its message', async () => {
    server.setRoute(withTokens(() => ({ status: 401, json: 'You must provide a valid authorize token' })));
    const error = await failure(newClient().authorize({ loginId: LOGIN_ID, mostRecentCached: true }));
    expect(error.flinksCode).toBe('HTTP_401');
    expect(error.message).toContain('You must provide a valid authorize token');
    expect(classifyFlinksError(error).transient).toBe(false);
  });

  test('Flinks messages are redacted: secrets and account numbers never reach the error', async () => {
    server.setRoute(
      withTokens(() => ({
        status: 400,
        json: { FlinksCode: 'INVALID_REQUEST', Message: `bad key ${SECRET} for account 7641238` },
      })),
    );
    const error = await failure(newClient().authorize({ loginId: LOGIN_ID, mostRecentCached: true }));
    expect(error.message).toContain('INVALID_REQUEST');
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('7641238');
  });

  test('a shape violation names the endpoint and the field, never the value', async () => {
    server.setRoute(
      withTokens(() => ({
        status: 200,
        json: { ...authorizedBody, Login: { ...authorizedBody.Login, Id: 42 } },
      })),
    );
    const error = await failure<FlinksResponseError>(
      newClient().authorize({ loginId: LOGIN_ID, mostRecentCached: true }),
    );
    expect(error).toBeInstanceOf(FlinksResponseError);
    expect(error).toBeInstanceOf(FlinksApiError);
    expect(error.name).toBe('FlinksResponseError');
    expect(error.flinksCode).toBe('MALFORMED_RESPONSE');
    expect(error.reason).toBe('shape');
    expect(error.field).toBe('Login.Id');
    expect(error.requestId).toBe(REQUEST_ID);
    expect(error.message).toContain('Authorize');
    expect(error.message).toContain('Login.Id');
    expect(error.message).not.toContain('42');
  });

  test('a bad LastRefresh is a shape violation on Login.LastRefresh', async () => {
    server.setRoute(
      withTokens(() => ({
        status: 200,
        json: { ...authorizedBody, Login: { ...authorizedBody.Login, LastRefresh: 'soon' } },
      })),
    );
    const error = await failure<FlinksResponseError>(
      newClient().authorize({ loginId: LOGIN_ID, mostRecentCached: true }),
    );
    expect(error.field).toBe('Login.LastRefresh');
  });

  test('Authorize answering 202 OPERATION_PENDING is an error with that code (transient)', async () => {
    server.setRoute(
      withTokens(() => ({ status: 202, json: { FlinksCode: 'OPERATION_PENDING', RequestId: REQUEST_ID } })),
    );
    const error = await failure(newClient().authorize({ loginId: LOGIN_ID, mostRecentCached: false }));
    expect(error.flinksCode).toBe('OPERATION_PENDING');
    expect(error.requestId).toBe(REQUEST_ID);
    expect(classifyFlinksError(error).transient).toBe(true);
  });

  test('invalid input is a TypeError before any request', async () => {
    const client = newClient();
    await expect(client.authorize({ loginId: '', mostRecentCached: true })).rejects.toThrow(TypeError);
    await expect(client.getAccountsDetail(' ')).rejects.toThrow(TypeError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('unusable bodies become FlinksResponseError, never a crash', () => {
  const cases: [string, Extract<Reply, { status: number }>, string, boolean][] = [
    [
      'an HTML 502 page',
      {
        status: 502,
        text: '<html><body><h1>502 Bad Gateway</h1></body></html>',
        headers: { 'content-type': 'text/html' },
      },
      'not-json',
      true,
    ],
    [
      'an HTML 404 page',
      { status: 404, text: '<!DOCTYPE html><p>Not found</p>', headers: { 'content-type': 'text/html' } },
      'not-json',
      false,
    ],
    ['an empty 200', { status: 200, text: '' }, 'empty', true],
    ['an empty 500', { status: 500, text: '' }, 'empty', true],
    ['truncated JSON', { status: 200, text: '{"HttpStatusCode":200,"Accounts":[{"Id":"a' }, 'not-json', true],
    ['plain text', { status: 200, text: 'OK' }, 'not-json', true],
    ['a JSON array', { status: 200, json: [1, 2] }, 'shape', true],
    ['a 204 without a code', { status: 204, text: '' }, 'empty', true],
    ['a 201 JSON without a code', { status: 201, json: { Hello: 'there' } }, 'unexpected-status', true],
  ];

  test.each(cases)('%s', async (_name, reply, reason, transient) => {
    server.setRoute(() => reply);
    const error = await failure<FlinksResponseError>(newClient().getAccountsDetail(REQUEST_ID));
    expect(error).toBeInstanceOf(FlinksResponseError);
    expect(error.reason).toBe(reason);
    expect(error.flinksCode).toBe('MALFORMED_RESPONSE');
    expect(error.endpoint).toBe('GetAccountsDetail');
    expect(error.requestId).toBe(REQUEST_ID);
    expect(error.httpStatus).toBe(reply.status);
    expect(error.message).toContain(`HTTP ${reply.status}`);
    expect(error.message).not.toContain('Bad Gateway');
    expect(error.message).not.toContain('"Id":"a');
    expect(classifyFlinksError(error).transient).toBe(transient);
  });

  test('nothing of a truncated body leaks through the error or its cause chain', async () => {
    server.setRoute(() => ({
      status: 200,
      text: '{"Accounts":[{"AccountNumber":"7641238","Holder":{"Name":"Jane',
    }));
    const error = await failure<FlinksResponseError>(newClient().getAccountsDetail(REQUEST_ID));
    expect(error.reason).toBe('not-json');
    expect(error.cause).toBeUndefined();
    expect(errorMessages.at(-1)).not.toContain('Jane');
  });

  test('a body larger than maxResponseBytes is refused', async () => {
    server.setRoute(() => ({ status: 200, json: { ...detailBody, Padding: 'x'.repeat(10_000) } }));
    const error = await failure<FlinksResponseError>(
      newClient({ maxResponseBytes: 1_000 }).getAccountsDetail(REQUEST_ID),
    );
    expect(error).toBeInstanceOf(FlinksResponseError);
    expect(error.reason).toBe('too-large');
  });
});

describe('data endpoints and polling', () => {
  test('GetAccountsDetail sends x-api-key and the options in PascalCase; unknown fields pass', async () => {
    server.setRoute(() => ({ status: 200, json: { ...detailBody, Brand: { New: 'field' } } }));
    const result = await newClient().getAccountsDetail(REQUEST_ID, {
      withTransactions: true,
      withBalance: true,
      daysOfTransactions: 'Days90',
      accountsFilter: ['acc-1'],
      refreshDelta: [{ accountId: 'acc-1', transactionId: 't0' }],
    });
    expect(result.kind).toBe('data');
    if (result.kind !== 'data') return;
    expect(result.data.RequestId).toBe(REQUEST_ID);
    expect((result.data as Record<string, unknown>)['Brand']).toEqual({ New: 'field' });
    const call = server.requests[0];
    expect(call?.method).toBe('POST');
    expect(call?.headers['x-api-key']).toBe(API_KEY);
    expect(call?.headers['flinks-auth-key']).toBeUndefined();
    expect(call?.json).toEqual({
      RequestId: REQUEST_ID,
      WithTransactions: true,
      WithBalance: true,
      DaysOfTransactions: 'Days90',
      AccountsFilter: ['acc-1'],
      RefreshDelta: [{ AccountId: 'acc-1', TransactionId: 't0' }],
    });
  });

  test('no apiKey configured: no x-api-key header', async () => {
    server.setRoute(() => ({ status: 200, json: detailBody }));
    await newClient({ apiKey: undefined }).getAccountsDetail(REQUEST_ID);
    expect(server.requests[0]?.headers['x-api-key']).toBeUndefined();
  });

  test('202 is a pending result carrying the FlinksCode', async () => {
    server.setRoute(() => ({
      status: 202,
      json: {
        HttpStatusCode: 202,
        FlinksCode: 'OPERATION_DISPATCHED',
        Message: 'Your operation is still processing',
        RequestId: REQUEST_ID,
      },
    }));
    await expect(newClient().getAccountsSummary(REQUEST_ID)).resolves.toEqual({
      kind: 'pending',
      requestId: REQUEST_ID,
      flinksCode: 'OPERATION_DISPATCHED',
    });
  });

  test('202 → GET Async → 202 → 200, waiting the configured interval each time', async () => {
    let polls = 0;
    server.setRoute((req) => {
      if (req.endpoint === 'GetAccountsDetail')
        return { status: 202, json: { FlinksCode: 'OPERATION_PENDING', RequestId: REQUEST_ID } };
      polls += 1;
      return polls < 2
        ? { status: 202, json: { FlinksCode: 'OPERATION_PENDING', RequestId: REQUEST_ID } }
        : { status: 200, json: detailBody };
    });
    const pending: number[] = [];
    const started = Date.now();
    const data = await newClient({ pollIntervalMs: 150 }).fetchAccountsDetail(
      REQUEST_ID,
      { withTransactions: true },
      { onPending: (info) => pending.push(info.attempt) },
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(data.Accounts).toHaveLength(1);
    expect(pending).toEqual([1, 2]);
    expect(server.requests.map((r) => `${r.method} ${r.endpoint}`)).toEqual([
      'POST GetAccountsDetail',
      `GET GetAccountsDetailAsync/${REQUEST_ID}`,
      `GET GetAccountsDetailAsync/${REQUEST_ID}`,
    ]);
    for (const req of server.requests) expect(req.headers['x-api-key']).toBe(API_KEY);
    expect(server.requests[1]?.body).toBe('');
    expect(server.requests[1]!.receivedAt - server.requests[0]!.receivedAt).toBeGreaterThanOrEqual(140);
  });

  test('summary polling uses GetAccountsSummaryAsync', async () => {
    server.setRoute((req) =>
      req.endpoint === 'GetAccountsSummary'
        ? { status: 202, json: { FlinksCode: 'OPERATION_PENDING' } }
        : {
            status: 200,
            json: {
              RequestId: REQUEST_ID,
              Login: { Id: LOGIN_ID },
              Accounts: [{ Id: 'a', EftEligibleRatio: 1 }],
            },
          },
    );
    const summary = await newClient({ pollIntervalMs: 10 }).fetchAccountsSummary(REQUEST_ID, {
      withBalance: true,
    });
    expect(summary.Accounts).toHaveLength(1);
    expect(server.requests.map((r) => r.endpoint)).toEqual([
      'GetAccountsSummary',
      `GetAccountsSummaryAsync/${REQUEST_ID}`,
    ]);
    expect(server.requests[0]?.json).toEqual({ RequestId: REQUEST_ID, WithBalance: true });
  });

  test('the poll cap ends in OPERATION_TIMEOUT', async () => {
    server.setRoute(() => ({
      status: 202,
      json: { FlinksCode: 'OPERATION_PENDING', RequestId: REQUEST_ID },
    }));
    const error = await failure(
      newClient({ pollIntervalMs: 40, pollTimeoutMs: 200 }).fetchAccountsDetail(REQUEST_ID),
    );
    expect(error).toBeInstanceOf(FlinksApiError);
    expect(error.flinksCode).toBe('OPERATION_TIMEOUT');
    expect(error.httpStatus).toBeNull();
    expect(error.endpoint).toBe('GetAccountsDetailAsync');
    expect(error.requestId).toBe(REQUEST_ID);
    expect(server.requests.length).toBeGreaterThanOrEqual(5);
    expect(classifyFlinksError(error).transient).toBe(true);
  });

  test('an error mid-poll (SESSION_NONEXISTENT) stops polling with that error', async () => {
    server.setRoute((req) =>
      req.endpoint === 'GetAccountsDetail'
        ? { status: 202, json: { FlinksCode: 'OPERATION_PENDING' } }
        : {
            status: 400,
            json: {
              HttpStatusCode: 400,
              FlinksCode: 'SESSION_NONEXISTENT',
              Message: 'The session does not exist',
            },
          },
    );
    const error = await failure(newClient({ pollIntervalMs: 10 }).fetchAccountsDetail(REQUEST_ID));
    expect(error.flinksCode).toBe('SESSION_NONEXISTENT');
    expect(error.endpoint).toBe('GetAccountsDetailAsync');
    expect(error.requestId).toBe(REQUEST_ID);
  });

  test('aborting during the poll sleep rejects at once with the signal reason', async () => {
    server.setRoute(() => ({ status: 202, json: { FlinksCode: 'OPERATION_PENDING' } }));
    const controller = new AbortController();
    const reason = new Error('activity cancelled');
    const started = Date.now();
    const run = newClient({ pollIntervalMs: 60_000 }).fetchAccountsDetail(
      REQUEST_ID,
      {},
      {
        signal: controller.signal,
        onPending: () => setTimeout(() => controller.abort(reason), 30),
      },
    );
    expect(await caught(run)).toBe(reason);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
  });
});

describe('transport failures', () => {
  test('a hang past headersTimeoutMs is TIMEOUT with no HTTP status', async () => {
    server.setRoute(() => ({ hang: true }));
    const started = Date.now();
    const error = await failure(newClient({ headersTimeoutMs: 200 }).getAccountsDetail(REQUEST_ID));
    expect(error).toBeInstanceOf(FlinksApiError);
    expect(error.flinksCode).toBe('TIMEOUT');
    expect(error.httpStatus).toBeNull();
    expect(error.requestId).toBe(REQUEST_ID);
    expect(error.message).toContain('GetAccountsDetail');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(classifyFlinksError(error).transient).toBe(true);
  });

  test('aborting an in-flight request closes it and rejects with the signal reason', async () => {
    server.setRoute(() => ({ hang: true }));
    const closedBefore = server.clientClosed;
    const controller = new AbortController();
    const reason = new Error('cancelled');
    setTimeout(() => controller.abort(reason), 100);
    const started = Date.now();
    expect(await caught(newClient().getNightlyRefreshStatus({ signal: controller.signal }))).toBe(reason);
    expect(Date.now() - started).toBeLessThan(2_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.clientClosed).toBe(closedBefore + 1);
  });

  test('an already-aborted signal sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await caught(newClient().deleteCard(LOGIN_ID, { signal: controller.signal }));
    expect((error as Error).name).toBe('AbortError');
    expect(server.requests).toHaveLength(0);
  });

  test('a socket destroyed mid-request is NETWORK_ERROR', async () => {
    server.setRoute(() => ({ destroy: true }));
    const error = await failure(newClient().getAccountsDetailAsync(REQUEST_ID));
    expect(error.flinksCode).toBe('NETWORK_ERROR');
    expect(error.httpStatus).toBeNull();
    expect(classifyFlinksError(error).transient).toBe(true);
  });

  test('a refused connection is NETWORK_ERROR', async () => {
    const gone = await startTestServer();
    const baseUrl = gone.baseUrl;
    await gone.close();
    const error = await failure(newClient({ baseUrl }).getNightlyRefreshStatus());
    expect(error.flinksCode).toBe('NETWORK_ERROR');
    expect(error.message).toContain('GetNightlyRefreshStatus');
  });

  test('a closed client refuses new calls', async () => {
    const client = newClient();
    await client.close();
    await expect(client.getNightlyRefreshStatus()).rejects.toThrow('closed');
  });

  test('maxConcurrency caps requests in flight at the server', async () => {
    server.setRoute(() => ({ status: 200, json: detailBody, delayMs: 80 }));
    const before = server.maxInFlight;
    expect(before).toBeLessThanOrEqual(1);
    const client = newClient({ maxConcurrency: 2 });
    await Promise.all(Array.from({ length: 6 }, () => client.getAccountsDetail(REQUEST_ID)));
    expect(server.maxInFlight).toBe(2);
  });

  test('maxRps caps request starts per second', async () => {
    server.setRoute(() => ({ status: 200, json: detailBody }));
    const client = newClient({ maxRps: 3 });
    await Promise.all(Array.from({ length: 7 }, () => client.getAccountsDetailAsync(REQUEST_ID)));
    const times = server.requests.map((r) => r.receivedAt);
    for (const t of times) {
      // 50 ms of slack for the trip from limiter to server.
      expect(times.filter((u) => u >= t + 50 && u < t + 950).length).toBeLessThanOrEqual(2);
    }
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(1_900);
  });
});

describe('management endpoints', () => {
  test('GetNightlyRefreshStatus: Bearer secret, entries normalised, Message/FlinksCode on success tolerated', async () => {
    server.setRoute(() => ({
      status: 200,
      json: {
        HttpStatusCode: 200,
        IneligibleCards: [
          {
            LoginId: LOGIN_ID,
            LastRefreshDate: '2020-06-18T03:26:34.6854364',
            LastRefreshState: 'AnsweringSecurityChallenge',
            LastRefreshErrorCode: null,
          },
          { LoginId: 'other', LastRefreshErrorCode: 'INVALID_PASSWORD' },
        ],
        Message: `The login '${LOGIN_ID}' is invalid.`,
        FlinksCode: 'INVALID_REQUEST',
      },
    }));
    const entries = await newClient().getNightlyRefreshStatus();
    expect(entries).toEqual([
      {
        loginId: LOGIN_ID,
        lastRefreshDate: '2020-06-18T03:26:34.685Z',
        lastRefreshState: 'AnsweringSecurityChallenge',
        lastRefreshErrorCode: null,
      },
      {
        loginId: 'other',
        lastRefreshDate: null,
        lastRefreshState: null,
        lastRefreshErrorCode: 'INVALID_PASSWORD',
      },
    ]);
    const call = server.requests[0];
    expect(call?.method).toBe('GET');
    expect(call?.headers['authorization']).toBe(`Bearer ${SECRET}`);
    expect(call?.headers['flinks-auth-key']).toBeUndefined();
  });

  test.each([
    ['missing', { HttpStatusCode: 200 }],
    ['null', { HttpStatusCode: 200, IneligibleCards: null }],
    ['empty', { HttpStatusCode: 200, IneligibleCards: [] }],
  ])('GetNightlyRefreshStatus with IneligibleCards %s is []', async (_name, json) => {
    server.setRoute(() => ({ status: 200, json }));
    await expect(newClient().getNightlyRefreshStatus()).resolves.toEqual([]);
  });

  test('GetNightlyRefreshStatus entry without LoginId is a shape error naming it', async () => {
    server.setRoute(() => ({ status: 200, json: { IneligibleCards: [{ LastRefreshState: 'x' }] } }));
    const error = await failure<FlinksResponseError>(newClient().getNightlyRefreshStatus());
    expect(error.field).toBe('IneligibleCards.0.LoginId');
  });

  test('SetScheduledRefresh: PATCH with both casings; a bare JSON string is the result', async () => {
    const text = `LoginId ${LOGIN_ID} has now been activated for automatic refresh`;
    server.setRoute(() => ({ status: 200, json: text }));
    await expect(newClient().setScheduledRefresh(LOGIN_ID, true)).resolves.toBe(text);
    const call = server.requests[0];
    expect(call?.method).toBe('PATCH');
    expect(call?.endpoint).toBe('SetScheduledRefresh');
    expect(call?.json).toEqual({
      loginId: LOGIN_ID,
      isActivated: true,
      LoginId: LOGIN_ID,
      IsActivated: true,
    });
    expect(call?.headers['authorization']).toBe(`Bearer ${SECRET}`);
    expect(call?.headers['x-api-key']).toBe(API_KEY);
  });

  test('SetScheduledRefresh: an object with Message is accepted too', async () => {
    server.setRoute(() => ({ status: 200, json: { HttpStatusCode: 200, Message: 'deactivated' } }));
    await expect(newClient().setScheduledRefresh(LOGIN_ID, false)).resolves.toBe('deactivated');
    expect(server.requests[0]?.json).toMatchObject({ isActivated: false, IsActivated: false });
  });

  test('SetScheduledRefresh: an object without any message is a shape error; an error code is an API error', async () => {
    server.setRoute(() => ({ status: 200, json: { HttpStatusCode: 200 } }));
    const shape = await failure<FlinksResponseError>(newClient().setScheduledRefresh(LOGIN_ID, true));
    expect(shape.field).toBe('Message');
    server.setRoute(() => ({
      status: 401,
      json: { FlinksCode: 'INVALID_LOGIN', Message: 'The login is invalid.' },
    }));
    const api = await failure(newClient().setScheduledRefresh(LOGIN_ID, true));
    expect(api.flinksCode).toBe('INVALID_LOGIN');
    expect(api.endpoint).toBe('SetScheduledRefresh');
  });

  test.each([
    [
      'an object',
      { status: 200, json: { HttpStatusCode: 200, Message: 'All of the information has been removed' } },
    ],
    ['a bare string', { status: 200, json: 'Deleted' }],
    ['an empty 200', { status: 200, text: '' }],
    ['a 204', { status: 204, text: '' }],
    ['plain text', { status: 200, text: 'Invalid LoginId' }],
  ] as [string, Reply][])('DeleteCard accepts %s', async (_name, reply) => {
    server.setRoute(() => reply);
    await expect(newClient().deleteCard(LOGIN_ID)).resolves.toBeUndefined();
    expect(server.requests[0]?.method).toBe('DELETE');
    expect(server.requests[0]?.endpoint).toBe(`DeleteCard/${LOGIN_ID}`);
  });

  test('DeleteCard: CARD_IN_USE is a transient API error; ids are path-encoded', async () => {
    server.setRoute(() => ({
      status: 400,
      json: { HttpStatusCode: 400, FlinksCode: 'CARD_IN_USE', Message: 'busy' },
    }));
    const error = await failure(newClient().deleteCard('a/b c'));
    expect(error.flinksCode).toBe('CARD_IN_USE');
    expect(classifyFlinksError(error).transient).toBe(true);
    expect(server.requests[0]?.endpoint).toBe('DeleteCard/a%2Fb%20c');
  });

  test('DeleteCard: a 200 carrying an error FlinksCode is an error', async () => {
    server.setRoute(() => ({
      status: 200,
      json: { HttpStatusCode: 400, FlinksCode: 'INVALID_LOGIN', Message: 'Invalid LoginId' },
    }));
    const error = await failure(newClient().deleteCard(LOGIN_ID));
    expect(error.flinksCode).toBe('INVALID_LOGIN');
  });
});

describe('client options', () => {
  test('rejects a missing secret, a bad URL and nonsensical numbers', () => {
    expect(() => new FlinksClient({ baseUrl: server.baseUrl, secretKey: '' })).toThrow(TypeError);
    expect(() => new FlinksClient({ baseUrl: 'ftp://x/y', secretKey: SECRET })).toThrow(TypeError);
    expect(() => new FlinksClient({ baseUrl: 'not a url', secretKey: SECRET })).toThrow();
    expect(() => new FlinksClient({ baseUrl: server.baseUrl, secretKey: SECRET, pollIntervalMs: 0 })).toThrow(
      RangeError,
    );
  });
});
