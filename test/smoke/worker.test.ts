// createWorkers: two workers on one connection, each activity group on its own task queue, graceful shutdown.
import { Context } from '@temporalio/activity';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { spawn, spawnSync } from 'node:child_process';
import { type ActivityBundle } from '../../src/activities';
import { loadConfig } from '../../src/config';
import { createWorkers } from '../../src/worker';
import { pingBothQueues } from '../fixtures/smoke-workflows';
import { connectToDevServer } from '../harness/dev-server';
import { uniqueTaskQueue } from '../harness/task-queue';
import { bundleWorkflows } from '../harness/workflow-bundle';

describe('worker', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await connectToDevServer();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  function setUp(hooks: { onFlinksPing?: () => Promise<void> } = {}) {
    const config = loadConfig({
      TEMPORAL_NAMESPACE: env.namespace,
      FLINKS_BASE_URL: 'http://127.0.0.1:9/v3/customer/BankingServices',
      FLINKS_SECRET_KEY: 'not-used',
      FLINKS_MAX_RPS: '3',
      FLINKS_MAX_CONCURRENCY: '2',
      WORKER_SHUTDOWN_GRACE: '10s',
    });
    const ping = (from: string) => async () => `${from}@${Context.current().info.taskQueue}`;
    let closed = false;
    // Fake activities for the fixture workflow: the bundle's real shape is irrelevant to the wiring under test.
    const activities = {
      backend: { ping: ping('backend') },
      flinks: {
        ping: async () => {
          await hooks.onFlinksPing?.();
          return ping('flinks')();
        },
      },
      close: async () => {
        closed = true;
      },
    } as unknown as ActivityBundle;
    const taskQueue = uniqueTaskQueue('worker-main');
    const flinksTaskQueue = uniqueTaskQueue('worker-flinks');
    return { config, activities, taskQueue, flinksTaskQueue, isClosed: () => closed };
  }

  it('runs backend activities on the main queue and Flinks activities on the Flinks queue', async () => {
    const { config, activities, taskQueue, flinksTaskQueue, isClosed } = setUp();
    const workers = await createWorkers(config, env.nativeConnection, {
      activities,
      taskQueue,
      flinksTaskQueue,
      workflowBundle: await bundleWorkflows(require.resolve('../fixtures/smoke-workflows')),
    });
    const result = await workers.runUntil(() =>
      env.client.workflow.execute(pingBothQueues, {
        args: [flinksTaskQueue],
        taskQueue,
        workflowId: uniqueTaskQueue('ping'),
      }),
    );

    expect(workers.flinks.options).toMatchObject({
      // FLINKS_MAX_RPS 3: one activity (up to 3 requests) a second, fleet-wide.
      maxTaskQueueActivitiesPerSecond: 1,
      shutdownGraceTimeMs: 10_000,
      tuner: { activityTaskSlotSupplier: { type: 'fixed-size', numSlots: 2 } },
    });
    expect(result).toEqual([`backend@${taskQueue}`, `flinks@${flinksTaskQueue}`]);
    await workers.close();
    expect(isClosed()).toBe(false); // overridden activities belong to the caller
  });

  it('lets an in-flight activity finish when shut down', async () => {
    let started!: () => void;
    const activityStarted = new Promise<void>((resolve) => (started = resolve));
    let finished = false;
    const { config, activities, taskQueue, flinksTaskQueue } = setUp({
      onFlinksPing: async () => {
        started();
        await new Promise((resolve) => setTimeout(resolve, 500));
        finished = !Context.current().cancellationSignal.aborted;
      },
    });
    const workers = await createWorkers(config, env.nativeConnection, {
      activities,
      taskQueue,
      flinksTaskQueue,
      workflowBundle: await bundleWorkflows(require.resolve('../fixtures/smoke-workflows')),
    });
    const running = workers.run();
    const handle = await env.client.workflow.start(pingBothQueues, {
      args: [flinksTaskQueue],
      taskQueue,
      workflowId: uniqueTaskQueue('ping'),
    });
    await activityStarted;

    workers.shutdown();
    await running;

    expect(finished).toBe(true);
    await handle.terminate('test over');
  });

  it('runs as `npm run worker` does, and stops gracefully on SIGTERM', async () => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/worker.ts'], {
      cwd: `${__dirname}/../..`,
      env: {
        PATH: process.env.PATH,
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_NAMESPACE: env.namespace,
        TEMPORAL_TASK_QUEUE: uniqueTaskQueue('worker-process'),
        FLINKS_TASK_QUEUE: uniqueTaskQueue('worker-process-flinks'),
        FLINKS_BASE_URL: 'http://127.0.0.1:9/v3/customer/BankingServices',
        FLINKS_SECRET_KEY: 'not-used',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const started = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Worker started')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const ready = await Promise.race([started.then(() => true), exited.then(() => false)]);
      if (!ready) throw new Error(`the worker exited before it started:\n${output}`);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('Worker stopped');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits with one line naming the variable when the configuration is invalid', () => {
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/worker.ts'], {
      cwd: `${__dirname}/../..`,
      env: { PATH: process.env.PATH, FLINKS_BASE_URL: 'not a url', FLINKS_SECRET_KEY: 'hunter2-secret' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Invalid configuration: FLINKS_BASE_URL must be an http(s) URL',
    ]);
    expect(result.stderr + result.stdout).not.toContain('hunter2');
  });
});
