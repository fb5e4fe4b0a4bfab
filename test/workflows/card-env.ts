// A card's world for workflow tests: the Java time-skipping server (or the shared dev server), the Flinks simulator on the SAME clock
// (the simulator asks the test server what time it is), real workers, and a backend that records
// notifications. Nothing is mocked: activities call the simulator over HTTP.
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createBackendActivities, createFlinksActivities, BackendNotifier } from '../../src/activities';
import { type CardPolicyOverrides } from '../../src/domain/card-policy';
import { type CardNotification } from '../../src/domain/notifications';
import { DirectorySink, FlinksClient } from '../../src/flinks';
import { startSimulator, type Simulator } from '../../src/simulator';
import { connectToDevServer } from '../harness/dev-server';
import { createTimeSkippingEnv } from '../harness/time-skipping';
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
  backendDown: { value: boolean };
  startCard(
    input: Omit<CardWorkflowInput, 'policy'> & { policy?: CardPolicyOverrides },
  ): Promise<WorkflowHandleWithFirstExecutionRunId<typeof cardLifecycle>>;
  /** Runs `fn`, then fails if a worker died meanwhile. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  now(): Promise<number>;
  close(): Promise<void>;
}

export async function createCardWorld(
  options: { pollsBeforeReady?: number; webhooks?: boolean; server?: 'time-skipping' | 'dev-server' } = {},
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
  const notifications: CardNotification[] = [];
  const backendDown = { value: false };
  const backend = await startBackend(notifications, backendDown);
  const sinkDir = await mkdtemp(join(tmpdir(), 'flinks-sink-'));
  const flinks = new FlinksClient({
    baseUrl: sim.baseUrl,
    secretKey: SECRET,
    apiKey: API_KEY,
    pollIntervalMs: 20,
  });
  const taskQueue = uniqueTaskQueue('cards');
  const notifier = new BackendNotifier({ url: backend.url, signingSecret: 'sign', log: () => undefined });

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
      activities: traced(createFlinksActivities({ flinks, sink: new DirectorySink(sinkDir) })),
    }),
  ];
  const running = Promise.all(workers.map((w) => w.run()));
  let workerError: unknown = null;
  running.catch((error: unknown) => (workerError = error));

  return {
    env,
    sim,
    taskQueue,
    notifications,
    backendDown,
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
      await new Promise<void>((resolve) => backend.server.close(() => resolve()));
      await env.teardown();
      await rm(sinkDir, { recursive: true, force: true });
    },
  };
}

async function startBackend(
  notifications: CardNotification[],
  down: { value: boolean },
): Promise<{ server: Server; url: string }> {
  const seen = new Set<string>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (down.value) {
        res.writeHead(503).end();
        return;
      }
      const notification = JSON.parse(body) as CardNotification;
      if (!seen.has(notification.idempotencyKey)) {
        seen.add(notification.idempotencyKey);
        notifications.push(notification);
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('backend did not bind');
  return { server, url: `http://127.0.0.1:${address.port}/notifications` };
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
