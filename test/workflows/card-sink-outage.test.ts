// A data sink that refuses (500 for days, a 413 that no retry fixes) is not a Flinks failure: the card keeps
// what Flinks did (its windows move on the cached calls Flinks counted), never logs in at the bank because of
// it, and delivers the newest data on its own once the sink takes it again.
import { DAY_MS, HOUR_MS } from '../../src/domain/time';
import { normalizeFlinksDateTime } from '../../src/flinks';
import { nightlyStatusSignal, stateQuery } from '../../src/workflows/definitions';
import { type CardWorld, createCardWorld, eventually } from './card-env';

let world: CardWorld;
beforeAll(async () => {
  world = await createCardWorld({ sink: 'http' });
});
afterAll(async () => {
  await world?.close();
});
afterEach(() => {
  world.backend.sinkStatus = null;
});

/** What reached the sink for one login (records are keyed by requestId). */
function storedFor(loginId: string): { requestId: string; lastRefresh: string | null }[] {
  return [...world.backend.sinkRecords.values()]
    .map((r) => r as { loginId: string; requestId: string; body: { Login: { LastRefresh?: string } } })
    .filter((r) => r.loginId === loginId)
    .map((r) => ({
      requestId: r.requestId,
      lastRefresh: r.body.Login.LastRefresh ? normalizeFlinksDateTime(r.body.Login.LastRefresh) : null,
    }));
}

async function liveAuthorizes(loginId: string): Promise<number> {
  return (await world.sim.admin.counters()).byCard[loginId]?.['authorize-live'] ?? 0;
}

test('a sink answering 500 for 10 days costs no bank login: the windows keep moving, and the data arrives once it is back', async () => {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
  world.backend.sinkStatus = 500;
  await world.run(async () => {
    const handle = await world.startCard({ loginId });
    for (let day = 1; day <= 10; day++) {
      await world.env.sleep(DAY_MS);
      await handle.signal(nightlyStatusSignal, { routineId: `sink-500-${day}`, ineligible: null });
      await world.env.sleep(HOUR_MS);
      const view = await handle.query(stateQuery);
      expect({ day, status: view.status, eligible: view.eligible, lastError: view.lastError }).toEqual({
        day,
        status: 'scheduled',
        eligible: true,
        lastError: null,
      });
      // Both windows moved on what Flinks did tonight: more than six days left, every day.
      expect(Date.parse(view.eligibleUntil ?? '') - (await world.now())).toBeGreaterThan(
        6 * DAY_MS - HOUR_MS,
      );
      expect(view.deliveryPending).toMatchObject({ reason: expect.stringContaining('HTTP 500') });
    }
    expect(await liveAuthorizes(loginId)).toBe(0);
    expect(storedFor(loginId)).toEqual([]);
    expect(world.backend.sinkAttempts.length).toBeGreaterThan(10);
    const newestAtOutageEnd = (await handle.query(stateQuery)).lastSuccessfulRefreshAt ?? '';

    world.backend.sinkStatus = null;
    await world.env.sleep(7 * HOUR_MS); // the next redelivery is at most 6 h away
    const delivered = await eventually(
      () => handle.query(stateQuery),
      (v) => v.deliveryPending === null,
    );
    const stored = storedFor(loginId);
    expect(stored).toHaveLength(1);
    // The newest refresh (not the first one refused), read from a cached session: no bank contact.
    expect(Date.parse(stored[0]?.lastRefresh ?? '')).toBeGreaterThanOrEqual(Date.parse(newestAtOutageEnd));
    expect(delivered.eligible).toBe(true);
    expect(await liveAuthorizes(loginId)).toBe(0);
  });
});

test('a sink answering 413 (no retry fixes it) past the old lapse: still no bank login, eligible, delivered once it takes the data', async () => {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
  world.backend.sinkStatus = 413;
  await world.run(async () => {
    const handle = await world.startCard({ loginId });
    // No routine: the card's own look (day 5) fetches new data; the sink refuses it from then on.
    await world.env.sleep(9 * DAY_MS);
    const refused = await handle.query(stateQuery);
    expect(refused.status).toBe('scheduled');
    expect(refused.eligible).toBe(true);
    expect(Date.parse(refused.eligibleUntil ?? '')).toBeGreaterThan((await world.now()) + 5 * DAY_MS);
    expect(refused.deliveryPending).toMatchObject({
      attempts: expect.any(Number),
      reason: expect.stringContaining('HTTP 413'),
    });
    expect(refused.deliveryPending?.attempts).toBeGreaterThan(3);
    expect(await liveAuthorizes(loginId)).toBe(0);
    expect(storedFor(loginId)).toEqual([]);

    world.backend.sinkStatus = null;
    await world.env.sleep(7 * HOUR_MS);
    const delivered = await eventually(
      () => handle.query(stateQuery),
      (v) => v.deliveryPending === null,
    );
    expect(storedFor(loginId)).toHaveLength(1);
    expect(delivered.eligible).toBe(true);
    expect(await liveAuthorizes(loginId)).toBe(0);
  });
});
