import { type Simulator, sandboxQuestions, startSimulator } from '../../src/simulator';
import { FlinksHttp, MINUTE, SECRET, startAtT0, T0 } from './helpers';

const flinksDate = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}$/;
const answerOf = (prompt: string) => sandboxQuestions.find((q) => q.prompt === prompt)?.answer;

describe('simulator /Authorize', () => {
  let sim: Simulator;
  let http: FlinksHttp;

  beforeEach(async () => {
    ({ sim, http } = await startAtT0());
  });
  afterEach(() => sim.close());

  const card = async (scenario: Parameters<Simulator['admin']['createCard']>[0]['scenario'], extra = {}) =>
    (await sim.admin.createCard({ scenario, ...extra })).loginId;

  describe('cached (MostRecentCached: true)', () => {
    it('answers 200 with the documented shape and records a cached call', async () => {
      const loginId = await card('healthy');
      await sim.admin.advanceClock(90 * MINUTE);
      const reply = await http.cached(loginId);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({
        HttpStatusCode: 200,
        Links: expect.arrayContaining([{ rel: 'AccountsDetail', href: '/GetAccountsDetail', example: null }]),
        InstitutionName: 'FlinksCapital',
        Institution: 'FlinksCapital',
        InstitutionId: 14,
        Login: { Username: 'Greatday', IsScheduledRefresh: true, Type: 'Personal', Id: loginId },
        RequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      // The card was created (as if just connected) at T0: LastRefresh is that, UTC, 7 digits, no zone.
      expect(reply.body.Login.LastRefresh).toMatch(flinksDate);
      expect(reply.body.Login.LastRefresh).toBe('2026-03-10T12:00:00.0000000');
      const after = await sim.admin.getCard(loginId);
      expect(after.lastCachedCallAt).toBe(new Date(T0 + 90 * MINUTE).toISOString());
    });

    it('accepts camelCase field names', async () => {
      const loginId = await card('healthy');
      const reply = await http.authorize({ loginId, mostRecentCached: true });
      expect(reply.status).toBe(200);
      expect(reply.body.Login.Id).toBe(loginId);
    });

    it('refuses an unknown LoginId with 401 INVALID_LOGIN, still carrying a RequestId', async () => {
      const reply = await http.cached('00000000-0000-4000-8000-000000000000');
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({
        HttpStatusCode: 401,
        FlinksCode: 'INVALID_LOGIN',
        RequestId: expect.any(String),
      });
      expect(typeof reply.body.Message).toBe('string');
    });
  });

  describe('live (MostRecentCached: false, Save: true)', () => {
    it('healthy: 200, then the data call renews LastRefresh', async () => {
      const loginId = await card('healthy', { scheduledRefresh: false }); // no nightly refresh in between
      await sim.admin.advanceClock(2 * 24 * 60 * MINUTE);
      const reply = await http.live(loginId);
      expect(reply.status).toBe(200);
      expect(reply.body.Login.LastRefresh).toBe('2026-03-10T12:00:00.0000000');
      const data = await http.fetchDetail(reply.body.RequestId);
      expect(data.status).toBe(200);
      expect(data.body.Login.LastRefresh.slice(0, 16)).toBe('2026-03-12T12:00');
      const after = await sim.admin.getCard(loginId);
      expect(after.lastSuccessfulRefreshAt?.slice(0, 16)).toBe('2026-03-12T12:00');
      expect(after.lastRefreshState).toBe('Completed');
    });

    it('mfa-on-live: 203 with one sandbox question; the right answer opens the session', async () => {
      const loginId = await card('mfa-on-live');
      const challenge = await http.live(loginId);
      expect(challenge.status).toBe(203);
      expect(challenge.body).toMatchObject({
        HttpStatusCode: 203,
        Links: [{ rel: 'Authorization', href: '/Authorize', example: null }],
        SecurityChallenges: [{ Type: 'QuestionAndAnswer', Prompt: expect.any(String) }],
        Institution: 'FlinksCapital',
        RequestId: expect.any(String),
      });
      const prompt = challenge.body.SecurityChallenges[0].Prompt as string;
      expect(sandboxQuestions.map((q) => q.prompt)).toContain(prompt);

      const answered = await http.authorize({
        RequestId: challenge.body.RequestId,
        SecurityResponses: { [prompt]: [answerOf(prompt)] },
      });
      expect(answered.status).toBe(200);
      expect(answered.body.RequestId).toBe(challenge.body.RequestId);
      expect((await http.fetchDetail(challenge.body.RequestId)).status).toBe(200);
      const after = await sim.admin.getCard(loginId);
      expect(after.lastError).toBeNull();
      expect(after.eligible).toBe(true);
    });

    it('mfa-on-live: a wrong answer is 401 INVALID_SECURITY_RESPONSE and costs the card its eligibility', async () => {
      const loginId = await card('mfa-on-live');
      const challenge = await http.live(loginId);
      const prompt = challenge.body.SecurityChallenges[0].Prompt as string;
      const wrong = await http.authorize({
        RequestId: challenge.body.RequestId,
        SecurityResponses: { [prompt]: ['Nope'] },
      });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({
        FlinksCode: 'INVALID_SECURITY_RESPONSE',
        RequestId: challenge.body.RequestId,
      });
      const after = await sim.admin.getCard(loginId);
      expect(after.lastError?.code).toBe('INVALID_SECURITY_RESPONSE');
      expect(after).toMatchObject({ eligible: false, ineligibleReason: 'authorize-error' });
    });

    it('mfa-on-live: answers keyed to another prompt, empty answers, and a string instead of an array', async () => {
      const loginId = await card('mfa-on-live');
      const challenge = await http.live(loginId);
      const requestId = challenge.body.RequestId as string;
      const prompt = challenge.body.SecurityChallenges[0].Prompt as string;
      const unknownKey = await http.authorize({
        RequestId: requestId,
        SecurityResponses: { 'What is your pet?': ['Cat'] },
      });
      expect(unknownKey.body.FlinksCode).toBe('UNKNOWN_CHALLENGE_KEY');
      const empty = await http.authorize({ RequestId: requestId, SecurityResponses: {} });
      expect(empty.body.FlinksCode).toBe('SECURITYRESPONSES_INCOMPLETE');
      const asString = await http.authorize({ requestId, securityResponses: { [prompt]: answerOf(prompt) } });
      expect(asString.status).toBe(200);
      const twice = await http.authorize({
        RequestId: requestId,
        SecurityResponses: { [prompt]: [answerOf(prompt)] },
      });
      expect(twice.body.FlinksCode).toBe('ALREADY_AUTHORIZED');
    });

    it('an MFA answer after 8 idle minutes is 400 SESSION_NONEXISTENT', async () => {
      const loginId = await card('mfa-on-live');
      const challenge = await http.live(loginId);
      await sim.admin.advanceClock(8 * MINUTE + 1_000);
      const prompt = challenge.body.SecurityChallenges[0].Prompt as string;
      const late = await http.authorize({
        RequestId: challenge.body.RequestId,
        SecurityResponses: { [prompt]: [answerOf(prompt)] },
      });
      expect(late.status).toBe(400);
      expect(late.body).toMatchObject({
        FlinksCode: 'SESSION_NONEXISTENT',
        RequestId: challenge.body.RequestId,
      });
    });

    it.each([
      ['retry-later', 401, 'RETRY_LATER', true],
      ['disabled-institution', 405, 'DISABLED_INSTITUTION', true],
      ['invalid-credentials', 401, 'INVALID_PASSWORD', false],
    ] as const)('%s: %i %s, recorded as the last refresh error', async (scenario, status, code, eligible) => {
      const loginId = await card(scenario);
      const reply = await http.live(loginId);
      expect(reply.status).toBe(status);
      expect(reply.body).toMatchObject({
        HttpStatusCode: status,
        FlinksCode: code,
        RequestId: expect.any(String),
      });
      expect(typeof reply.body.Message).toBe('string');
      const after = await sim.admin.getCard(loginId);
      expect(after.lastError?.code).toBe(code);
      expect(after.eligible).toBe(eligible);
    });

    it('slow: 200, then the data stays pending for more polls (the sync call is dispatched)', async () => {
      const loginId = await card('slow');
      const { RequestId } = (await http.live(loginId)).body as { RequestId: string };
      const first = await http.detail(RequestId);
      expect(first.status).toBe(202);
      expect(first.body.FlinksCode).toBe('OPERATION_DISPATCHED');
      const statuses: number[] = [];
      let reply = await http.detailAsync(RequestId);
      while (reply.status === 202) {
        expect(reply.body.FlinksCode).toBe('OPERATION_PENDING');
        statuses.push(reply.status);
        reply = await http.detailAsync(RequestId);
      }
      expect(reply.status).toBe(200);
      expect(statuses).toHaveLength(3); // pollsBeforeReady 1 + 3 for slow cards = 4 pending answers in all
    });

    it('flaky: fails at its rate with 500 AGGREGATION_ERROR, deterministically for a seed', async () => {
      const always = await card('flaky', { scenarioOptions: { errorRate: 1 } });
      const failed = await http.live(always);
      expect(failed.status).toBe(500);
      expect(failed.body).toMatchObject({
        HttpStatusCode: 500,
        FlinksCode: 'AGGREGATION_ERROR',
        RequestId: expect.any(String),
      });
      expect((await sim.admin.getCard(always)).eligible).toBe(true); // AGGREGATION_ERROR keeps eligibility

      const never = await card('flaky', { scenarioOptions: { errorRate: 0 } });
      expect((await http.live(never)).status).toBe(200);

      const outcomes = async (s: Simulator): Promise<number[]> => {
        const client = new FlinksHttp(s);
        const id = (await s.admin.createCard({ scenario: 'flaky' })).loginId;
        const result: number[] = [];
        for (let i = 0; i < 40; i += 1) {
          const reply = await client.live(id);
          result.push(reply.status);
          if (reply.status === 200) await client.fetchDetail(reply.body.RequestId); // ends the live session
        }
        return result;
      };
      const a = await startSimulator({ secretKey: SECRET, seed: 7 });
      const b = await startSimulator({ secretKey: SECRET, seed: 7 });
      try {
        const [first, second] = [await outcomes(a), await outcomes(b)];
        expect(first).toEqual(second);
        const failures = first.filter((s) => s === 500).length;
        expect(failures).toBeGreaterThan(3); // default rate 0.3 over 40 tries
        expect(failures).toBeLessThan(25);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });

  describe('cached replay of the last refresh', () => {
    it('after an MFA-blocked refresh: 401 QUESTION_NOT_FOUND with a RequestId that still serves data', async () => {
      const loginId = await card('mfa-on-live');
      await http.live(loginId); // nobody answers
      await sim.admin.advanceClock(9 * MINUTE);
      const replay = await http.cached(loginId);
      expect(replay.status).toBe(401);
      expect(replay.body).toMatchObject({
        HttpStatusCode: 401,
        FlinksCode: 'QUESTION_NOT_FOUND',
        RequestId: expect.any(String),
        Institution: 'FlinksCapital',
      });
      const data = await http.fetchDetail(replay.body.RequestId);
      expect(data.status).toBe(200);
      expect(data.body.Login.LastRefresh).toBe('2026-03-10T12:00:00.0000000'); // stale: check freshness
      const after = await sim.admin.getCard(loginId);
      expect(after.lastCachedCallAt).toBe(new Date(T0 + 9 * MINUTE).toISOString());
      expect(after.lastError?.code).toBe('QUESTION_NOT_FOUND');
    });

    it('after a RETRY_LATER refresh: 401 RETRY_LATER with a usable RequestId', async () => {
      const loginId = await card('retry-later');
      await http.live(loginId);
      const replay = await http.cached(loginId);
      expect(replay.body.FlinksCode).toBe('RETRY_LATER');
      expect((await http.fetchDetail(replay.body.RequestId)).status).toBe(200);
    });
  });

  describe('user reconnect through Flinks Connect (admin)', () => {
    it('authorizes the pending 203 session; its data call is a successful live refresh', async () => {
      const loginId = await card('mfa-on-live');
      const challenge = await http.live(loginId);
      await sim.admin.advanceClock(5 * MINUTE);
      const { requestId } = await sim.admin.completeUserReconnect(loginId, challenge.body.RequestId);
      expect(requestId).toBe(challenge.body.RequestId);
      const data = await http.fetchDetail(requestId);
      expect(data.status).toBe(200);
      const after = await sim.admin.getCard(loginId);
      expect(after.lastSuccessfulRefreshAt).toBe(new Date(T0 + 5 * MINUTE).toISOString());
      expect(after.eligible).toBe(true);
    });

    it('opens a new authorized session when no requestId is given', async () => {
      const loginId = await card('invalid-credentials');
      const { requestId } = await sim.admin.completeUserReconnect(loginId);
      expect((await http.fetchDetail(requestId)).status).toBe(200);
      expect((await sim.admin.getCard(loginId)).lastError).toBeNull();
    });
  });
});
