// The client against the Flinks simulator over real HTTP: every endpoint, every scenario, every injected
// fault. Each outcome is a typed result or a FlinksApiError; nothing rejects unhandled; no secret leaks.
import { classifyFlinksError } from '../../src/domain/flinks-codes';
import {
  FlinksApiError,
  FlinksClient,
  FlinksResponseError,
  summarizeAccountsDetail,
  type AuthorizeResult,
  type FlinksClientOptions,
} from '../../src/flinks';
import { sandboxQuestions, startSimulator, type Scenario, type Simulator } from '../../src/simulator';
import { caught, captureLogger } from './test-server';

const SECRET = 'sim-secret-key-7f3a9c21';
const API_KEY = 'sim-api-key-5d8e2b64';
const MINUTE = 60_000;

let sim: Simulator;
const clients: FlinksClient[] = [];
const capture = captureLogger();
const issuedTokens: string[] = [];
const errorTexts: string[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

function newClient(overrides: Partial<FlinksClientOptions> = {}): FlinksClient {
  const client = new FlinksClient({
    baseUrl: sim.baseUrl,
    secretKey: SECRET,
    apiKey: API_KEY,
    pollIntervalMs: 20,
    logger: capture.logger,
    ...overrides,
  });
  clients.push(client);
  return client;
}

/** Awaits a rejection and keeps the whole cause chain's text for the secret scan. */
async function failure<E = FlinksApiError>(promise: Promise<unknown>): Promise<E> {
  const error = await caught(promise);
  for (let e: unknown = error; e instanceof Error; e = e.cause)
    errorTexts.push(`${e.name} ${e.message} ${JSON.stringify(e)}`);
  return error as E;
}

async function card(scenario: Scenario, extra: Record<string, unknown> = {}): Promise<string> {
  const created = await sim.admin.createCard({ scenario, ...extra });
  return created.loginId;
}

function answerTo(prompt: string | null): string {
  const question = sandboxQuestions.find((q) => q.prompt === prompt);
  if (question === undefined) throw new Error(`unexpected prompt ${String(prompt)}`);
  return question.answer;
}

function expectAuthorized(result: AuthorizeResult): Extract<AuthorizeResult, { kind: 'authorized' }> {
  expect(result.kind).toBe('authorized');
  if (result.kind !== 'authorized') throw new Error('not authorized');
  return result;
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  // Spy on token generation to learn every token the client spends, for the secret scan.
  const original = FlinksClient.prototype.generateAuthorizeToken;
  jest.spyOn(FlinksClient.prototype, 'generateAuthorizeToken').mockImplementation(async function (
    this: FlinksClient,
    options,
  ) {
    const token = await original.call(this, options);
    issuedTokens.push(token);
    return token;
  });
  sim = await startSimulator({ port: 0, secretKey: SECRET, apiKey: API_KEY, pollsBeforeReady: 1, seed: 11 });
  // Midday UTC: advancing the clock by minutes never crosses the 04:00-08:00 nightly window.
  await sim.admin.setClock('2026-03-10T12:00:00.000Z');
});

afterEach(async () => {
  await sim.admin.clearFaults();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await sim.close();
  process.off('unhandledRejection', onUnhandled);
  jest.restoreAllMocks();
  expect(unhandled).toEqual([]);
  expect(issuedTokens.length).toBeGreaterThan(10);
  expect(capture.lines.length).toBeGreaterThan(50);
  expect(errorTexts.length).toBeGreaterThan(20);
  const everything = [...capture.lines, ...errorTexts].join('\n');
  for (const secret of [SECRET, API_KEY, ...issuedTokens]) expect(everything).not.toContain(secret);
});

