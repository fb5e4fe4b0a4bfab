// A connect or a reconnect that arrives while a card closes (DELETE /cards/:id, then POST /cards) ends in a running
// card, never in a lost connect: the closing run continues as a new card once its disconnect is done.
import { type WorkflowHandle } from '@temporalio/client';
import { cardWorkflowId, disconnectSignal, reconnectedSignal } from '../../src/workflows/definitions';
import { waitFor } from '../harness/wait-for';
import { createRoutineWorld, type RoutineWorld } from '../routine/routine-world';

let world: RoutineWorld;

beforeAll(async () => {
  world = await createRoutineWorld();
  await world.startWorkers();
});

afterAll(async () => {
  await world?.sim.admin.clearFaults();
  await world?.close();
});

/** A connected card whose disconnect is in flight at Flinks (SetScheduledRefresh held 1.5 s). */
async function closingCard(): Promise<{ loginId: string; handle: WorkflowHandle; firstRunId: string }> {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
  const { runId } = await world.cards.connect(loginId);
  await world.sim.admin.setFaults({ latencyMs: 1_500, endpoints: ['SetScheduledRefresh'] });
  await world.cards.disconnect(loginId);
  const handle = world.env.client.workflow.getHandle(cardWorkflowId(loginId));
  return { loginId, handle, firstRunId: runId };
}

/** The card's current run once it is a new one, running and scheduled. */
async function newRunning(handle: WorkflowHandle, closingRunId: string) {
  return waitFor(
    async () => {
      const description = await handle.describe();
      if (description.runId === closingRunId || description.status.name !== 'RUNNING') return undefined;
      const view = await world.cards.getCard(description.workflowId.replace('flinks-card-', ''));
      return view.status === 'scheduled' ? { description, view } : undefined;
    },
    { timeoutMs: 20_000 },
  );
}

afterEach(() => world.sim.admin.clearFaults());

test('connect while the disconnect is in flight: started, and the card runs again as a new run', async () => {
  const { loginId, handle } = await closingCard();
  const closing = (await handle.describe()).runId;

  const again = await world.cards.connect(loginId, { institution: 'FlinksCapital' });
  expect(again.started).toBe(true);

  const { view } = await newRunning(handle, closing);
  expect(view).toMatchObject({ loginId, status: 'scheduled', eligible: true, lastError: null });
  const old = world.env.client.workflow.getHandle(cardWorkflowId(loginId), closing);
  expect((await old.describe()).status.name).toBe('CONTINUED_AS_NEW');
  // The closing card's final status still reached the backend's outbox in order: it was carried, not dropped.
  await handle.signal(disconnectSignal, {});
  await expect(handle.result()).resolves.toMatchObject({ status: 'disconnected' });
});

test('connect while the disconnect still waits its turn in the queue', async () => {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
  await world.cards.connect(loginId);
  const handle = world.env.client.workflow.getHandle(cardWorkflowId(loginId));
  const closing = (await handle.describe()).runId;
  // The routine's cached call holds the card; the disconnect queues behind it.
  await world.sim.admin.setFaults({ latencyMs: 1_500, endpoints: ['Authorize'] });
  await handle.signal('nightlyStatus', { routineId: 'closing-queue', ineligible: null });
  await handle.signal(disconnectSignal, {});

  expect((await world.cards.connect(loginId)).started).toBe(true);
  await newRunning(handle, closing);
});

test('a reconnect that arrives while the card closes brings it back with that session’s data', async () => {
  const { loginId, handle } = await closingCard();
  const closing = (await handle.describe()).runId;
  const { requestId } = await world.sim.admin.completeUserReconnect(loginId);
  await world.sim.admin.resetCounters();

  // Sent with a plain signal, as a backend with its own Temporal client does.
  await handle.signal(reconnectedSignal, { requestId });

  await newRunning(handle, closing);
  await waitFor(async () =>
    (await world.sim.admin.counters()).byCard[loginId]?.['accounts-detail'] ? true : undefined,
  );
});

test('a connect on a running card is still idempotent: started false, same run', async () => {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
  const first = await world.cards.connect(loginId);
  const second = await world.cards.connect(loginId);
  expect(second).toMatchObject({ started: false, runId: first.runId });
});
