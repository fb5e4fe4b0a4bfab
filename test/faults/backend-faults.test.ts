// Our own backend failing: notifications wait in the card's outbox and are retried with the same idempotency
// key until the backend recovers, data is redelivered on its own, and the card's lifecycle never waits for either.
import { DAY_MS, HOUR_MS } from '../../src/domain/time';
import { refreshNowUpdate, stateQuery } from '../../src/workflows/definitions';
import { type CardWorld, createCardWorld, eventually } from '../workflows/card-env';

let world: CardWorld;
beforeAll(async () => {
  world = await createCardWorld({ sink: 'http' });
});
afterAll(async () => {
  await world?.close();
});

test('notifications survive a backend that fails, then hangs, then recovers: same key, delivered once', async () => {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'mfa-on-live' });
  const handle = await world.startCard({ loginId });
  world.backend.mode = 'down';
  // The user-facing answer does not wait for the backend.
  const started = Date.now();
  expect((await handle.executeUpdate(refreshNowUpdate, { args: [{}] })).outcome).toBe('mfa-required');
  expect(Date.now() - started).toBeLessThan(5_000);
  await eventually(
    async () => world.backend.notificationAttempts.length,
    (n) => n >= 1,
  );

  world.backend.mode = 'hang';
  await world.env.sleep(30_000); // retries run on the skipped clock
  world.backend.mode = 'up';
  await world.env.sleep(30 * 60_000);
  const delivered = await eventually(
    async () => world.backend.notifications.filter((n) => n.loginId === loginId),
    (ns) => ns.length === 1,
  );
  const key = delivered[0]!.idempotencyKey;
  expect(delivered[0]).toMatchObject({ type: 'card.status-changed', to: 'awaiting-user-mfa' });
  // Every attempt for this change carried the same key.
  const attemptsForCard = world.backend.notificationAttempts.filter((k) => k === key);
  expect(attemptsForCard.length).toBeGreaterThanOrEqual(2);
  expect((await handle.query(stateQuery)).status).toBe('awaiting-user-mfa');
});

test('a data sink that fails does not lose data: it is redelivered on its own, and the card stays healthy', async () => {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
  const handle = await world.startCard({ loginId });
  world.backend.mode = 'down';
  await world.env.sleep(5 * DAY_MS + HOUR_MS); // the check's cached call fetches new data; the sink refuses it
  const failedLook = await handle.query(stateQuery);
  // A delivery outage, not a Flinks failure: the cached call counted and the card says so.
  expect(failedLook.status).toBe('scheduled');
  expect(failedLook.lastError).toBeNull();
  expect(failedLook.deliveryPending).toMatchObject({ reason: expect.stringContaining('HTTP 503') });
  const attempts = world.backend.sinkAttempts.length;
  expect(attempts).toBeGreaterThan(0);

  world.backend.mode = 'up';
  await world.env.sleep(7 * HOUR_MS); // the redelivery backs off to at most 6 h
  const healed = await eventually(
    () => handle.query(stateQuery),
    (v) => v.deliveryPending === null,
  );
  expect(healed.eligible).toBe(true);
  expect(healed.lastError).toBeNull();
  expect(world.backend.sinkRecords.size).toBeGreaterThanOrEqual(1);
  expect(world.backend.sinkAttempts.length).toBeGreaterThan(attempts);
});