describe('every endpoint on a healthy card', () => {
  test('cached Authorize → data, with the login as Flinks recorded it', async () => {
    const loginId = await card('healthy');
    const client = newClient();
    const auth = expectAuthorized(await client.authorize({ loginId, mostRecentCached: true }));
    expect(auth.login.id).toBe(loginId);
    expect(auth.institution).toBe('FlinksCapital');
    expect(auth.login.isScheduledRefresh).toBe(true);
    expect(auth.login.type).toBe('Personal');
    expect(auth.login.lastRefresh).toMatch(/^2026-03-10T12:00:\d\d\.\d{3}Z$/);
    const data = await client.fetchAccountsDetail(auth.requestId, {
      withTransactions: true,
      daysOfTransactions: 'Days90',
    });
    const summary = summarizeAccountsDetail(data);
    expect(summary.loginId).toBe(loginId);
    expect(summary.requestId).toBe(auth.requestId);
    expect(summary.accounts).toBeGreaterThan(0);
    expect(summary.transactions).toBeGreaterThan(0);
    const counters = (await sim.admin.counters()).byCard[loginId];
    expect(counters).toMatchObject({
      'authorize-cached': 1,
      'accounts-detail': 1,
      'accounts-detail-async': 1,
    });
  });

  test('202 → Async → 200 with a real wait shortened by configuration', async () => {
    const loginId = await card('healthy');
    const client = newClient({ pollIntervalMs: 300 });
    const auth = expectAuthorized(await client.authorize({ loginId, mostRecentCached: false, save: true }));
    const pending: string[] = [];
    const started = Date.now();
    const data = await client.fetchAccountsDetail(
      auth.requestId,
      {},
      { onPending: (p) => pending.push(p.flinksCode) },
    );
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(5_000);
    expect(pending).toEqual(['OPERATION_PENDING']);
    expect(data.Login.Id).toBe(loginId);
    // A live refresh whose data came back is a successful refresh at Flinks.
    const view = await sim.admin.getCard(loginId);
    expect(view.eligible).toBe(true);
  });

  test('getAccountsDetail / getAccountsDetailAsync one call at a time', async () => {
    const loginId = await card('healthy');
    const client = newClient();
    const auth = expectAuthorized(await client.authorize({ loginId, mostRecentCached: true }));
    const first = await client.getAccountsDetail(auth.requestId);
    expect(first).toEqual({ kind: 'pending', requestId: auth.requestId, flinksCode: 'OPERATION_PENDING' });
    const second = await client.getAccountsDetailAsync(auth.requestId);
    expect(second.kind).toBe('data');
  });

  test('summary: getAccountsSummary, getAccountsSummaryAsync and fetchAccountsSummary', async () => {
    const loginId = await card('healthy');
    const client = newClient();
    const auth = expectAuthorized(await client.authorize({ loginId, mostRecentCached: true }));
    expect((await client.getAccountsSummary(auth.requestId, { withBalance: true })).kind).toBe('pending');
    const polled = await client.getAccountsSummaryAsync(auth.requestId);
    expect(polled.kind).toBe('data');
    const auth2 = expectAuthorized(await client.authorize({ loginId, mostRecentCached: true }));
    const summary = await client.fetchAccountsSummary(auth2.requestId);
    expect(summary.Login.Id).toBe(loginId);
    expect(summary.Accounts.length).toBeGreaterThan(0);
  });

  test('SetScheduledRefresh off and on: the bare-string answer comes back, the card follows', async () => {
    const loginId = await card('healthy');
    const client = newClient();
    expect(await client.setScheduledRefresh(loginId, false)).toContain('deactivated');
    expect((await sim.admin.getCard(loginId)).scheduledRefresh).toBe(false);
    expect(await client.setScheduledRefresh(loginId, true)).toContain('activated');
    expect((await sim.admin.getCard(loginId)).scheduledRefresh).toBe(true);
    const error = await failure(client.setScheduledRefresh('00000000-0000-4000-8000-000000000000', true));
    expect(error.flinksCode).toBe('INVALID_LOGIN');
  });

  test('GetNightlyRefreshStatus lists exactly the ineligible cards, with UTC dates', async () => {
    const stale = await card('healthy', { lastSuccessfulRefreshAt: '2026-03-01T12:00:00.000Z' });
    const fresh = await card('healthy');
    const entries = await newClient().getNightlyRefreshStatus();
    const mine = entries.find((e) => e.loginId === stale);
    expect(mine).toBeDefined();
    expect(mine?.lastRefreshDate).toBe('2026-03-01T12:00:00.000Z');
    expect(entries.find((e) => e.loginId === fresh)).toBeUndefined();
    for (const entry of entries)
      expect(entry.lastRefreshDate === null || entry.lastRefreshDate.endsWith('Z')).toBe(true);
  });

  test('DeleteCard removes the card; a second delete is INVALID_LOGIN', async () => {
    const loginId = await card('healthy');
    const client = newClient();
    await expect(client.deleteCard(loginId)).resolves.toBeUndefined();
    await expect(sim.admin.getCard(loginId)).rejects.toThrow();
    const error = await failure(client.deleteCard(loginId));
    expect(error.flinksCode).toBe('INVALID_LOGIN');
    expect(error.endpoint).toBe('DeleteCard');
  });

  test('a wrong secret is ACCESS_DENIED at GenerateAuthorizeToken and GetNightlyRefreshStatus', async () => {
    const client = newClient({ secretKey: 'definitely-wrong-secret' });
    const token = await failure(client.generateAuthorizeToken());
    expect(token.flinksCode).toBe('ACCESS_DENIED');
    const status = await failure(client.getNightlyRefreshStatus());
    expect(status.flinksCode).toBe('ACCESS_DENIED');
    expect(classifyFlinksError(status)).toEqual({
      transient: false,
      userFixable: false,
      keepsEligibility: false,
    });
    expect(status.message).not.toContain('definitely-wrong-secret');
  });

  test('a missing x-api-key is refused on data endpoints', async () => {
    const loginId = await card('healthy');
    const client = newClient({ apiKey: undefined });
    const auth = expectAuthorized(await client.authorize({ loginId, mostRecentCached: true }));
    const error = await failure(client.getAccountsDetail(auth.requestId));
    expect(error.flinksCode).toBe('ACCESS_DENIED');
  });
});

