// A card's world for workflow tests: the Java time-skipping server (or the shared dev server), the Flinks simulator on the SAME clock
// (the simulator asks the test server what time it is), real workers, and a backend that records
// notifications. Nothing is mocked: activities call the simulator over HTTP.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createBackendActivities, createFlinksActivities, BackendNotifier } from '../../src/activities';
import { type CardPolicyOverrides } from '../../src/domain/card-policy';
import { type CardNotification } from '../../src/domain/notifications';
import { DirectorySink, FlinksClient, HttpSink } from '../../src/flinks';
import { startSimulator, type Simulator } from '../../src/simulator';
import { connectToDevServer } from '../harness/dev-server';
import { createTimeSkippingEnv } from '../harness/time-skipping';
import { TestBackend } from './test-backend';
import { uniqueTaskQueue } from '../harness/task-queue';
import { waitFor } from '../harness/wait-for';
import { bundleWorkflows } from '../harness/workflow-bundle';
import { type CardWorkflowInput, cardLifecycle } from '../../src/workflows/card-lifecycle';
import { cardWorkflowId } from '../../src/workflows/definitions';
import { cardSearchAttributes } from '../../src/workflows/search-attributes';
import { temporal } from '@temporalio/proto';

const { IndexedValueType } = temporal.api.enums.v1;

export const SECRET = 'test-secret-key-do-not-log';
export const API_KEY = 'test-api-key-do-not-log';

export interface CardWorld {
  env: TestWorkflowEnvironment;
  sim: Simulator;
  taskQueue: string;
  notifications: CardNotification[];
  /** Fail the backend's notification endpoint while true. */
  /** The backend receiving notifications (and data, with `sink: 'http'`): switch it down or make it hang. */
  backend: TestBackend;
  /** The directory sink's root (with `sink: 'directory'`): replace it with a file to make every write fail. */
  sinkDir: string;
  startCard(
    input: Omit<CardWorkflowInput, 'policy'> & { policy?: CardPolicyOverrides },
  ): Promise<WorkflowHandleWithFirstExecutionRunId<typeof cardLifecycle>>;
  /** Runs `fn`, then fails if a worker died meanwhile. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  now(): Promise<number>;
  close(): Promise<void>;
}

export async function createCardWorld(
  options: {
    pollsBeforeReady?: number;
    webhooks?: boolean;
    server?: 'time-skipping' | 'dev-server';
    /** Where fetched data goes: a temp directory (default) or the test backend over HTTP. */
    sink?: 'directory' | 'http';
  } = {},
): Promise<CardWorld> {
  const devServer = options.server === 'dev-server';
  // The shared dev server already has the search attributes and runs on real time.
  const env = devServer ? await connectToDevServer() : await createTimeSkippingEnv();
  if (!devServer) await registerSearchAttributes(env);
  const sim = await startSimulator({
    secretKey: SECRET,
    apiKey: API_KEY,
    clock: devServer ? () => Date.now() : () => env.currentTimeMs(),
    pollsBeforeReady: options.pollsBeforeReady ?? 0,
    webhooks: options.webhooks ?? false,
  });
  const backend = await TestBackend.start();
  const sinkDir = await mkdtemp(join(tmpdir(), 'flinks-sink-'));
  const flinks = new FlinksClient({
    baseUrl: sim.baseUrl,
    secretKey: SECRET,
    apiKey: API_KEY,
    pollIntervalMs: 20,
  });
  const taskQueue = uniqueTaskQueue('cards');
  // Short timeouts: a hanging backend must cost the test milliseconds, not the production 10-30 s.
  const notifier = new BackendNotifier({
    url: backend.notifyUrl,
    signingSecret: 'sign',
    timeoutMs: 300,
    log: () => undefined,
  });
  const sink =
    options.sink === 'http'
      ? new HttpSink({
          url: backend.sinkUrl,
          hmacSecret: 'sign',
          timeoutMs: 300,
          retries: 1,
          retryBaseDelayMs: 10,
        })
      : new DirectorySink(sinkDir);

  // One pair of workers for the whole file: a worker shut down between tests could strand a task it had
  // just been handed, and the test server does not skip time while a task is outstanding.
  const workers = [
    await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleWorkflows(require.resolve('../../src/workflows')),
      activities: createBackendActivities({ notifier }),
    }),
    await Worker.create({
      connection: env.nativeConnection,
      taskQueue: `${taskQueue}-flinks`,
      activities: traced(createFlinksActivities({ flinks, sink })),
    }),
  ];
  const running = Promise.all(workers.map((w) => w.run()));
  let workerError: unknown = null;
  running.catch((error: unknown) => (workerError = error));

  return {
    env,
    sim,
    taskQueue,
    notifications: backend.notifications,
    backend,
    sinkDir,
    startCard: (input) =>
      env.client.workflow.start(cardLifecycle, {
        workflowId: cardWorkflowId(input.loginId),
        taskQueue,
        args: [input],
      }),
    run: async (fn) => {
      const result = await fn();
      if (workerError !== null) throw workerError;
      return result;
    },
    now: () => env.currentTimeMs(),
    close: async () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await running.catch(() => undefined);
      await flinks.close();
      await sim.close();
      if (sink instanceof HttpSink) await sink.close();
      await backend.close();
      await env.teardown();
      await rm(sinkDir, { recursive: true, force: true });
    },
  };
}

