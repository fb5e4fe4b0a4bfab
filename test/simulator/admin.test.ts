import { type Simulator } from '../../src/simulator';
import { admin, DAY, type FlinksHttp, MINUTE, SECRET, startAtT0, T0 } from './helpers';

describe('simulator admin API over HTTP', () => {
  let sim: Simulator;
  let http: FlinksHttp;

  beforeEach(async () => {
    ({ sim, http } = await startAtT0());
  });
  afterEach(() => sim.close());

  it('exposes baseUrl and adminUrl on 127.0.0.1', () => {
    expect(sim.baseUrl).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/v3\/43387ca6-0391-4c82-857d-70d95f087ecb\/BankingServices$/,
    );
    expect(sim.adminUrl).toBe(sim.baseUrl.replace(/\/v3\/.*$/, '/admin'));
  });

  it('creates, lists, reads and changes cards', async () => {
    const created = await admin(sim, 'POST', '/cards', { scenario: 'healthy', institution: 'FlinksCapital' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      loginId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      scenario: 'healthy',
      institution: 'FlinksCapital',
      username: 'Greatday',
      scheduledRefresh: true,
      lastSuccessfulRefreshAt: new Date(T0).toISOString(),
      lastCachedCallAt: new Date(T0).toISOString(),
      lastError: null,
      eligible: true,
      ineligibleReason: null,
    });
    const loginId = created.body.loginId as string;
    const fixedId = '3f1c2b7e-8a9d-4e6f-b0c1-d2e3f4a5b6c7';
    expect((await admin(sim, 'POST', '/cards', { loginId: fixedId, scenario: 'slow' })).status).toBe(201);
    expect((await admin(sim, 'POST', '/cards', { loginId: fixedId, scenario: 'slow' })).status).toBe(409);

    const list = await admin(sim, 'GET', '/cards');
    expect(list.body.map((c: { loginId: string }) => c.loginId).sort()).toEqual([loginId, fixedId].sort());
    expect((await admin(sim, 'GET', `/cards/${fixedId}`)).body.scenario).toBe('slow');
    expect((await admin(sim, 'GET', '/cards/00000000-0000-4000-8000-000000000000')).status).toBe(404);

    const changed = await admin(sim, 'PATCH', `/cards/${loginId}`, { scenario: 'retry-later' });
    expect(changed.status).toBe(200);
    expect(changed.body.scenario).toBe('retry-later');
    expect((await http.live(loginId)).body.FlinksCode).toBe('RETRY_LATER');
    const withOptions = await admin(sim, 'PATCH', `/cards/${loginId}`, {
      scenario: 'flaky',
      options: { errorRate: 1 },
    });
    expect(withOptions.body.scenarioOptions).toEqual({ errorRate: 1 });
  });

  it('refuses invalid admin input with 400 and a reason', async () => {
    for (const body of [
      { scenario: 'nope' },
      { scenario: 'healthy', bogus: 1 },
      { scenario: 'healthy', loginId: 'not-a-uuid' },
    ]) {
      const reply = await admin(sim, 'POST', '/cards', body);
      expect(reply.status).toBe(400);
      expect(reply.body.error).toEqual(expect.any(String));
    }
    const badJson = await fetch(`${sim.adminUrl}/cards`, { method: 'POST', body: '{oops' });
    expect(badJson.status).toBe(400);
    expect((await admin(sim, 'PUT', '/faults', { errorRate: -1 })).status).toBe(400);
    expect((await admin(sim, 'POST', '/clock', { advanceMs: 'soon' })).status).toBe(400);
    expect((await admin(sim, 'GET', '/nothing')).status).toBe(404);
    expect((await admin(sim, 'DELETE', '/cards')).status).toBe(404);
  });

  it('completes a user reconnect over HTTP', async () => {
    const loginId = (await sim.admin.createCard({ scenario: 'mfa-on-live' })).loginId;
    const challenge = await http.live(loginId);
    const reply = await admin(sim, 'POST', `/cards/${loginId}/reconnect`, {
      requestId: challenge.body.RequestId,
    });
    expect(reply.body).toEqual({ requestId: challenge.body.RequestId });
    expect((await http.fetchDetail(challenge.body.RequestId)).status).toBe(200);
    const unknown = await admin(sim, 'POST', `/cards/${loginId}/reconnect`, { requestId: 'nope' });
    expect(unknown.status).toBe(404);
  });

  it('sets and clears faults', async () => {
    const set = await admin(sim, 'PUT', '/faults', { errorRate: 1, endpoints: ['GenerateAuthorizeToken'] });
    expect(set.body).toMatchObject({ errorRate: 1, endpoints: ['GenerateAuthorizeToken'] });
    expect(
      (await http.call('POST', 'GenerateAuthorizeToken', { headers: { 'flinks-auth-key': SECRET } })).status,
    ).toBe(500);
    expect((await admin(sim, 'DELETE', '/faults')).status).toBe(200);
    expect(
      (await http.call('POST', 'GenerateAuthorizeToken', { headers: { 'flinks-auth-key': SECRET } })).status,
    ).toBe(200);
  });

  it('reads, advances and sets the clock', async () => {
    expect((await admin(sim, 'GET', '/clock')).body).toEqual({
      now: new Date(T0).toISOString(),
      nowMs: T0,
      owned: true,
    });
    const advanced = await admin(sim, 'POST', '/clock', { advanceMs: 5 * MINUTE });
    expect(advanced.body.nowMs).toBe(T0 + 5 * MINUTE);
    const set = await admin(sim, 'POST', '/clock', { now: '2026-04-01T00:00:00Z' });
    expect(set.body.now).toBe('2026-04-01T00:00:00.000Z');
  });

  it('forces the nightly job', async () => {
    const loginId = (await sim.admin.createCard({ scenario: 'invalid-credentials' })).loginId;
    const run = await admin(sim, 'POST', '/nightly');
    expect(run.body.results).toEqual([{ loginId, outcome: 'INVALID_PASSWORD' }]);
  });

  it('counts requests per endpoint, kind and card, live refreshes per night, and nightly refreshes', async () => {
    const a = (await sim.admin.createCard({ scenario: 'healthy' })).loginId;
    const b = (await sim.admin.createCard({ scenario: 'mfa-on-live' })).loginId;
    const live = await http.live(a);
    await http.fetchDetail(live.body.RequestId);
    await http.cached(a);
    await http.live(b);
    await http.summary(live.body.RequestId);
    await http.summaryAsync(live.body.RequestId);
    await http.nightlyStatus();
    await http.call('PATCH', 'SetScheduledRefresh', { body: { loginId: a, isActivated: true } });
    await sim.admin.advanceClock(DAY);
    await http.live(a); // the next UTC day
    await http.call('DELETE', `DeleteCard/${b}`);

    const counters = (await admin(sim, 'GET', '/counters')).body;
    expect(counters.byEndpoint).toEqual({
      GenerateAuthorizeToken: 4,
      Authorize: 4,
      GetAccountsDetail: 1,
      GetAccountsDetailAsync: 1,
      GetAccountsSummary: 1,
      GetAccountsSummaryAsync: 1,
      GetNightlyRefreshStatus: 1,
      SetScheduledRefresh: 1,
      DeleteCard: 1,
    });
    expect(counters.total).toBe(15);
    expect(counters.byKind).toMatchObject({
      token: 4,
      'authorize-live': 3,
      'authorize-cached': 1,
      'nightly-status': 1,
    });
    expect(counters.byCard[a]).toEqual({
      'authorize-live': 2,
      'accounts-detail': 1,
      'accounts-detail-async': 1,
      'authorize-cached': 1,
      'accounts-summary': 1,
      'accounts-summary-async': 1,
      'set-scheduled-refresh': 1,
    });
    expect(counters.byCard[b]).toEqual({ 'authorize-live': 1, 'delete-card': 1 });
    expect(counters.liveRefreshesByCardAndNight).toEqual({
      [a]: { '2026-03-10': 1, '2026-03-11': 1 },
      [b]: { '2026-03-10': 1 },
    });
    expect(counters.nightlyRefreshes).toEqual({ [a]: 1 }); // b's unanswered 203 made it ineligible

    const log = (await admin(sim, 'GET', '/requests')).body as {
      at: number;
      endpoint: string;
      status: number;
      loginId?: string;
    }[];
    expect(log).toHaveLength(15);
    expect(log[0]).toMatchObject({ endpoint: 'GenerateAuthorizeToken', status: 200, kind: 'token' });
    expect(log.find((e) => e.status === 203)).toMatchObject({ endpoint: 'Authorize', loginId: b });
    for (const entry of log) expect(Math.abs(entry.at - Date.now())).toBeLessThan(60_000); // real time, not virtual

    const reset = await admin(sim, 'DELETE', '/counters');
    expect(reset.body.total).toBe(0);
    expect((await admin(sim, 'GET', '/requests')).body).toEqual([]);
  });

  it('keeps the request log bounded', async () => {
    await sim.close();
    ({ sim, http } = await startAtT0({ requestLogSize: 3 }));
    for (let i = 0; i < 5; i += 1) await http.nightlyStatus();
    expect(await sim.admin.requestLog()).toHaveLength(3);
    expect((await sim.admin.counters()).total).toBe(5);
  });
});
