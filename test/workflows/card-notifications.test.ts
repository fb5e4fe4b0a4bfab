// A notification the backend refuses for good (a 4xx) is tried a bounded number of times, then parked where the state
// query and the Web UI show it, and the card's outbox moves on to the next one.
import { NOTIFICATION_ATTEMPTS_BEFORE_PARKING } from '../../src/domain/undeliverable-notifications';
import { reconnectedSignal, refreshNowUpdate, stateQuery } from '../../src/workflows/definitions';
import {
  type CardWorld,
  createCardWorld,
  eventually,
  floodWithMalformedSignals,
  workflowTaskFailures,
} from './card-env';

const MINUTE_MS = 60_000;

let world: CardWorld;
beforeAll(async () => {
  world = await createCardWorld();
});
afterAll(async () => {
  await world?.close();
});

test('a 410 is parked after its tries, shown in state and details, kept across continue-as-new; the next one is delivered', async () => {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'mfa-on-live' });
  const handle = await world.startCard({ loginId, policy: { continueAsNewAfterEvents: 120 } });
  const runId = handle.firstExecutionRunId;
  // The backend refuses this card's first notification for good, and takes every other.
  let refused: string | null = null;
  world.backend.refuseNotification = (key) => {
    if (refused === null && key.startsWith(`${runId}:`)) refused = key;
    return key === refused ? 410 : null;
  };

  const prompt = await handle.executeUpdate(refreshNowUpdate, { args: [{}] });
  expect(prompt.outcome).toBe('mfa-required');
  // The user reconnects: a second notification (to scheduled) queues behind the refused one.
  const { requestId } = await world.sim.admin.completeUserReconnect(loginId, prompt.requestId);
  await handle.signal(reconnectedSignal, { requestId });
  await eventually(
    () => handle.query(stateQuery),
    (v) => v.status === 'scheduled',
  );

  await world.env.sleep(20 * MINUTE_MS);
  const ours = () => world.backend.notifications.filter((n) => n.loginId === loginId);
  const attemptsOf = (key: string | null) => world.backend.notificationAttempts.filter((k) => k === key);
  // Still retrying the refused one; the next waits its turn.
  expect(refused).not.toBeNull();
  expect(attemptsOf(refused).length).toBeLessThan(NOTIFICATION_ATTEMPTS_BEFORE_PARKING);
  expect((await handle.query(stateQuery)).undeliverableNotifications).toBeUndefined();
  expect(ours()).toEqual([]);

  await world.env.sleep(40 * MINUTE_MS);
  const view = await eventually(
    () => handle.query(stateQuery),
    (v) => (v.undeliverableNotifications?.length ?? 0) > 0,
  );
  expect(view.undeliverableNotifications).toEqual([
    {
      idempotencyKey: refused,
      type: 'card.status-changed',
      at: expect.any(String) as string,
      parkedAt: expect.any(String) as string,
      status: 410,
      reason: expect.stringMatching(/backend answered 410 .* 10 tries: given up/) as string,
    },
  ]);
  expect(attemptsOf(refused)).toHaveLength(NOTIFICATION_ATTEMPTS_BEFORE_PARKING);
  // The outbox moved on: the status change after it reached the backend.
  const delivered = await eventually(
    async () => ours(),
    (ns) => ns.length === 1,
  );
  expect(delivered[0]).toMatchObject({
    type: 'card.status-changed',
    from: 'awaiting-user-mfa',
    to: 'scheduled',
  });

  const metadata = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');
  expect(metadata.currentDetails).toContain(`Undeliverable notifications: 1`);
  expect(metadata.currentDetails).toContain(`${refused}, HTTP 410`);

  // Carried through continue-as-new with the rest of the state.
  await floodWithMalformedSignals(world, handle.workflowId, 150);
  expect((await handle.describe()).runId).not.toBe(runId);
  expect((await handle.query(stateQuery)).undeliverableNotifications).toEqual(
    view.undeliverableNotifications,
  );
  expect(await workflowTaskFailures(handle)).toEqual([]);
  world.backend.refuseNotification = () => null;
});
