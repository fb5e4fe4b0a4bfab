// The worker process (`npm run worker`): workflows, backend and routine activities on TEMPORAL_TASK_QUEUE;
// Flinks activities on their own rate-limited FLINKS_TASK_QUEUE; both over one connection.
import { Client } from '@temporalio/client';
import {
  DefaultLogger,
  type LogLevel as SdkLogLevel,
  type NativeConnection,
  Runtime,
  Worker,
  type WorkerOptions,
  type WorkflowBundleOption,
} from '@temporalio/worker';
import { type ActivityBundle, createActivities } from './activities';
import { FlinksFleetGate } from './activities/flinks-fleet-gate';
import { flinksActivitiesPerSecond } from './activities/flinks-rate';
import { dataConverter } from './codec/data-converter';
import { type AppConfig, loadConfigOrExit } from './config';
import { startHealthServer } from './health/health-server';
import { assessWorkers, startingHealth, type WorkerHealth } from './health/worker-health';
import { connectNative } from './temporal/connection';
import { flinksTaskQueueFor } from './domain/task-queues';
import { FlinksQueueWatch, type FlinksQueueWatchOptions } from './temporal/flinks-queue-watch';
import { activityQueueHealth } from './temporal/task-queue-backlog';
import { flinksFleetOnTemporal } from './temporal/flinks-fleet';
import { uniqueWorkerIdentity } from './temporal/worker-identity';
import { bundleWorkflowsOutOfProcess } from './temporal/workflow-bundle';

/** How long a card's workflow task may wait for the worker that has the card cached. */
export const STICKY_QUEUE_TIMEOUT = '30s';

export interface WorkerOverrides {
  /** Used instead of `createActivities(config)`; the caller keeps ownership (`close()` leaves them open). */
  activities?: ActivityBundle;
  taskQueue?: string;
  flinksTaskQueue?: string;
  /** A prebuilt bundle (tests bundle once per file); default: bundle `./workflows` at start. */
  workflowBundle?: WorkflowBundleOption;
  workflowsPath?: string;
  /** How often the worker looks for Flinks activities stranded on an unpolled queue (tests shorten it). */
  flinksQueueWatch?: Pick<FlinksQueueWatchOptions, 'intervalMs' | 'graceMs'>;
  /** Extra options per worker (interceptors, cache sizes, …) for tests and the benchmark. */
  workerOptions?: { main?: Partial<WorkerOptions>; flinks?: Partial<WorkerOptions> };
}

export interface FlinksRefreshWorkers {
  /** Workflows + backend and routine activities. */
  main: Worker;
  /** Flinks activities only, rate limited for the whole task queue. */
  flinks: Worker;
  activities: ActivityBundle;
  /** Runs both until they shut down (signal or `shutdown()`); if one fails, stops the other and rethrows. */
  run(): Promise<void>;
  /** Runs both while `fn` runs, then shuts both down gracefully: the tests' entry point. */
  runUntil<R>(fn: () => Promise<R>): Promise<R>;
  shutdown(): void;
  /** Closes the activities this function created (not overridden ones). Call after the workers stopped. */
  close(): Promise<void>;
}

