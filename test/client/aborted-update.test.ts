// B9, on demand: an update whose workflow task Temporal refuses (a signal lands while the workflow continues-as-new)
// is aborted by the server with FAILED_PRECONDITION. executeCardUpdate, behind FlinksRefreshClient.refreshNow, sends
// it again to the new run; past its attempts it raises CardUpdateAbortedError (the API's 503).
import { randomUUID } from 'node:crypto';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { abortedUpdateReason, CardUpdateAbortedError, executeCardUpdate } from '../../src/client';
import { cardWorkflowId } from '../../src/workflows/definitions';
import { connectToDevServer } from '../harness/dev-server';
import { installTestRuntime } from '../harness/runtime';
import { uniqueTaskQueue } from '../harness/task-queue';
import { bundleWorkflows } from '../harness/workflow-bundle';
import { type abortProbe } from './fixtures/abort-probe';

/** How long the probe holds its worker in the update handler; the signal lands at a third of it. */
const HOLD_MS = 1_500;

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueTaskQueue('aborted-update');

beforeAll(async () => {
  installTestRuntime();
  env = await connectToDevServer();
  worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace,
    taskQueue,
    workflowBundle: await bundleWorkflows(require.resolve('./fixtures/abort-probe')),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

/** A probe under a card's workflow ID; `update` is sent while a signal lands in the middle of its handler. */
async function raceSignal<T>(
  update: (loginId: string) => Promise<T>,
): Promise<{ loginId: string; result: Promise<T> }> {
  const loginId = randomUUID();
  await env.client.workflow.start<typeof abortProbe>('abortProbe', {
    workflowId: cardWorkflowId(loginId),
    taskQueue,
    args: [HOLD_MS],
  });
  const result = update(loginId);
  result.catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, HOLD_MS / 3));
  await env.client.workflow.getHandle(cardWorkflowId(loginId)).signal('nudge');
  return { loginId, result };
}

test('reproduced: a plain executeUpdate is aborted with FAILED_PRECONDITION', async () => {
  const { result } = await raceSignal((loginId) =>
    env.client.workflow.getHandle(cardWorkflowId(loginId)).executeUpdate('refreshNow', { args: [{}] }),
  );
  const error = await result.then(
    () => null,
    (e: unknown) => e,
  );
  expect(abortedUpdateReason(error)).toMatch(/unexpected workflow task failure/);
});

test('executeCardUpdate sends the aborted update again and gets its answer', async () => {
  const aborted: number[] = [];
  const { result } = await raceSignal((id) =>
    executeCardUpdate<string>(env.client, id, 'refreshNow', [{}], {
      attempts: 5,
      firstDelayMs: 100,
      onAborted: (attempt) => aborted.push(attempt),
    }),
  );
  // The runId of the run that answered: the refused task's run, retried with the signal in its history.
  expect(await result).toMatch(/^[0-9a-f-]{36}$/);
  expect(aborted).toEqual([1]);
});

test('past its attempts, CardUpdateAbortedError names the card, the update and the reason', async () => {
  const { loginId, result } = await raceSignal((id) =>
    executeCardUpdate<string>(env.client, id, 'refreshNow', [{}], { attempts: 1, firstDelayMs: 100 }),
  );
  const error = await result.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CardUpdateAbortedError);
  expect(error).toMatchObject({ loginId, update: 'refreshNow', attempts: 1 });
  expect((error as Error).message).toMatch(
    new RegExp(
      `^Card ${loginId}: Temporal aborted the refreshNow update \\(1 attempt: .*workflow task failure`,
    ),
  );
});
