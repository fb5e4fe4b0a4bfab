// Smoke test of the Java time-skipping test server: a 7-day sleep completes in seconds of real time.
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { sleeper } from '../fixtures/smoke-workflows';
import { uniqueTaskQueue } from '../harness/task-queue';
import { createTimeSkippingEnv } from '../harness/time-skipping';
import { bundleWorkflows } from '../harness/workflow-bundle';

const SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000;

describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('completes a workflow that sleeps 7 days in seconds of real time', async () => {
    const taskQueue = uniqueTaskQueue('smoke-ts');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleWorkflows(require.resolve('../fixtures/smoke-workflows')),
    });
    const wallStart = Date.now();
    const serverStart = await env.currentTimeMs();

    const result = await worker.runUntil(
      env.client.workflow.execute(sleeper, {
        args: ['7 days'],
        taskQueue,
        workflowId: uniqueTaskQueue('sleeper'),
      }),
    );

    expect(result.finishedAt - result.startedAt).toBeGreaterThanOrEqual(SEVEN_DAYS_MS);
    expect((await env.currentTimeMs()) - serverStart).toBeGreaterThanOrEqual(SEVEN_DAYS_MS);
    expect(Date.now() - wallStart).toBeLessThan(20_000);
  });
});
