// The daily routine's nightlyStatus branches, the backend's commands, bad payloads and continue-as-new.
import { SHORT_RUNS_PATCH } from '../../src/workflows/card-lifecycle';
import { DAY_MS, HOUR_MS } from '../../src/domain/time';
import {
  disconnectSignal,
  nightlyStatusSignal,
  refreshNowUpdate,
  setScheduledRefreshSignal,
  stateQuery,
  webhookRefreshSignal,
} from '../../src/workflows/definitions';
import {
  type CardWorld,
  createCardWorld,
  eventually,
  floodWithMalformedSignals,
  workflowTaskFailures,
} from './card-env';

let world: CardWorld;
beforeAll(async () => {
  world = await createCardWorld();
});
afterAll(async () => {
  await world?.close();
});

const listed = (code: string | null, state: string | null = 'Failed') => ({
  lastRefreshDate: '2026-11-20T05:00:00.0000000',
  lastRefreshState: state,
  lastRefreshErrorCode: code,
});

async function liveCount(loginId: string): Promise<number> {
  return (await world.sim.admin.counters()).byCard[loginId]?.['authorize-live'] ?? 0;
}
async function cachedCount(loginId: string): Promise<number> {
  return (await world.sim.admin.counters()).byCard[loginId]?.['authorize-cached'] ?? 0;
}

describe('nightlyStatus', () => {
  test('listed with a user-fixable code: straight to awaiting-user-mfa, no live attempt', async () => {
    const { loginId } = await world.sim.admin.createCard({ scenario: 'mfa-on-live' });
    const handle = await world.startCard({ loginId });
    await handle.signal(nightlyStatusSignal, { routineId: 'n1', ineligible: listed('QUESTION_NOT_FOUND') });
    const view = await eventually(
      () => handle.query(stateQuery),
      (v) => v.lastRoutineId === 'n1',
    );
    expect(view.status).toBe('awaiting-user-mfa');
    expect(await liveCount(loginId)).toBe(0);
  });

  test('listed with no code while answering a security challenge: awaiting-user-mfa too', async () => {
    const { loginId } = await world.sim.admin.createCard({ scenario: 'mfa-on-live' });
    const handle = await world.startCard({ loginId });
    await handle.signal(nightlyStatusSignal, {
      routineId: 'n2',
      ineligible: listed(null, 'AnsweringSecurityChallenge'),
    });
    const view = await eventually(
      () => handle.query(stateQuery),
      (v) => v.lastRoutineId === 'n2',
    );
    expect(view.status).toBe('awaiting-user-mfa');
    expect(await liveCount(loginId)).toBe(0);
  });

  test.each(['RETRY_LATER', 'BANK MAINTENANCE_RETRY_LATER', 'DISABLED_INSTITUTION'])(
    'listed with eligibility-keeping %s: stays scheduled with lastError, nothing called',
    async (code) => {
      const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
      const handle = await world.startCard({ loginId });
      await handle.signal(nightlyStatusSignal, { routineId: `keep-${code}`, ineligible: listed(code) });
      const view = await eventually(
        () => handle.query(stateQuery),
        (v) => v.lastRoutineId === `keep-${code}`,
      );
      expect(view.status).toBe('scheduled');
      expect(view.lastError?.code).toBe(code.replace(' ', '_'));
      expect(await liveCount(loginId)).toBe(0);
      expect(await cachedCount(loginId)).toBe(0);
    },
  );

  test('listed with anything else: one manual refresh', async () => {
    const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
    const handle = await world.startCard({ loginId });
    await handle.signal(nightlyStatusSignal, { routineId: 'n3', ineligible: listed('INVALID_REQUEST') });
    const view = await eventually(
      () => handle.query(stateQuery),
      (v) => v.lastRoutineId === 'n3' && v.status === 'scheduled' && v.lastError === null,
    );
    expect(view.eligible).toBe(true);
    expect(await liveCount(loginId)).toBe(1);
  });

  test('not listed: a cached call, and a manual refresh only when the data is older than maxDataAge', async () => {
    const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy', scheduledRefresh: true });
    const handle = await world.startCard({ loginId });
    await world.env.sleep(DAY_MS);
    await handle.signal(nightlyStatusSignal, { routineId: 'n4', ineligible: null });
    await eventually(
      () => cachedCount(loginId),
      (n) => n === 1,
    );
    expect(await liveCount(loginId)).toBe(0);
    // Last night's data is under an hour old only right after the slot; ask for fresher than 1 minute.
    await handle.signal(nightlyStatusSignal, { routineId: 'n5', ineligible: null, maxDataAgeMs: 60_000 });
    await eventually(
      () => liveCount(loginId),
      (n) => n === 1,
    );
    expect(await cachedCount(loginId)).toBe(2);
  });

  test('a repeated routineId is ignored', async () => {
    const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
    const handle = await world.startCard({ loginId });
    await handle.signal(nightlyStatusSignal, { routineId: 'dup', ineligible: null });
    await eventually(
      () => cachedCount(loginId),
      (n) => n === 1,
    );
    await handle.signal(nightlyStatusSignal, { routineId: 'dup', ineligible: null });
    await handle.signal(nightlyStatusSignal, { routineId: 'dup', ineligible: listed('INVALID_REQUEST') });
    await world.env.sleep(HOUR_MS);
    expect(await cachedCount(loginId)).toBe(1);
    expect(await liveCount(loginId)).toBe(0);
  });
});

