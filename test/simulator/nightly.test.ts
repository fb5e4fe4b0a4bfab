import { type Simulator, startSimulator } from '../../src/simulator';
import { DAY, FlinksHttp, HOUR, MINUTE, SECRET, startAtT0, T0 } from './helpers';

const listed = async (http: FlinksHttp) => {
  const reply = await http.nightlyStatus();
  expect(reply.status).toBe(200);
  expect(reply.body.HttpStatusCode).toBe(200);
  return reply.body.IneligibleCards as {
    LoginId: string;
    LastRefreshDate: string | null;
    LastRefreshState: string | null;
    LastRefreshErrorCode: string | null;
  }[];
};

describe('simulator nightly job and GetNightlyRefreshStatus', () => {
  let sim: Simulator;
  let http: FlinksHttp;

  afterEach(() => sim.close());

  const create = async (scenario: Parameters<Simulator['admin']['createCard']>[0]['scenario'], extra = {}) =>
    (await sim.admin.createCard({ scenario, ...extra })).loginId;

  it('lists nothing for freshly connected cards', async () => {
    ({ sim, http } = await startAtT0());
    await create('healthy');
    await create('invalid-credentials');
    expect(await listed(http)).toEqual([]);
  });

  it('refreshes a healthy card every night until its cached call is older than 7 days, then lists it', async () => {
    ({ sim, http } = await startAtT0());
    const loginId = await create('healthy');
    await sim.admin.advanceClock(8 * DAY);
    // Slots on Mar 11..17 fall within 7 days of the T0 (Mar 10 noon) cached call; Mar 18's does not.
    expect((await sim.admin.counters()).nightlyRefreshes[loginId]).toBe(7);
    const card = await sim.admin.getCard(loginId);
    expect(card).toMatchObject({ eligible: false, ineligibleReason: 'no-cached-call-in-7-days' });
    expect(card.lastSuccessfulRefreshAt?.slice(0, 10)).toBe('2026-03-17');
    const entries = await listed(http);
    expect(entries).toEqual([
      {
        LoginId: loginId,
        LastRefreshDate: expect.stringMatching(/^2026-03-17T0[4-7]:\d\d:\d\d\.\d{7}$/),
        LastRefreshState: 'Completed',
        LastRefreshErrorCode: null,
      },
    ]);
  });

  it('keeps a healthy card eligible while it gets a cached call every day', async () => {
    ({ sim, http } = await startAtT0());
    const loginId = await create('healthy');
    for (let day = 0; day < 10; day += 1) {
      await sim.admin.advanceClock(DAY);
      expect((await http.cached(loginId)).status).toBe(200);
    }
    expect(await listed(http)).toEqual([]);
    expect((await sim.admin.counters()).nightlyRefreshes[loginId]).toBe(10);
  });

  it('drops the cached-call rule for webhook integrations', async () => {
    ({ sim, http } = await startAtT0({ webhooks: true }));
    const loginId = await create('healthy');
    await sim.admin.advanceClock(10 * DAY);
    expect(await listed(http)).toEqual([]);
    expect((await sim.admin.counters()).nightlyRefreshes[loginId]).toBe(10);
  });

  it('lists an mfa-on-live card after one night with QUESTION_NOT_FOUND, and stops refreshing it', async () => {
    ({ sim, http } = await startAtT0());
    const loginId = await create('mfa-on-live');
    await sim.admin.advanceClock(DAY);
    expect(await listed(http)).toEqual([
      {
        LoginId: loginId,
        LastRefreshDate: expect.stringMatching(/^2026-03-11T0[4-7]:/),
        LastRefreshState: 'AnsweringSecurityChallenge',
        LastRefreshErrorCode: 'QUESTION_NOT_FOUND',
      },
    ]);
    const replay = await http.cached(loginId);
    expect(replay.status).toBe(401);
    expect(replay.body.FlinksCode).toBe('QUESTION_NOT_FOUND');
    await sim.admin.advanceClock(3 * DAY);
    expect((await sim.admin.counters()).nightlyRefreshes[loginId]).toBe(1);
  });

  it('keeps retry-later and disabled-institution cards eligible until 7 days pass without a success', async () => {
    ({ sim, http } = await startAtT0());
    const retry = await create('retry-later');
    const disabled = await create('disabled-institution');
    await sim.admin.advanceClock(DAY);
    await http.cached(retry);
    await http.cached(disabled);
    expect(await listed(http)).toEqual([]);
    expect((await sim.admin.getCard(retry)).lastError?.code).toBe('RETRY_LATER');
    for (let day = 0; day < 7; day += 1) {
      await sim.admin.advanceClock(DAY);
      await http.cached(retry);
      await http.cached(disabled);
    }
    const entries = await listed(http);
    expect(entries.map((e) => [e.LoginId, e.LastRefreshErrorCode, e.LastRefreshState]).sort()).toEqual(
      [
        [retry, 'RETRY_LATER', 'Failed'],
        [disabled, 'DISABLED_INSTITUTION', 'Failed'],
      ].sort(),
    );
    expect((await sim.admin.getCard(retry)).ineligibleReason).toBe('no-successful-refresh-in-7-days');
  });

  it('lists an invalid-credentials card after its first night', async () => {
    ({ sim, http } = await startAtT0());
    const loginId = await create('invalid-credentials');
    await sim.admin.advanceClock(DAY);
    const [entry] = await listed(http);
    expect(entry).toMatchObject({
      LoginId: loginId,
      LastRefreshErrorCode: 'INVALID_PASSWORD',
      LastRefreshState: 'Failed',
    });
  });

  it('keeps flaky cards eligible after AGGREGATION_ERROR', async () => {
    ({ sim, http } = await startAtT0());
    const loginId = await create('flaky', { scenarioOptions: { errorRate: 1 } });
    await sim.admin.advanceClock(DAY);
    const card = await sim.admin.getCard(loginId);
    expect(card.lastError?.code).toBe('AGGREGATION_ERROR');
    expect(card.eligible).toBe(true);
  });

  it('lists a card whose error is not among the seven eligibility-keeping codes', async () => {
    ({ sim, http } = await startAtT0());
    const loginId = await create('mfa-on-live', { scheduledRefresh: true });
    const challenge = await http.live(loginId);
    await http.authorize({
      RequestId: challenge.body.RequestId,
      SecurityResponses: { [challenge.body.SecurityChallenges[0].Prompt]: ['wrong'] },
    });
    expect((await listed(http)).map((e) => e.LastRefreshErrorCode)).toEqual(['INVALID_SECURITY_RESPONSE']);
  });

  it('never lists nor refreshes cards with scheduled refresh off', async () => {
    ({ sim, http } = await startAtT0());
    const loginId = await create('invalid-credentials', { scheduledRefresh: false });
    await sim.admin.advanceClock(3 * DAY);
    expect(await listed(http)).toEqual([]);
    expect((await sim.admin.counters()).nightlyRefreshes[loginId]).toBeUndefined();
    expect((await sim.admin.getCard(loginId)).ineligibleReason).toBe('scheduled-refresh-off');
  });

  it('lists a card created with a stale history', async () => {
    ({ sim, http } = await startAtT0());
    const stale = await create('healthy', { lastSuccessfulRefreshAt: new Date(T0 - 8 * DAY).toISOString() });
    const neverCached = await create('healthy', { lastCachedCallAt: null });
    expect((await listed(http)).map((e) => e.LoginId).sort()).toEqual([stale, neverCached].sort());
    expect((await sim.admin.getCard(stale)).ineligibleReason).toBe('no-successful-refresh-in-7-days');
  });

  it('runs each card at its own slot inside 04:00-08:00 UTC, not before', async () => {
    ({ sim, http } = await startAtT0());
    const loginId = await create('healthy');
    await sim.admin.setClock('2026-03-11T03:59:59.999Z');
    expect((await sim.admin.counters()).nightlyRefreshes[loginId]).toBeUndefined();
    await sim.admin.setClock('2026-03-11T08:00:00.000Z');
    expect((await sim.admin.counters()).nightlyRefreshes[loginId]).toBe(1);
    const at = Date.parse((await sim.admin.getCard(loginId)).lastSuccessfulRefreshAt ?? '');
    expect(at).toBeGreaterThanOrEqual(Date.parse('2026-03-11T04:00:00Z'));
    expect(at).toBeLessThan(Date.parse('2026-03-11T08:00:00Z'));
    // setting the clock back re-arms the night; it runs again when time passes it
    await sim.admin.setClock('2026-03-11T03:00:00.000Z');
    await sim.admin.advanceClock(6 * HOUR);
    expect((await sim.admin.counters()).nightlyRefreshes[loginId]).toBe(2);
  });

  it('runs the slots lazily from a borrowed async clock, as a time-skipping test server would drive it', async () => {
    let now = T0;
    sim = await startSimulator({ secretKey: SECRET, clock: async () => now });
    http = new FlinksHttp(sim);
    const loginId = await create('mfa-on-live');
    now += DAY;
    expect((await listed(http)).map((e) => e.LoginId)).toEqual([loginId]);
    await expect(sim.admin.advanceClock(MINUTE)).rejects.toMatchObject({ status: 409 });
    expect((await sim.admin.clock()).owned).toBe(false);
  });

  it("runNightlyJob forces tonight's job now and skips the card's next slot", async () => {
    ({ sim, http } = await startAtT0());
    const healthy = await create('healthy');
    const blocked = await create('mfa-on-live');
    const run = await sim.admin.runNightlyJob();
    expect(run.ranAt).toBe(new Date(T0).toISOString());
    expect(run.results).toEqual(
      expect.arrayContaining([
        { loginId: healthy, outcome: 'success' },
        { loginId: blocked, outcome: 'QUESTION_NOT_FOUND' },
      ]),
    );
    await sim.admin.advanceClock(DAY); // past tonight's slots: already done
    expect((await sim.admin.counters()).nightlyRefreshes).toEqual({ [healthy]: 1, [blocked]: 1 });
    await sim.admin.advanceClock(DAY); // the next night runs normally (the mfa card is ineligible by now)
    expect((await sim.admin.counters()).nightlyRefreshes).toEqual({ [healthy]: 2, [blocked]: 1 });
    const again = await sim.admin.runNightlyJob();
    expect(again.results).toEqual(
      expect.arrayContaining([{ loginId: blocked, outcome: 'skipped-ineligible' }]),
    );
  });
});
