// A deployment in miniature for the routine, schedule, client and CLI tests: the shared dev server, the Flinks
// simulator on the real clock, and the product's own workers (createWorkers) on a task queue of this suite's own.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { FlinksRefreshClient } from '../../src/client';
import { type AppConfig, loadConfig } from '../../src/config';
import { forEachBounded } from '../../src/domain/for-each-bounded';
import { type CardView } from '../../src/domain/card-messages';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { createWorkers, type FlinksRefreshWorkers, type WorkerOverrides } from '../../src/worker';
import { type NightlyRoutineInput } from '../../src/domain/routine-input';
import { cardWorkflowId } from '../../src/workflows/definitions';
import { nightlyRoutine } from '../../src/workflows/nightly-routine';
import { connectToDevServer } from '../harness/dev-server';
import { uniqueTaskQueue } from '../harness/task-queue';
import { spawnWorkerProcess, type WorkerProcess } from '../harness/worker-process';
import { bundleWorkflows } from '../harness/workflow-bundle';

export const SECRET = 'routine-test-secret-do-not-log';

export interface RunningWorkers {
  workers: FlinksRefreshWorkers;
  /** Shuts both workers down (in-flight activities get WORKER_SHUTDOWN_GRACE) and closes their activities. */
  stop(): Promise<void>;
}

export { type WorkerProcess } from '../harness/worker-process';

export interface RoutineWorld {
  env: TestWorkflowEnvironment;
  sim: Simulator;
  config: AppConfig;
  /** The environment a child process (the CLI) needs to reach this world. */
  processEnv: Record<string, string>;
  cards: FlinksRefreshClient;
  taskQueue: string;
  startWorkers(overrides?: Omit<WorkerOverrides, 'workflowBundle'>): Promise<RunningWorkers>;
  /**
   * `npm run worker` in a child process, configured like this world (plus `env`): a second deployment of the
   * workers. Resolves once it has started.
   */
  startWorkerProcess(options?: {
    env?: Record<string, string>;
    /** A command that runs the worker's command line, e.g. `['unshare', '--pid', '--fork']`. */
    launcher?: readonly string[];
  }): Promise<WorkerProcess>;
  /**
   * Waits until every card has handled `routineId` and has nothing pending (no workflow task, no activity):
   * whatever the routine's signal caused has happened. Returns each card's view.
   */
  settled(loginIds: readonly string[], routineId: string, timeoutMs?: number): Promise<Map<string, CardView>>;
  close(): Promise<void>;
}

export async function createRoutineWorld(
  options: {
    env?: Record<string, string>;
    simulator?: Partial<SimulatorOptions>;
    /** A Temporal server of the suite's own (host:port) instead of the shared dev server. */
    temporalAddress?: string;
  } = {},
): Promise<RoutineWorld> {
  const env = options.temporalAddress
    ? await TestWorkflowEnvironment.createFromExistingServer({ address: options.temporalAddress })
    : await connectToDevServer();
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
  // Bundled when first needed: suites that run only worker processes never wait for it.
  const bundle = () => bundleWorkflows(require.resolve('../../src/workflows'));
  const running: RunningWorkers[] = [];
  const children: (() => Promise<void>)[] = [];

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
        workflowBundle: await bundle(),
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
    async startWorkerProcess(workerOptions = {}) {
      const worker = await spawnWorkerProcess({
        env: { PATH: process.env.PATH, ...processEnv, LOG_LEVEL: 'info', ...workerOptions.env },
        launcher: workerOptions.launcher,
      });
      children.push(worker.stop);
      return worker;
    },
    async settled(loginIds, routineId, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      // A card that has settled on the routine stays settled (its next timer is days away): asked once.
      const views = new Map<string, CardView>();
      for (;;) {
        const waiting: string[] = [];
        await forEachBounded(
          loginIds.filter((id) => !views.has(id)),
          25,
          async (loginId) => {
            const { raw } = await env.client.workflow.getHandle(cardWorkflowId(loginId)).describe();
            // A cached call does not show as `refreshing`: only "nothing pending" says the card is done.
            const pending = (raw.pendingActivities ?? []).map(
              (a) =>
                `${a.activityType?.name} attempt ${a.attempt} (${a.state}, last failure: ${a.lastFailure?.message ?? 'none'}, worker ${a.lastWorkerIdentity})`,
            );
            if (raw.pendingWorkflowTask) pending.push('a workflow task');
            // A worker busy replaying (after a crash, on a loaded machine) may miss the query's window: ask again.
            const view =
              pending.length === 0
                ? await cards.getCard(loginId).catch((error: unknown) => {
                    pending.push(`query failed: ${error instanceof Error ? error.message : String(error)}`);
                    return null;
                  })
                : null;
            if (view?.lastRoutineId === routineId) views.set(loginId, view);
            else {
              waiting.push(`${loginId}: ${pending.join(', ') || `last routine ${view?.lastRoutineId}`}`);
            }
          },
        );
        if (waiting.length === 0) return views;
        if (Date.now() > deadline) {
          throw new Error(
            `${waiting.length} cards not settled on ${routineId}: ${waiting.slice(0, 5).join('; ')}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    async close() {
      await Promise.all([...running.map((r) => r.stop()), ...children.map((stop) => stop())]);
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

/** The routine's shard activities so far: scheduled, completed, and attempts after the first. */
export async function completedShards(
  handle: WorkflowHandle,
): Promise<{ scheduled: number; completed: number; retried: number }> {
  const events = (await handle.fetchHistory()).events ?? [];
  const shardIds = new Set(
    events
      .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'signalCardShard')
      .map((e) => String(e.eventId)),
  );
  return {
    scheduled: shardIds.size,
    completed: events.filter((e) =>
      shardIds.has(String(e.activityTaskCompletedEventAttributes?.scheduledEventId)),
    ).length,
    retried: events.filter(
      (e) =>
        shardIds.has(String(e.activityTaskStartedEventAttributes?.scheduledEventId)) &&
        (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1,
    ).length,
  };
}

export function cardHandle(world: RoutineWorld, loginId: string): WorkflowHandle {
  return world.env.client.workflow.getHandle(cardWorkflowId(loginId));
}

/**
 * The most requests the simulator received within any sliding second. The simulator stamps a request when its
 * handler runs, on the test's own busy event loop, so two requests the client started 1,002 ms apart can be
 * stamped a few tens of ms less apart: a window is a second less `jitterMs`, as the Flinks client's own limiter
 * tests measure.
 */
export function peakRequestsPerSecond(arrivals: readonly number[], jitterMs = 100): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let peak = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= 1_000 - jitterMs) start += 1;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

export interface StartedRoutine {
  routineId: string;
  handle: WorkflowHandle<typeof nightlyRoutine>;
}

/** The nightly routine started by hand under a routineId of its own (`<name>-…`), with the input a test picks. */
export async function startRoutine(
  world: Pick<RoutineWorld, 'env' | 'taskQueue' | 'config'>,
  name: string,
  input: Partial<Omit<NightlyRoutineInput, 'routineId' | 'flinksTaskQueue'>> = {},
): Promise<StartedRoutine> {
  const routineId = `${name}-${uniqueTaskQueue('r')}`;
  const handle = await world.env.client.workflow.start(nightlyRoutine, {
    workflowId: `nightly-routine-${routineId}`,
    taskQueue: world.taskQueue,
    args: [{ routineId, flinksTaskQueue: world.config.flinks.taskQueue, ...input }],
  });
  return { routineId, handle };
}