describe('backend commands', () => {
  test('setScheduledRefresh moves the card between scheduled and unscheduled, at Flinks too', async () => {
    const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
    const handle = await world.startCard({ loginId });
    await handle.signal(setScheduledRefreshSignal, { enabled: false });
    await eventually(
      () => handle.query(stateQuery),
      (v) => v.status === 'unscheduled',
    );
    expect((await world.sim.admin.getCard(loginId)).scheduledRefresh).toBe(false);
    await handle.signal(setScheduledRefreshSignal, { enabled: true });
    await eventually(
      () => handle.query(stateQuery),
      (v) => v.status === 'scheduled',
    );
    expect((await world.sim.admin.getCard(loginId)).scheduledRefresh).toBe(true);
  });

  test('disconnect without deleting turns scheduled refresh off and completes with the final state', async () => {
    const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
    const handle = await world.startCard({ loginId });
    await handle.signal(disconnectSignal, {});
    const final = await handle.result();
    expect(final.status).toBe('disconnected');
    expect((await world.sim.admin.getCard(loginId)).scheduledRefresh).toBe(false);
    await expect(handle.executeUpdate(refreshNowUpdate, { args: [{}] })).rejects.toThrow();
  });

  test('disconnect with deleteData deletes the card at Flinks', async () => {
    const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
    const handle = await world.startCard({ loginId });
    await handle.signal(disconnectSignal, { deleteData: true });
    expect((await handle.result()).status).toBe('disconnected');
    await expect(world.sim.admin.getCard(loginId)).rejects.toThrow();
    expect((await world.sim.admin.counters()).byKind['delete-card']).toBeGreaterThanOrEqual(1);
  });

  test('refreshNow on a disconnected card is rejected by the validator', async () => {
    const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
    const handle = await world.startCard({ loginId });
    // With the backend down the disconnected card waits for its last notification, so it is still running.
    world.backend.mode = 'hang';
    try {
      await handle.signal(disconnectSignal, {});
      await eventually(
        () => handle.query(stateQuery),
        (v) => v.status === 'disconnected',
      );
      await expect(handle.executeUpdate(refreshNowUpdate, { args: [{}] })).rejects.toMatchObject({
        cause: { type: 'CardDisconnectedError', message: expect.stringMatching(/is disconnected/) as string },
      });
    } finally {
      world.backend.mode = 'up';
    }
    expect((await handle.result()).status).toBe('disconnected');
  });
});