describe('scenarios', () => {
  test('mfa-on-live: 203 with a sandbox question; the right answer authorizes and data follows', async () => {
    const loginId = await card('mfa-on-live');
    const client = newClient();
    const live = await client.authorize({ loginId, mostRecentCached: false, save: true });
    expect(live.kind).toBe('mfa-required');
    if (live.kind !== 'mfa-required') return;
    expect(live.challenges).toHaveLength(1);
    expect(live.challenges[0]?.type).toBe('QuestionAndAnswer');
    const prompt = live.challenges[0]?.prompt ?? null;
    const answered = expectAuthorized(
      await client.authorize({
        requestId: live.requestId,
        securityResponses: { [prompt ?? '']: [answerTo(prompt)] },
      }),
    );
    expect(answered.requestId).toBe(live.requestId);
    const data = await client.fetchAccountsDetail(answered.requestId);
    expect(data.Login.Id).toBe(loginId);
    expect((await sim.admin.counters()).byCard[loginId]).toMatchObject({
      'authorize-live': 1,
      'authorize-mfa-answer': 1,
    });
  });

  test('mfa-on-live: a wrong answer is INVALID_SECURITY_RESPONSE, a wrong prompt UNKNOWN_CHALLENGE_KEY (user-fixable)', async () => {
    const client = newClient();
    const first = await card('mfa-on-live');
    const live = await client.authorize({ loginId: first, mostRecentCached: false });
    if (live.kind !== 'mfa-required') throw new Error('expected MFA');
    const wrongKey = await failure(
      client.authorize({ requestId: live.requestId, securityResponses: { 'Favourite colour?': 'Blue' } }),
    );
    expect(wrongKey.flinksCode).toBe('UNKNOWN_CHALLENGE_KEY');
    expect(wrongKey.requestId).toBe(live.requestId);
    expect(classifyFlinksError(wrongKey).userFixable).toBe(true);
    const prompt = live.challenges[0]?.prompt ?? '';
    const wrong = await failure(
      client.authorize({ requestId: live.requestId, securityResponses: { [prompt]: 'Atlantis' } }),
    );
    expect(wrong.flinksCode).toBe('INVALID_SECURITY_RESPONSE');
    expect(classifyFlinksError(wrong)).toEqual({
      transient: false,
      userFixable: true,
      keepsEligibility: false,
    });
  });

  test('mfa-on-live: CONCURRENT_SESSION while the 203 is open, then the cached quirk: QUESTION_NOT_FOUND with a usable RequestId', async () => {
    const loginId = await card('mfa-on-live');
    const client = newClient();
    const live = await client.authorize({ loginId, mostRecentCached: false });
    expect(live.kind).toBe('mfa-required');
    const busy = await failure(client.authorize({ loginId, mostRecentCached: true }));
    expect(busy.flinksCode).toBe('CONCURRENT_SESSION');
    expect(classifyFlinksError(busy).transient).toBe(true);
    const inUse = await failure(client.deleteCard(loginId));
    expect(inUse.flinksCode).toBe('CARD_IN_USE');
    expect(classifyFlinksError(inUse).transient).toBe(true);

    await sim.admin.advanceClock(9 * MINUTE);
    const cached = await failure(client.authorize({ loginId, mostRecentCached: true }));
    expect(cached.flinksCode).toBe('QUESTION_NOT_FOUND');
    expect(cached.httpStatus).toBe(401);
    expect(cached.requestId).toEqual(expect.any(String));
    expect(classifyFlinksError(cached).userFixable).toBe(true);
    // The quirk: the error's RequestId still reads the cached data.
    const data = await client.fetchAccountsDetail(cached.requestId as string);
    expect(data.Login.Id).toBe(loginId);
  });

  test('mfa-on-live: after the user reconnects in Connect, data calls with the 203 requestId succeed', async () => {
    const loginId = await card('mfa-on-live');
    const client = newClient();
    const live = await client.authorize({ loginId, mostRecentCached: false });
    if (live.kind !== 'mfa-required') throw new Error('expected MFA');
    const unauthorized = await failure(client.getAccountsDetail(live.requestId));
    expect(unauthorized.flinksCode).toBe('UNAUTHORIZED');
    expect(classifyFlinksError(unauthorized).keepsEligibility).toBe(true);
    await sim.admin.completeUserReconnect(loginId, live.requestId);
    const data = await client.fetchAccountsDetail(live.requestId);
    expect(data.RequestId).toBe(live.requestId);
  });

  test.each([
    ['retry-later', 'RETRY_LATER', 401, { transient: true, userFixable: false, keepsEligibility: true }],
    [
      'disabled-institution',
      'DISABLED_INSTITUTION',
      405,
      { transient: false, userFixable: false, keepsEligibility: true },
    ],
    [
      'invalid-credentials',
      'INVALID_PASSWORD',
      401,
      { transient: false, userFixable: true, keepsEligibility: false },
    ],
  ] as const)(
    '%s: a live refresh fails with %s (HTTP %i) and a RequestId',
    async (scenario, code, status, cls) => {
      const loginId = await card(scenario);
      const error = await failure(newClient().authorize({ loginId, mostRecentCached: false, save: true }));
      expect(error).toBeInstanceOf(FlinksApiError);
      expect(error.flinksCode).toBe(code);
      expect(error.httpStatus).toBe(status);
      expect(error.endpoint).toBe('Authorize');
      expect(error.requestId).toEqual(expect.any(String));
      expect(classifyFlinksError(error)).toEqual(cls);
      // The cached call afterwards replays that same error (the last refresh's outcome).
      const replay = await failure(newClient().authorize({ loginId, mostRecentCached: true }));
      expect(replay.flinksCode).toBe(code);
    },
  );

  test('slow: OPERATION_DISPATCHED first, then pending polls, then data', async () => {
    const loginId = await card('slow');
    const client = newClient();
    const auth = expectAuthorized(await client.authorize({ loginId, mostRecentCached: false, save: true }));
    const codes: string[] = [];
    const data = await client.fetchAccountsDetail(
      auth.requestId,
      {},
      { onPending: (p) => codes.push(p.flinksCode) },
    );
    expect(data.Login.Id).toBe(loginId);
    expect(codes[0]).toBe('OPERATION_DISPATCHED');
    expect(codes.length).toBe(4);
    expect(codes.slice(1).every((c) => c === 'OPERATION_PENDING')).toBe(true);
  });

  test('flaky: every live refresh ends authorized or in a transient 500 AGGREGATION_ERROR', async () => {
    const loginId = await card('flaky', { scenarioOptions: { errorRate: 0.5 } });
    const client = newClient();
    const outcomes: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      try {
        const auth = expectAuthorized(
          await client.authorize({ loginId, mostRecentCached: false, save: true }),
        );
        await client.fetchAccountsDetail(auth.requestId);
        outcomes.push('ok');
      } catch (error) {
        expect(error).toBeInstanceOf(FlinksApiError);
        const apiError = error as FlinksApiError;
        errorTexts.push(apiError.message);
        expect(apiError.flinksCode).toBe('AGGREGATION_ERROR');
        expect(apiError.httpStatus).toBe(500);
        expect(classifyFlinksError(apiError)).toEqual({
          transient: true,
          userFixable: false,
          keepsEligibility: true,
        });
        outcomes.push('AGGREGATION_ERROR');
      }
    }
    expect(outcomes).toContain('ok');
    expect(outcomes).toContain('AGGREGATION_ERROR');
  });
});

