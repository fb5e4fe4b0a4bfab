// Smoke test of the shared dev server: contract search attributes are registered and visibility queries work.
import { WithStartWorkflowOperation } from '@temporalio/client';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { cardStatusHolder, finish, setCardStatus } from '../fixtures/smoke-workflows';
import { connectToDevServer } from '../harness/dev-server';
import { uniqueTaskQueue } from '../harness/task-queue';
import { waitFor } from '../harness/wait-for';
import { bundleWorkflows } from '../harness/workflow-bundle';

describe('dev server', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('smoke-dev');

  beforeAll(async () => {
    env = await connectToDevServer();
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleWorkflows(require.resolve('../fixtures/smoke-workflows')),
    });
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  it('finds a workflow by the FlinksCardStatus it upserted, started with update-with-start', async () => {
    const status = `smoke-${randomUUID()}`;
    const startWorkflowOperation = new WithStartWorkflowOperation(cardStatusHolder, {
      workflowId: `smoke-card-${randomUUID()}`,
      taskQueue,
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    // Update-with-start needs the server's ExecuteMultiOperation API: this also proves it is enabled.
    await expect(
      env.client.workflow.executeUpdateWithStart(setCardStatus, { args: [status], startWorkflowOperation }),
    ).resolves.toBe(status);
    const handle = await startWorkflowOperation.workflowHandle();

    const found = await waitFor(async () => {
      const ids: string[] = [];
      for await (const execution of env.client.workflow.list({ query: `FlinksCardStatus = '${status}'` })) {
        ids.push(execution.workflowId);
      }
      return ids.length > 0 ? ids : undefined;
    });
    expect(found).toEqual([handle.workflowId]);

    await handle.signal(finish);
    await handle.result();
  });
});