describe('webhooks', () => {
  test('a webhook refresh renews the success window; a redelivery changes nothing', async () => {
    const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
    const handle = await world.startCard({ loginId, policy: { webhooks: true } });
    await world.env.sleep(3 * DAY_MS);
    const lastRefresh = new Date(await world.now()).toISOString();
    for (let i = 0; i < 3; i++) await handle.signal(webhookRefreshSignal, { requestId: 'wh-1', lastRefresh });
    const view = await eventually(
      () => handle.query(stateQuery),
      (v) => v.lastSuccessfulRefreshAt === lastRefresh,
    );
    expect(view.eligibleUntil).toBe(new Date(Date.parse(lastRefresh) + 7 * DAY_MS).toISOString());
    expect(view.malformedMessages.count).toBe(0);
  });
});

describe('robustness', () => {
  test('malformed payloads are recorded and ignored, with no workflow task failure', async () => {
    const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
    const handle = await world.startCard({ loginId });
    const raw = world.env.client.workflow.getHandle(handle.workflowId);
    await raw.signal('nightlyStatus', { routineId: 42 });
    await raw.signal('nightlyStatus');
    await raw.signal('reconnected', { requestId: '' });
    await raw.signal('setScheduledRefresh', { enabled: 'yes' });
    await raw.signal('disconnect', 'now');
    await raw.signal('reconnected', null);
    const view = await eventually(
      () => handle.query(stateQuery),
      (v) => v.malformedMessages.count === 6,
    );
    expect(view.status).toBe('scheduled');
    expect(view.malformedMessages.lastReason).toMatch(/reconnected/);
    expect(await workflowTaskFailures(handle)).toEqual([]);
  });
});

// These send hundreds of signals and need no time skipping: on the Java test server a burst's signal calls now and
// then stalled for about 86 s (1 run in 4 of this file, the first in a fresh server), so they run on the dev server.
describe('continue-as-new under signal floods (dev server)', () => {
  let devWorld: CardWorld;
  beforeAll(async () => {
    devWorld = await createCardWorld({ server: 'dev-server' });
  });
  afterAll(async () => {
    await devWorld?.close();
  });

  test('continue-as-new under a burst of signals loses none of them', async () => {
    const { loginId } = await devWorld.sim.admin.createCard({ scenario: 'healthy' });
    const handle = await devWorld.startCard({ loginId, policy: { continueAsNewAfterEvents: 60 } });
    const firstRunId = (await handle.describe()).runId;
    const raw = devWorld.env.client.workflow.getHandle(handle.workflowId);
    const burst = 150;
    await Promise.all(Array.from({ length: burst }, (_, i) => raw.signal('nightlyStatus', { routineId: i })));
    const view = await eventually(
      () => handle.query(stateQuery),
      (v) => v.malformedMessages.count === burst,
    );
    expect(view.status).toBe('scheduled');
    expect((await handle.describe()).runId).not.toBe(firstRunId);
    // A real signal after the burst still works in the new run.
    await handle.signal(setScheduledRefreshSignal, { enabled: false });
    await eventually(
      () => handle.query(stateQuery),
      (v) => v.status === 'unscheduled',
    );
  });

  test('by default a run continues-as-new past 250 events, under SHORT_RUNS_PATCH', async () => {
    const { loginId } = await devWorld.sim.admin.createCard({ scenario: 'healthy' });
    const handle = await devWorld.startCard({ loginId });
    const firstRunId = (await handle.describe()).runId;
    await floodWithMalformedSignals(devWorld, handle.workflowId, 300);
    // The count can reach 300 in the first run's last workflow task, before its continue-as-new is in visibility.
    await eventually(
      () => handle.describe(),
      (d) => d.runId !== firstRunId,
    );
    const first =
      (await devWorld.env.client.workflow.getHandle(handle.workflowId, firstRunId).fetchHistory()).events ??
      [];
    const marker = first.find((e) => e.markerRecordedEventAttributes)?.markerRecordedEventAttributes;
    expect(marker?.markerName).toBe('core_patch');
    expect(JSON.stringify(marker?.details)).toContain(
      Buffer.from(JSON.stringify(SHORT_RUNS_PATCH)).toString('base64'),
    );
    expect(first.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    expect(first.length).toBeGreaterThanOrEqual(250);
    expect(first.length).toBeLessThan(400);
  }, 240_000);
});