describe('requestId expiry', () => {
  test('9 minutes of inactivity (virtual clock) → SESSION_NONEXISTENT on the next data call', async () => {
    const loginId = await card('healthy');
    const client = newClient();
    const auth = expectAuthorized(await client.authorize({ loginId, mostRecentCached: true }));
    await sim.admin.advanceClock(9 * MINUTE);
    const error = await failure(client.getAccountsDetail(auth.requestId));
    expect(error.flinksCode).toBe('SESSION_NONEXISTENT');
    expect(error.httpStatus).toBe(400);
    expect(error.requestId).toBe(auth.requestId);
    expect(classifyFlinksError(error)).toEqual({
      transient: true,
      userFixable: false,
      keepsEligibility: true,
    });
  });

  test('expiry between the 202 and the Async poll', async () => {
    const loginId = await card('healthy');
    const client = newClient();
    const auth = expectAuthorized(await client.authorize({ loginId, mostRecentCached: true }));
    expect((await client.getAccountsDetail(auth.requestId)).kind).toBe('pending');
    await sim.admin.advanceClock(9 * MINUTE);
    const error = await failure(client.getAccountsDetailAsync(auth.requestId));
    expect(error.flinksCode).toBe('SESSION_NONEXISTENT');
    expect(error.endpoint).toBe('GetAccountsDetailAsync');
  });

  test('7 minutes is still fine (the TTL is 8)', async () => {
    const loginId = await card('healthy');
    const client = newClient();
    const auth = expectAuthorized(await client.authorize({ loginId, mostRecentCached: true }));
    await sim.admin.advanceClock(7 * MINUTE);
    await expect(client.fetchAccountsDetail(auth.requestId)).resolves.toMatchObject({
      RequestId: auth.requestId,
    });
  });
});

