import { DAY_MS, HOUR_MS } from '../../src/domain/time';
import { nightlyStatusSignal, stateQuery } from '../../src/workflows/definitions';
import { type CardWorld, createCardWorld } from './card-env';

let world: CardWorld;
beforeAll(async () => {
  world = await createCardWorld();
});
afterAll(async () => {
  await world?.close();
});

test('a healthy card stays eligible for 60 days, with and then without the daily routine, and makes exactly the promised Flinks calls', async () => {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
  await world.run(async () => {
    const handle = await world.startCard({ loginId, institution: 'FlinksCapital' });
    // 30 days with a routine each morning, after Flinks' 04:00-08:00 job.
    for (let day = 1; day <= 30; day++) {
      await world.env.sleep(DAY_MS);
      await handle.signal(nightlyStatusSignal, { routineId: `r-${day}`, ineligible: null });
      const view = await handle.query(stateQuery);
      expect(view.status).toBe('scheduled');
      expect(view.eligible).toBe(true);
    }
    await world.env.sleep(HOUR_MS);
    const withRoutine = (await world.sim.admin.counters()).byCard[loginId] ?? {};
    expect(withRoutine['authorize-cached']).toBe(30);
    expect(withRoutine['authorize-live'] ?? 0).toBe(0);
    expect(withRoutine['accounts-detail']).toBe(30);

    // 30 days with the schedule paused: the card keeps itself alive.
    for (let day = 31; day <= 60; day++) {
      await world.env.sleep(DAY_MS);
      const view = await handle.query(stateQuery);
      expect(view.eligible).toBe(true);
      expect(view.status).toBe('scheduled');
    }
    const total = (await world.sim.admin.counters()).byCard[loginId] ?? {};
    // One look every 5 days (7-day window minus the 2-day warning lead), nothing else.
    expect(total['authorize-cached']).toBe(30 + 6);
    expect(total['authorize-live'] ?? 0).toBe(0);
    expect(world.notifications.filter((n) => n.loginId === loginId)).toEqual([]);
  });
});
