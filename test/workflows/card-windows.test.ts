// The seven-day windows, kept by timers: exactness of the lapse, the warning before it, and the one
// manual refresh after it.
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/domain/time';
import { stateQuery } from '../../src/workflows/definitions';
import { type CardWorld, createCardWorld } from './card-env';

let world: CardWorld;
beforeAll(async () => {
  world = await createCardWorld();
});
afterAll(async () => {
  await world?.close();
});

test('a card whose refreshes start failing becomes ineligible exactly 7 days after its last success', async () => {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
  await world.run(async () => {
    const handle = await world.startCard({ loginId });
    // One night of success, then the bank starts failing.
    await world.env.sleep(DAY_MS + 4 * HOUR_MS);
    await world.sim.admin.setScenario(loginId, 'retry-later');

    // The card looks at Flinks two days before the lapse and learns the last success from the session data.
    await world.env.sleep(4 * DAY_MS);
    const lastSuccess = Date.parse((await handle.query(stateQuery)).lastSuccessfulRefreshAt ?? '');
    const simCard = await world.sim.admin.getCard(loginId);
    expect(lastSuccess).toBe(Date.parse(simCard.lastSuccessfulRefreshAt ?? ''));

    const untilLapse = lastSuccess + 7 * DAY_MS - (await world.now());
    await world.env.sleep(untilLapse - MINUTE_MS);
    const before = await handle.query(stateQuery);
    expect(before.eligible).toBe(true);
    expect(before.eligibleUntil).toBe(new Date(lastSuccess + 7 * DAY_MS).toISOString());

    await world.env.sleep(2 * MINUTE_MS);
    const after = await handle.query(stateQuery);
    expect(after.eligible).toBe(false);
    expect(after.status).toBe('errored');

    // Exactly one manual refresh was tried at the lapse (the bank still answers RETRY_LATER).
    const counters = await world.sim.admin.counters();
    expect(counters.byCard[loginId]?.['authorize-live']).toBe(1);
    expect(after.lastError?.code).toBe('RETRY_LATER');

    const mine = world.notifications.filter((n) => n.loginId === loginId);
    const warning = mine.find((n) => n.type === 'card.eligibility-expiring');
    expect(warning).toMatchObject({ eligibleUntil: new Date(lastSuccess + 7 * DAY_MS).toISOString() });
    expect(mine.some((n) => n.type === 'card.status-changed' && n.to === 'errored')).toBe(true);
  });
});

test('after the lapse a card sleeps: no Flinks call until a signal arrives', async () => {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'retry-later' });
  await world.run(async () => {
    const handle = await world.startCard({ loginId });
    await world.env.sleep(8 * DAY_MS);
    const atLapse = (await world.sim.admin.counters()).byCard[loginId] ?? {};
    await world.env.sleep(20 * DAY_MS);
    const later = (await world.sim.admin.counters()).byCard[loginId] ?? {};
    expect(later).toEqual(atLapse);
    expect((await handle.query(stateQuery)).status).toBe('errored');
  });
});