describe('injected faults', () => {
  test('latency + jitter: slower, still correct', async () => {
    const loginId = await card('healthy');
    await sim.admin.setFaults({ latencyMs: 150, jitterMs: 50, endpoints: ['Authorize'] });
    const started = Date.now();
    expectAuthorized(await newClient().authorize({ loginId, mostRecentCached: true }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  test('errorRate 1: 500 AGGREGATION_ERROR, transient', async () => {
    await sim.admin.setFaults({ errorRate: 1 });
    const error = await failure(newClient().getNightlyRefreshStatus());
    expect(error.flinksCode).toBe('AGGREGATION_ERROR');
    expect(error.httpStatus).toBe(500);
    expect(classifyFlinksError(error).transient).toBe(true);
  });

  test('malformedRate 1: truncated JSON is a transient FlinksResponseError', async () => {
    await sim.admin.setFaults({ malformedRate: 1 });
    const error = await failure<FlinksResponseError>(newClient().generateAuthorizeToken());
    expect(error).toBeInstanceOf(FlinksResponseError);
    expect(error.reason).toBe('not-json');
    expect(error.endpoint).toBe('GenerateAuthorizeToken');
    expect(classifyFlinksError(error).transient).toBe(true);
  });

  test('malformed data body after a good Authorize', async () => {
    const loginId = await card('healthy');
    const client = newClient();
    const auth = expectAuthorized(await client.authorize({ loginId, mostRecentCached: true }));
    await sim.admin.setFaults({ malformedRate: 1, endpoints: ['GetAccountsDetailAsync'] });
    const error = await failure<FlinksResponseError>(client.fetchAccountsDetail(auth.requestId));
    expect(error).toBeInstanceOf(FlinksResponseError);
    expect(error.endpoint).toBe('GetAccountsDetailAsync');
    expect(error.requestId).toBe(auth.requestId);
  });

  test('a hang past the client timeout is TIMEOUT', async () => {
    await sim.admin.setFaults({ hangRate: 1, hangMs: 60_000 });
    const started = Date.now();
    const error = await failure(newClient({ headersTimeoutMs: 300 }).getNightlyRefreshStatus());
    expect(error.flinksCode).toBe('TIMEOUT');
    expect(error.httpStatus).toBeNull();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('a hang cut short by the caller’s AbortSignal rejects with its reason', async () => {
    await sim.admin.setFaults({ hangRate: 1, hangMs: 60_000 });
    const controller = new AbortController();
    const reason = new Error('activity cancelled');
    setTimeout(() => controller.abort(reason), 100);
    expect(await caught(newClient().generateAuthorizeToken({ signal: controller.signal }))).toBe(reason);
  });

  test('a TOO_MANY_REQUESTS burst: transient errors, then service resumes', async () => {
    await sim.admin.setFaults({ tooManyRequestsBurst: 2 });
    const client = newClient();
    for (let i = 0; i < 2; i += 1) {
      const error = await failure(client.getNightlyRefreshStatus());
      expect(error.flinksCode).toBe('TOO_MANY_REQUESTS');
      expect(classifyFlinksError(error)).toEqual({
        transient: true,
        userFixable: false,
        keepsEligibility: false,
      });
    }
    await expect(client.getNightlyRefreshStatus()).resolves.toEqual(expect.any(Array));
  });

  test('requestIds expiring mid-poll: SESSION_NONEXISTENT from the Async endpoint', async () => {
    const loginId = await card('healthy');
    const client = newClient();
    const auth = expectAuthorized(await client.authorize({ loginId, mostRecentCached: true }));
    await sim.admin.setFaults({ expireRequestIdsMidPollRate: 1 });
    const error = await failure(client.fetchAccountsDetail(auth.requestId));
    expect(error.flinksCode).toBe('SESSION_NONEXISTENT');
    expect(error.endpoint).toBe('GetAccountsDetailAsync');
  });

  test('a mix of every fault: each refresh ends in data or a FlinksApiError, never anything else', async () => {
    const loginIds = await Promise.all(Array.from({ length: 8 }, () => card('healthy')));
    await sim.admin.setFaults({
      errorRate: 0.15,
      malformedRate: 0.15,
      hangRate: 0.1,
      hangMs: 30_000,
      latencyMs: 5,
      jitterMs: 20,
      tooManyRequestsBurst: 3,
      expireRequestIdsMidPollRate: 0.2,
    });
    const client = newClient({ headersTimeoutMs: 400, maxConcurrency: 4 });
    const codes = new Map<string, number>();
    let ok = 0;
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const loginId = loginIds[i % loginIds.length] as string;
        try {
          const auth = await client.authorize({ loginId, mostRecentCached: true });
          if (auth.kind !== 'authorized') throw new Error('cached calls never need MFA');
          await client.fetchAccountsDetail(auth.requestId);
          ok += 1;
        } catch (error) {
          expect(error).toBeInstanceOf(FlinksApiError);
          const apiError = error as FlinksApiError;
          errorTexts.push(apiError.message);
          codes.set(apiError.flinksCode, (codes.get(apiError.flinksCode) ?? 0) + 1);
        }
      }),
    );
    expect(ok + [...codes.values()].reduce((a, b) => a + b, 0)).toBe(40);
    expect(ok).toBeGreaterThan(0);
    for (const code of codes.keys()) {
      expect([
        'AGGREGATION_ERROR',
        'MALFORMED_RESPONSE',
        'TIMEOUT',
        'TOO_MANY_REQUESTS',
        'SESSION_NONEXISTENT',
      ]).toContain(code);
    }
    expect(codes.get('TOO_MANY_REQUESTS')).toBeGreaterThanOrEqual(1);
  });
});

describe('client-side limits against the simulator', () => {
  test('maxRps: the simulator sees at most N request starts in any second', async () => {
    await sim.admin.resetCounters();
    const client = newClient({ maxRps: 4 });
    await Promise.all(Array.from({ length: 10 }, () => client.getNightlyRefreshStatus()));
    const times = (await sim.admin.requestLog())
      .filter((e) => e.endpoint === 'GetNightlyRefreshStatus')
      .map((e) => e.at);
    expect(times).toHaveLength(10);
    for (const t of times)
      expect(times.filter((u) => u >= t + 50 && u < t + 950).length).toBeLessThanOrEqual(3);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(1_900);
  });
});