export async function createWorkers(
  config: AppConfig,
  connection: NativeConnection,
  overrides: WorkerOverrides = {},
): Promise<FlinksRefreshWorkers> {
  // Payload encryption (TEMPORAL_ENCRYPTION_KEYS) for the workers and for the client below: one converter for both.
  const converter = dataConverter(config.temporal);
  // The nightly routine's activities count, list and signal cards: a client over the worker's own connection.
  const activities =
    overrides.activities ??
    createActivities(config, {
      client: new Client({ connection, namespace: config.temporal.namespace, dataConverter: converter }),
    });
  const ownsActivities = overrides.activities === undefined;
  let main: Worker | undefined;
  try {
    const common = {
      connection,
      namespace: config.temporal.namespace,
      // In-flight activities get this long to finish after SIGINT/SIGTERM before they are cancelled.
      shutdownGraceTime: config.worker.shutdownGraceMs,
      dataConverter: converter,
    };
    const workflows: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = overrides.workflowBundle
      ? { workflowBundle: overrides.workflowBundle }
      : { workflowsPath: overrides.workflowsPath ?? require.resolve('./workflows') };
    main = await Worker.create({
      ...common,
      ...workflows,
      taskQueue: overrides.taskQueue ?? config.temporal.taskQueue,
      activities: { ...activities.backend, ...activities.routine },
      // TEMPORAL_MAX_CACHED_WORKFLOWS, not the SDK's heap-sized default: ~0.8 MB of RSS per cached card; an evicted
      // card replays its history when it wakes (README, Performance).
      maxCachedWorkflows: config.worker.maxCachedWorkflows,
      // The SDK's 10 s moves a task waiting that long on this worker's sticky queue to the shared queue, which costs
      // the card 2 more history events; the routine's wave of signals can keep a busy worker that far behind. The
      // price: a dead worker's cards wait up to 30 s for another (README, Performance).
      stickyQueueScheduleToStartTimeout: STICKY_QUEUE_TIMEOUT,
      ...overrides.workerOptions?.main,
    });
    const flinks = await Worker.create({
      ...common,
      taskQueue: overrides.flinksTaskQueue ?? config.flinks.taskQueue,
      activities: activities.flinks,
      // The fleet gate counts processes by identity, and `pid@host` collides (pid 1 in containers sharing a hostname).
      identity: uniqueWorkerIdentity(),
      // Server-side limit shared by every worker polling this queue: it keeps the backlog in Temporal. The strict
      // per-request bound is each process's share of FLINKS_MAX_RPS, kept by the fleet gate below.
      maxTaskQueueActivitiesPerSecond: flinksActivitiesPerSecond(config.flinks.maxRps),
      maxConcurrentActivityTaskExecutions: config.flinks.maxConcurrency,
      // A live refresh heartbeats that its Authorize is about to go, then the session's requestId: the SDK's default
      // throttle (80% of the 1-minute timeout) could hold the requestId 48 s, and a worker killed meanwhile would
      // leave the retry only LIVE_SESSION_LOST instead of a resumable session. Only live refreshes heartbeat.
      maxHeartbeatThrottleInterval: '2s',
      ...overrides.workerOptions?.flinks,
    });
    const sdkLog = (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>) =>
      Runtime.instance().logger[level](message, fields);
    const fleetGate = activities.flinksLimiter
      ? new FlinksFleetGate({
          limiter: activities.flinksLimiter,
          maxRps: config.flinks.maxRps,
          ...flinksFleetOnTemporal(
            connection,
            config.temporal.namespace,
            flinks.options.taskQueue,
            flinks.options.identity,
          ),
          log: sdkLog,
        })
      : null;
    // Cards started with only the contract's input use the derived queue; the configured one serves the rest.
    const derivedFlinksQueue = flinksTaskQueueFor(main.options.taskQueue);
    if (flinks.options.taskQueue !== derivedFlinksQueue) {
      sdkLog('warn', 'FLINKS_TASK_QUEUE is not the queue cards derive from TEMPORAL_TASK_QUEUE', {
        flinksTaskQueue: flinks.options.taskQueue,
        derived: derivedFlinksQueue,
        consequence:
          'cards started without flinksTaskQueue in their input wait for a worker polling the derived queue',
      });
    }
    const queueWatch = new FlinksQueueWatch({
      taskQueues: [flinks.options.taskQueue, derivedFlinksQueue],
      health: (taskQueue) =>
        activityQueueHealth(connection.workflowService, config.temporal.namespace, taskQueue),
      log: sdkLog,
      ...overrides.flinksQueueWatch,
    });
    const workers = [main, flinks];
    const mainWorker = main;
    const shutdown = (): void => {
      for (const worker of workers) {
        if (worker.getState() === 'RUNNING') worker.shutdown();
      }
    };
    /** Runs `work` (the workers running) with the fleet gate and the queue watch looking at the Flinks queues. */
    const withFleetGate = async <R>(work: () => Promise<R>): Promise<R> => {
      fleetGate?.start();
      queueWatch.start();
      try {
        return await work();
      } finally {
        fleetGate?.stop();
        queueWatch.stop();
      }
    };
    return {
      main: mainWorker,
      flinks,
      activities,
      shutdown,
      run: () =>
        withFleetGate(async () => {
          const results = await Promise.allSettled(
            workers.map((worker) =>
              worker.run().catch((error: unknown) => {
                shutdown();
                throw error;
              }),
            ),
          );
          const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
          if (failure) throw failure.reason;
        }),
      runUntil<R>(fn: () => Promise<R>) {
        return withFleetGate(() => mainWorker.runUntil(() => flinks.runUntil(fn)));
      },
      async close() {
        if (ownsActivities) await activities.close();
      },
    };
  } catch (error) {
    // A created worker holds the connection until it has run: start and stop it so the caller can close it.
    await main?.runUntil(Promise.resolve()).catch(() => undefined);
    if (ownsActivities) await activities.close();
    throw error;
  }
}

const SDK_LOG_LEVELS: Record<AppConfig['logLevel'], SdkLogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
};

/** `npm run worker`; `overrides` serve the benchmark, which runs this entry with a given cache size or bundle. */
export async function main(overrides: WorkerOverrides = {}): Promise<void> {
  const config = loadConfigOrExit();
  // Default shutdown signals (SIGINT, SIGTERM, SIGQUIT, SIGUSR2) make every worker shut down gracefully.
  Runtime.install({ logger: new DefaultLogger(SDK_LOG_LEVELS[config.logLevel]) });
  const log = Runtime.instance().logger;
  // WORKER_HEALTH_PORT: up first, so a probe hears "starting" while the workflows bundle and Temporal connects.
  let health: () => WorkerHealth = () => startingHealth('bundling the workflows');
  const healthServer = config.worker.health
    ? await startHealthServer({
        ...config.worker.health,
        health: () => health(),
        log: (message) => log.error(message),
      })
    : null;
  if (healthServer) log.info('Worker health endpoint', { url: healthServer.url });
  try {
    // Bundled out of process: the bundler's memory never enters the worker.
    const bundled =
      overrides.workflowBundle || overrides.workflowsPath ? null : await bundleWorkflowsOutOfProcess();
    health = () => startingHealth(`connecting to Temporal at ${config.temporal.address}`);
    const connection = await connectNative(config.temporal);
    try {
      health = () => startingHealth('creating the workers');
      const workers = await createWorkers(config, connection, {
        ...overrides,
        ...(bundled ? { workflowBundle: { codePath: bundled.codePath } } : {}),
      }).finally(() => bundled?.remove());
      health = () => assessWorkers({ main: workers.main.getStatus(), flinks: workers.flinks.getStatus() });
      log.info('Worker started', {
        address: config.temporal.address,
        namespace: config.temporal.namespace,
        taskQueue: workers.main.options.taskQueue,
        flinksTaskQueue: workers.flinks.options.taskQueue,
      });
      try {
        await workers.run();
      } finally {
        await workers.close();
      }
      log.info('Worker stopped');
    } finally {
      await connection.close();
    }
  } finally {
    await healthServer?.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
