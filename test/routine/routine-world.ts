// A deployment in miniature for the routine, schedule, client and CLI tests: the shared dev server, the Flinks
// simulator on the real clock, and the product's own workers (createWorkers) on a task queue of this suite's own.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type WorkflowHandle } from '@temporalio/client';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { FlinksRefreshClient } from '../../src/client';
import { type AppConfig, loadConfig } from '../../src/config';
import { forEachBounded } from '../../src/domain/for-each-bounded';
import { type CardView } from '../../src/domain/card-messages';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { createWorkers, type FlinksRefreshWorkers, type WorkerOverrides } from '../../src/worker';
import { cardWorkflowId } from '../../src/workflows/definitions';
import { connectToDevServer } from '../harness/dev-server';
import { uniqueTaskQueue } from '../harness/task-queue';
import { waitFor } from '../harness/wait-for';
import { bundleWorkflows } from '../harness/workflow-bundle';

export const SECRET = 'routine-test-secret-do-not-log';

export interface RunningWorkers {
  workers: FlinksRefreshWorkers;
  /** Shuts both workers down (in-flight activities get WORKER_SHUTDOWN_GRACE) and closes their activities. */
  stop(): Promise<void>;
}

export interface RoutineWorld {
  env: TestWorkflowEnvironment;
  sim: Simulator;
  config: AppConfig;
  /** The environment a child process (the CLI) needs to reach this world. */
  processEnv: Record<string, string>;
  cards: FlinksRefreshClient;
  taskQueue: string;
  startWorkers(overrides?: Omit<WorkerOverrides, 'workflowBundle'>): Promise<RunningWorkers>;
  /** Waits until every card has handled `routineId` and settled (no Flinks call in flight). */
  settled(loginIds: readonly string[], routineId: string, timeoutMs?: number): Promise<Map<string, CardView>>;
  /** Waits until no card has a workflow task or an activity pending: whatever a signal caused has happened. */
  quiet(loginIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export async function createRoutineWorld(
  options: { env?: Record<string, string>; simulator?: Partial<SimulatorOptions> } = {},
): Promise<RoutineWorld> {
  const env = await connectToDevServer();
  const sim = await startSimulator({ secretKey: SECRET, pollsBeforeReady: 0, ...options.simulator });
  const sinkDir = await mkdtemp(join(tmpdir(), 'routine-sink-'));
  const taskQueue = uniqueTaskQueue('routine');
  const processEnv: Record<string, string> = {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: env.namespace ?? 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    FLINKS_TASK_QUEUE: `${taskQueue}-flinks`,
    FLINKS_BASE_URL: sim.baseUrl,
    FLINKS_SECRET_KEY: SECRET,
    FLINKS_MAX_RPS: '300',
    FLINKS_MAX_CONCURRENCY: '50',
    FLINKS_POLL_INTERVAL: '20ms',
    DATA_SINK_DIR: sinkDir,
    WORKER_SHUTDOWN_GRACE: '5s',
    ...options.env,
  };
  const config = loadConfig(processEnv);
  const cards = new FlinksRefreshClient({
    client: env.client,
    taskQueue,
    flinksTaskQueue: config.flinks.taskQueue,
  });
  const bundle = await bundleWorkflows(require.resolve('../../src/workflows'));
  const running: RunningWorkers[] = [];

  return {
    env,
    sim,
    config,
    processEnv,
    cards,
    taskQueue,
    async startWorkers(overrides = {}) {
      const workers = await createWorkers(config, env.nativeConnection, {
        ...overrides,
        workflowBundle: bundle,
      });
      const run = workers.run();
      let stopped: Promise<void> | null = null;
      const handle: RunningWorkers = {
        workers,
        stop: () =>
          (stopped ??= (async () => {
            workers.shutdown();
            await run;
            await workers.close();
          })()),
      };
      running.push(handle);
      return handle;
    },
    async settled(loginIds, routineId, timeoutMs = 60_000) {
      return waitFor(
        async () => {
          const views = new Map<string, CardView>();
          await forEachBounded(loginIds, 25, async (loginId) => {
            views.set(loginId, await cards.getCard(loginId));
          });
          const done = [...views.values()].every(
            (v) => v.lastRoutineId === routineId && v.status !== 'refreshing',
          );
          return done ? views : undefined;
        },
        { timeoutMs, intervalMs: 500 },
      );
    },
    async quiet(loginIds) {
      await waitFor(
        async () => {
          let busy = 0;
          await forEachBounded(loginIds, 25, async (loginId) => {
            const { raw } = await env.client.workflow.getHandle(cardWorkflowId(loginId)).describe();
            if (raw.pendingWorkflowTask || (raw.pendingActivities ?? []).length > 0) busy += 1;
          });
          return busy === 0 ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
    },
    async close() {
      await Promise.all(running.map((r) => r.stop()));
      await sim.close();
      await env.teardown();
      await rm(sinkDir, { recursive: true, force: true });
    },
  };
}

/** How many signals of `name` a card's current run received. */
export async function signalsReceived(handle: WorkflowHandle, name: string): Promise<number> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === name)
    .length;
}

export function cardHandle(world: RoutineWorld, loginId: string): WorkflowHandle {
  return world.env.client.workflow.getHandle(cardWorkflowId(loginId));
}

/** Requests the simulator received, most in any sliding one-second window. */
export function peakRequestsPerSecond(arrivals: readonly number[]): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let peak = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= 1_000) start += 1;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}
