// When only the user can fix a login: awaiting-user-mfa, the reconnect that ends it, the refresh button,
// and giving up after 30 days.
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/domain/time';
import { reconnectedSignal, refreshNowUpdate, stateQuery } from '../../src/workflows/definitions';
import { type CardWorld, createCardWorld, eventually } from './card-env';

let world: CardWorld;
beforeAll(async () => {
  world = await createCardWorld();
});
afterAll(async () => {
  await world?.close();
});

test('an mfa-on-live card goes stale, waits for the user with a notification, and a reconnect brings it back', async () => {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'mfa-on-live' });
  await world.run(async () => {
    const handle = await world.startCard({ loginId });
    // Flinks' nightly refresh fails on the one-time code; the card finds out at its next look.
    await world.env.sleep(5 * DAY_MS + HOUR_MS);
    const waiting = await handle.query(stateQuery);
    expect(waiting.status).toBe('awaiting-user-mfa');
    expect(waiting.eligible).toBe(false);
    expect(waiting.awaitingUserSince).not.toBeNull();
    await eventually(
      async () => world.notifications.filter((n) => n.loginId === loginId),
      (ns) => ns.some((n) => n.type === 'card.status-changed' && n.to === 'awaiting-user-mfa'),
    );
    // No live attempt was burnt: it would only prompt the user again.
    expect((await world.sim.admin.counters()).byCard[loginId]?.['authorize-live'] ?? 0).toBe(0);

    // The user reconnects in Flinks Connect; the backend forwards the requestId.
    const { requestId } = await world.sim.admin.completeUserReconnect(loginId);
    await handle.signal(reconnectedSignal, { requestId });
    const back = await eventually(
      () => handle.query(stateQuery),
      (v) => v.status === 'scheduled',
    );
    expect(back.eligible).toBe(true);
    expect(back.pendingRequestId).toBeNull();
    expect(back.awaitingUserSince).toBeNull();
  });
});

test('refreshNow on an MFA card returns the requestId for Flinks Connect; a second press resumes it', async () => {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'mfa-on-live' });
  await world.run(async () => {
    const handle = await world.startCard({ loginId });
    const first = await handle.executeUpdate(refreshNowUpdate, { args: [{}] });
    expect(first.outcome).toBe('mfa-required');
    expect(first.requestId).toEqual(expect.any(String));
    const second = await handle.executeUpdate(refreshNowUpdate, { args: [{}] });
    expect(second).toEqual(first);
    expect((await world.sim.admin.counters()).byCard[loginId]?.['authorize-live']).toBe(1);

    const { requestId } = await world.sim.admin.completeUserReconnect(loginId, first.requestId);
    await handle.signal(reconnectedSignal, { requestId });
    await eventually(
      () => handle.query(stateQuery),
      (v) => v.status === 'scheduled',
    );
  });
});

test('a reconnect with an expired requestId keeps the card waiting, with the error recorded', async () => {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'mfa-on-live' });
  await world.run(async () => {
    const handle = await world.startCard({ loginId });
    const { requestId } = await handle.executeUpdate(refreshNowUpdate, { args: [{}] });
    await world.env.sleep(9 * MINUTE_MS);
    await handle.signal(reconnectedSignal, { requestId: requestId ?? 'missing' });
    const view = await eventually(
      () => handle.query(stateQuery),
      (v) => v.lastError?.code === 'SESSION_NONEXISTENT',
    );
    expect(view.status).toBe('awaiting-user-mfa');
  });
});

test('after 30 days of waiting, scheduled refresh is turned off; a later reconnect turns it back on', async () => {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'mfa-on-live' });
  await world.run(async () => {
    const handle = await world.startCard({ loginId });
    await handle.executeUpdate(refreshNowUpdate, { args: [{}] });
    await world.env.sleep(30 * DAY_MS + HOUR_MS);
    const abandoned = await handle.query(stateQuery);
    expect(abandoned.status).toBe('unscheduled');
    expect(abandoned.scheduledRefresh).toBe(false);
    expect((await world.sim.admin.getCard(loginId)).scheduledRefresh).toBe(false);

    const { requestId } = await world.sim.admin.completeUserReconnect(loginId);
    await handle.signal(reconnectedSignal, { requestId });
    const back = await eventually(
      () => handle.query(stateQuery),
      (v) => v.status === 'scheduled',
    );
    expect(back.scheduledRefresh).toBe(true);
    expect((await world.sim.admin.getCard(loginId)).scheduledRefresh).toBe(true);
  });
});

test('refreshNow outcomes: refreshed, failed, and two concurrent presses share one Flinks session', async () => {
  const healthy = await world.sim.admin.createCard({ scenario: 'healthy' });
  const broken = await world.sim.admin.createCard({ scenario: 'disabled-institution' });
  await world.run(async () => {
    const ok = await world.startCard({ loginId: healthy.loginId });
    const [a, b] = await Promise.all([
      ok.executeUpdate(refreshNowUpdate, { args: [{}] }),
      ok.executeUpdate(refreshNowUpdate, { args: [{}] }),
    ]);
    expect(a.outcome).toBe('refreshed');
    expect(b).toEqual(a);
    expect((await world.sim.admin.counters()).byCard[healthy.loginId]?.['authorize-live']).toBe(1);

    const ko = await world.startCard({ loginId: broken.loginId });
    const failed = await ko.executeUpdate(refreshNowUpdate, { args: [{}] });
    expect(failed).toMatchObject({ outcome: 'failed', errorCode: 'DISABLED_INSTITUTION' });
    expect((await ko.query(stateQuery)).status).toBe('errored');
  });
});
