import { type Simulator } from '../../src/simulator';
import { type FlinksHttp, SECRET, startAtT0 } from './helpers';

describe('simulator fault injection', () => {
  let sim: Simulator;
  let http: FlinksHttp;
  let loginId: string;

  beforeEach(async () => {
    ({ sim, http } = await startAtT0());
    loginId = (await sim.admin.createCard({ scenario: 'healthy' })).loginId;
  });
  afterEach(() => sim.close());

  it('adds fixed latency plus bounded jitter', async () => {
    await sim.admin.setFaults({ latencyMs: 120, jitterMs: 50 });
    const started = Date.now();
    await http.call('POST', 'GenerateAuthorizeToken', { headers: { 'flinks-auth-key': SECRET } });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(115);
    expect(took).toBeLessThan(1_000);
  });

  it('answers a share of requests 500 AGGREGATION_ERROR, limited to the named endpoints', async () => {
    await sim.admin.setFaults({ errorRate: 1, endpoints: ['GetAccountsDetail'] });
    const requestId = (await http.cached(loginId)).body.RequestId as string;
    const failed = await http.detail(requestId);
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({
      HttpStatusCode: 500,
      FlinksCode: 'AGGREGATION_ERROR',
      RequestId: requestId,
    });
    await sim.admin.clearFaults();
    expect((await http.detail(requestId)).status).toBe(202);
  });

  it('cuts JSON bodies in half (with a consistent Content-Length)', async () => {
    await sim.admin.setFaults({ malformedRate: 1, endpoints: ['GetNightlyRefreshStatus'] });
    const reply = await http.nightlyStatus();
    expect(reply.status).toBe(200);
    expect(typeof reply.body).toBe('string');
    expect(() => JSON.parse(reply.text)).toThrow();
    expect(JSON.stringify({ HttpStatusCode: 200, IneligibleCards: [] }).startsWith(reply.text)).toBe(true);
  });

  it('hangs requests past the client timeout and drops them when the client gives up', async () => {
    await sim.admin.setFaults({ hangRate: 1, hangMs: 300, endpoints: ['Authorize'] });
    const token = await http.token();
    const body = { LoginId: loginId, MostRecentCached: true };
    const init = (signal?: AbortSignal): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'flinks-auth-key': token },
      body: JSON.stringify(body),
      signal,
    });
    await expect(fetch(`${sim.baseUrl}/Authorize`, init(AbortSignal.timeout(100)))).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 350));
    await sim.admin.clearFaults();
    // the hang ended without the client: the request was dropped, so the token is still good
    expect((await fetch(`${sim.baseUrl}/Authorize`, init())).status).toBe(200);
  });

  it('close() ends hung requests at once', async () => {
    await sim.admin.setFaults({ hangRate: 1 }); // default hangMs: 10 minutes
    const outcome = fetch(`${sim.baseUrl}/GetNightlyRefreshStatus`, {
      headers: { authorization: `Bearer ${SECRET}` },
    }).then(
      () => 'answered',
      () => 'socket closed',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = Date.now();
    await sim.close();
    expect(Date.now() - closing).toBeLessThan(1_000);
    expect(await outcome).toBe('socket closed');
  });

  it('processes a hung request normally once hangMs has passed', async () => {
    await sim.admin.setFaults({ hangRate: 1, hangMs: 100, endpoints: ['GenerateAuthorizeToken'] });
    const started = Date.now();
    const token = await http.token();
    expect(token).toEqual(expect.any(String));
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('loses the answer of a processed live Authorize: the login happened, the client gets a dropped connection', async () => {
    await sim.admin.setFaults({ lostAnswerRate: 1, endpoints: ['Authorize'] });
    await expect(http.live(loginId)).rejects.toThrow();
    await sim.admin.clearFaults();
    const counters = await sim.admin.counters();
    expect(counters.byCard[loginId]?.['authorize-live']).toBe(1);
    expect(Object.values(counters.liveRefreshesByCardAndNight[loginId] ?? {})).toEqual([1]);
    expect(counters.faultsInjected['lost-answer']).toBe(1);
    // The session it opened is live at Flinks: the card is busy with it.
    expect((await http.live(loginId)).body).toMatchObject({ FlinksCode: 'CONCURRENT_SESSION' });
  });

  it('answers a slow request late, having processed it at once', async () => {
    await sim.admin.setFaults({ slowAnswerRate: 1, slowAnswerMs: 300, endpoints: ['Authorize'] });
    const started = Date.now();
    const answered = http.live(loginId);
    // Processed on arrival: the bank login is counted before the answer leaves.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(Object.values((await sim.admin.counters()).liveRefreshesByCardAndNight[loginId] ?? {})).toEqual([1]);
    expect((await answered).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(295);
    expect((await sim.admin.counters()).faultsInjected['slow-answer']).toBe(1);
  });

  it('drops a slow answer whose client gave up', async () => {
    await sim.admin.setFaults({ slowAnswerRate: 1, slowAnswerMs: 60_000, endpoints: ['GetNightlyRefreshStatus'] });
    await expect(
      fetch(`${sim.baseUrl}/GetNightlyRefreshStatus`, {
        headers: { authorization: `Bearer ${SECRET}` },
        signal: AbortSignal.timeout(100),
      }),
    ).rejects.toThrow();
    const closing = Date.now();
    await sim.close();
    expect(Date.now() - closing).toBeLessThan(1_000);
  });

  it('answers a burst of 401 TOO_MANY_REQUESTS, then recovers', async () => {
    await sim.admin.setFaults({ tooManyRequestsBurst: 2 });
    const statuses: [number, string | undefined][] = [];
    for (let i = 0; i < 3; i += 1) {
      const reply = await http.call('POST', 'GenerateAuthorizeToken', {
        headers: { 'flinks-auth-key': SECRET },
      });
      statuses.push([reply.status, reply.body.FlinksCode]);
    }
    expect(statuses).toEqual([
      [401, 'TOO_MANY_REQUESTS'],
      [401, 'TOO_MANY_REQUESTS'],
      [200, undefined],
    ]);
  });

  it('expires RequestIds mid-poll: the Async call gets 400 SESSION_NONEXISTENT', async () => {
    await sim.admin.setFaults({ expireRequestIdsMidPollRate: 1 });
    const requestId = (await http.cached(loginId)).body.RequestId as string;
    expect((await http.detail(requestId)).status).toBe(202); // sync calls are not polls
    const poll = await http.detailAsync(requestId);
    expect(poll.status).toBe(400);
    expect(poll.body).toMatchObject({ FlinksCode: 'SESSION_NONEXISTENT', RequestId: requestId });
  });

  it('draws faults deterministically from the seed', async () => {
    const run = async () => {
      const { sim: s, http: h } = await startAtT0({ seed: 42 });
      try {
        await s.admin.setFaults({ errorRate: 0.5 });
        const statuses: number[] = [];
        for (let i = 0; i < 12; i += 1) {
          statuses.push(
            (await h.call('POST', 'GenerateAuthorizeToken', { headers: { 'flinks-auth-key': SECRET } }))
              .status,
          );
        }
        return statuses;
      } finally {
        await s.close();
      }
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
  });

  it('refuses invalid fault settings', async () => {
    await expect(sim.admin.setFaults({ errorRate: 2 })).rejects.toMatchObject({ status: 400 });
    await expect(sim.admin.setFaults({ bogus: true } as never)).rejects.toMatchObject({ status: 400 });
  });
});
