// The product as a backend uses it: only the contract's variables, a task queue of the backend's own, and cards
// started, signalled and refreshed with a plain @temporalio/client (no product code on the backend's side).
import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { type CardView, type RefreshNowResult } from '../../src/domain/card-messages';
import { flinksTaskQueueFor } from '../../src/domain/task-queues';
import { startSimulator, type Simulator } from '../../src/simulator';
import { FlinksQueueWatch } from '../../src/temporal/flinks-queue-watch';
import { activityQueueHealth } from '../../src/temporal/task-queue-backlog';
import { connectToDevServer } from '../harness/dev-server';
import {
  contractVars as contractVarsOf,
  startContractCard,
  startContractWorker,
} from '../harness/contract-backend';
import { waitFor } from '../harness/wait-for';

const SECRET = 'contract-backend-secret-do-not-log';

let env: TestWorkflowEnvironment;
let sim: Simulator;
let connection: Connection;
let client: Client;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  env = await connectToDevServer();
  sim = await startSimulator({ secretKey: SECRET, pollsBeforeReady: 0 });
  connection = await Connection.connect({ address: env.address });
  client = new Client({ connection, namespace: env.namespace ?? 'default' });
});

afterAll(async () => {
  await Promise.all(stops.map((stop) => stop()));
  await connection?.close();
  await sim?.close();
  await env?.teardown();
});

async function startWorker(vars: Record<string, string>): Promise<{ output(): string }> {
  const worker = await startContractWorker(vars);
  stops.push(worker.stop);
  return worker;
}

function contractVars(taskQueue: string): Record<string, string> {
  return contractVarsOf({
    temporalAddress: env.address,
    namespace: env.namespace ?? 'default',
    taskQueue,
    flinksBaseUrl: sim.baseUrl,
    flinksSecretKey: SECRET,
  });
}

async function startCard(taskQueue: string, extra: Record<string, unknown> = {}) {
  const { loginId } = await sim.admin.createCard({ scenario: 'healthy' });
  const handle = await startContractCard(client, taskQueue, {
    loginId,
    institution: 'FlinksCapital',
    connectedAt: new Date().toISOString(),
    ...extra,
  });
  return { loginId, handle };
}

test('a card started on the backend’s own task queue with the contract input calls Flinks, refreshes and disconnects', async () => {
  const taskQueue = `acme-cards-${randomUUID()}`;
  await startWorker(contractVars(taskQueue));
  const { loginId, handle } = await startCard(taskQueue);
  const connected = await handle.query<CardView>('state');

  await handle.signal('nightlyStatus', { routineId: 'acme-night-1', ineligible: null });
  const afterNight = await waitFor(
    async () => {
      const view = await handle.query<CardView>('state');
      return view.lastRoutineId === 'acme-night-1' && view.lastCachedCallAt !== connected.lastCachedCallAt
        ? view
        : undefined;
    },
    { timeoutMs: 30_000 },
  );
  expect(afterNight).toMatchObject({ loginId, status: 'scheduled', eligible: true, lastError: null });

  const refreshed = await handle.executeUpdate<RefreshNowResult, [Record<string, never>]>('refreshNow', {
    args: [{}],
  });
  expect(refreshed.outcome).toBe('refreshed');

  await handle.signal('disconnect', {});
  expect(await handle.result()).toMatchObject({ status: 'disconnected' });
  const { raw } = await handle.describe();
  expect(raw.pendingActivities ?? []).toHaveLength(0);
});

test('a Flinks queue no worker polls: refreshNow answers within its bound, the card says why, the worker warns', async () => {
  const taskQueue = `acme-split-${randomUUID()}`;
  // A deployment that set FLINKS_TASK_QUEUE on the worker only: cards started with the contract input can't reach it.
  const worker = await startWorker({
    ...contractVars(taskQueue),
    FLINKS_TASK_QUEUE: `elsewhere-${randomUUID()}`,
  });
  expect(worker.output()).toContain(
    'FLINKS_TASK_QUEUE is not the queue cards derive from TEMPORAL_TASK_QUEUE',
  );

  const { handle } = await startCard(taskQueue, { policy: { refreshNowAnswerWithinMs: 2_000 } });
  const started = Date.now();
  const failure = await handle.executeUpdate('refreshNow', { args: [{}] }).then(
    () => null,
    (error: unknown) => error,
  );
  expect(Date.now() - started).toBeLessThan(15_000);
  expect(failure).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (failure as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe('RefreshNowPendingError');
  expect((cause as ApplicationFailure).message).toContain(flinksTaskQueueFor(taskQueue));

  // The Web UI's "current details" of the card (the SDK's built-in metadata query).
  const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  expect(metadata.currentDetails).toContain(`task queue ${flinksTaskQueueFor(taskQueue)}`);

  // The worker's watch finds the stranded activity and says so in its log.
  const logged: { message: string; fields: Record<string, unknown> }[] = [];
  const watch = new FlinksQueueWatch({
    taskQueues: [flinksTaskQueueFor(taskQueue)],
    health: (queue) => activityQueueHealth(env.client.workflowService, env.namespace ?? 'default', queue),
    log: (_level, message, fields) => void logged.push({ message, fields }),
    graceMs: 0,
  });
  const stranded = await waitFor(async () => ((await watch.look()).length > 0 ? true : undefined), {
    timeoutMs: 20_000,
    intervalMs: 500,
  });
  expect(stranded).toBe(true);
  expect(logged[0]).toMatchObject({
    message: 'Flinks activities are waiting on a task queue that no worker polls',
    fields: { taskQueue: flinksTaskQueueFor(taskQueue) },
  });
  await handle.terminate('test done');
});