/** Every WorkflowTaskFailed event of a run: there must be none. */
export async function workflowTaskFailures(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.workflowTaskFailedEventAttributes)
    .map((e) => e.workflowTaskFailedEventAttributes?.failure?.message ?? 'unknown');
}

function traced<T extends Record<string, (...args: never[]) => Promise<unknown>>>(acts: T): T {
  if (!process.env.TRACE_ACTIVITIES) return acts;
  return Object.fromEntries(
    Object.entries(acts).map(([name, fn]) => [
      name,
      async (...args: never[]) => {
        const started = Date.now();
        process.stderr.write(`-> ${name} ${JSON.stringify(args).slice(0, 120)}\n`);
        try {
          const result = await fn(...args);
          process.stderr.write(
            `<- ${name} ${Date.now() - started}ms ${JSON.stringify(result).slice(0, 160)}\n`,
          );
          return result;
        } catch (error) {
          process.stderr.write(`!! ${name} ${Date.now() - started}ms ${String(error)}\n`);
          throw error;
        }
      },
    ]),
  ) as T;
}

/** Polls (real time) until `read` gives a value `ok` accepts: workflows act on signals asynchronously. */
export function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  return waitFor(
    async () => {
      const value = await read();
      return ok(value) ? value : undefined;
    },
    { timeoutMs: 15_000, intervalMs: 50 },
  );
}

/**
 * Sends `count` malformed nightlyStatus signals (a numeric routineId), 20 at a time, and waits until the card has
 * counted them all: hundreds of events, so the card continues-as-new on the way and must lose none.
 */
export async function floodWithMalformedSignals(
  world: CardWorld,
  workflowId: string,
  count: number,
): Promise<void> {
  const raw = world.env.client.workflow.getHandle(workflowId);
  for (let i = 0; i < count; i += 20) {
    const batch = Math.min(20, count - i);
    await Promise.all(
      Array.from({ length: batch }, (_, j) => raw.signal('nightlyStatus', { routineId: i + j })),
    );
  }
  await eventually(
    () => raw.query<{ malformedMessages: { count: number } }>('state'),
    (v) => v.malformedMessages.count === count,
  );
}

/** The Java test server knows only its built-in search attributes; its operator service adds ours. */
async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      cardSearchAttributes.map((key) => [
        key.name,
        key.type === 'DATETIME'
          ? IndexedValueType.INDEXED_VALUE_TYPE_DATETIME
          : IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      ]),
    ),
  });
}
