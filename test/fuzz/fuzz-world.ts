// The world the fuzz and security suites run in: the shared dev server, the Flinks simulator on the real clock,
// the product's own workers (createWorkers) on a task queue of the suite's own, the product's client, and a
// directory sink in a temp dir. Nothing is mocked: activities call the simulator over HTTP.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type WorkflowHandle } from '@temporalio/client';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { FlinksRefreshClient } from '../../src/client';
import { type AppConfig, loadConfig } from '../../src/config';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { createWorkers, type FlinksRefreshWorkers } from '../../src/worker';
import { connectToDevServer } from '../harness/dev-server';
import { uniqueTaskQueue } from '../harness/task-queue';
import { bundleWorkflows } from '../harness/workflow-bundle';

const { WorkflowTaskFailedCause } = temporal.api.enums.v1;

export interface FuzzWorld {
  env: TestWorkflowEnvironment;
  sim: Simulator;
  config: AppConfig;
  cards: FlinksRefreshClient;
  workers: FlinksRefreshWorkers;
  sinkDir: string;
  taskQueue: string;
  /** Throws if a worker stopped with an error since the world started. */
  assertWorkersHealthy(): void;
  close(): Promise<void>;
}

export interface FuzzWorldOptions {
  /** FLINKS_SECRET_KEY, also the simulator's. */
  secret: string;
  /** FLINKS_API_KEY, also the simulator's; unset = no x-api-key. */
  apiKey?: string;
  simulator?: Partial<SimulatorOptions>;
  /** Extra environment for loadConfig (BACKEND_NOTIFY_URL, LOG_LEVEL, …). */
  env?: Record<string, string>;
  /** Overrides the FLINKS_BASE_URL (e.g. a recording proxy in front of the simulator). */
  flinksBaseUrl?: (sim: Simulator) => Promise<string> | string;
}

export async function createFuzzWorld(options: FuzzWorldOptions): Promise<FuzzWorld> {
  const env = await connectToDevServer();
  const sim = await startSimulator({
    secretKey: options.secret,
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    pollsBeforeReady: 0,
    seed: 7,
    ...options.simulator,
  });
  const sinkDir = await mkdtemp(join(tmpdir(), 'fuzz-sink-'));
  const taskQueue = uniqueTaskQueue('fuzz');
  const baseUrl = options.flinksBaseUrl ? await options.flinksBaseUrl(sim) : sim.baseUrl;
  const config = loadConfig({
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: env.namespace ?? 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    FLINKS_TASK_QUEUE: `${taskQueue}-flinks`,
    FLINKS_BASE_URL: baseUrl,
    FLINKS_SECRET_KEY: options.secret,
    ...(options.apiKey === undefined ? {} : { FLINKS_API_KEY: options.apiKey }),
    FLINKS_MAX_RPS: '300',
    FLINKS_MAX_CONCURRENCY: '50',
    FLINKS_POLL_INTERVAL: '20ms',
    DATA_SINK_DIR: sinkDir,
    WORKER_SHUTDOWN_GRACE: '2s',
    ...options.env,
  });
  const cards = new FlinksRefreshClient({
    client: env.client,
    taskQueue,
    flinksTaskQueue: config.flinks.taskQueue,
  });
  const workers = await createWorkers(config, env.nativeConnection, { workflowBundle: await cachedBundle() });
  let workerError: unknown = null;
  const running = workers.run().catch((error: unknown) => {
    workerError = error ?? new Error('a worker stopped');
  });
  let closed: Promise<void> | null = null;

  return {
    env,
    sim,
    config,
    cards,
    workers,
    sinkDir,
    taskQueue,
    assertWorkersHealthy() {
      if (workerError !== null) throw workerError;
    },
    close: () =>
      (closed ??= (async () => {
        workers.shutdown();
        await running;
        await workers.close();
        await sim.close();
        await env.teardown();
        await rm(sinkDir, { recursive: true, force: true });
      })()),
  };
}

const ROOT = join(__dirname, '..', '..');

/**
 * The workflow bundle, built once for all the suites of a run: webpack takes ~10 s per suite otherwise. Kept in the
 * temp dir under a hash of every source file and the lock file, so any change rebuilds it.
 */
async function cachedBundle(): Promise<{ code: string }> {
  const hash = createHash('sha256');
  for (const file of await sourceFiles(join(ROOT, 'src'))) {
    hash.update(file).update(await readFile(file));
  }
  hash.update(await readFile(join(ROOT, 'package-lock.json')));
  const path = join(tmpdir(), `flinks-refresh-fuzz-bundle-${hash.digest('hex').slice(0, 24)}.js`);
  try {
    return { code: await readFile(path, 'utf8') };
  } catch {
    const { code } = await bundleWorkflows(require.resolve('../../src/workflows'));
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, code);
    await rename(temp, path);
    return { code };
  }
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? sourceFiles(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]),
    ),
  );
  return nested.flat().sort();
}

/**
 * Every run of a workflow, oldest first: from its first run, following continue-as-new links in the histories
 * (no visibility query, so nothing is eventually consistent).
 */
export async function runChain(
  env: TestWorkflowEnvironment,
  workflowId: string,
  firstRunId: string,
  maxRuns = 100,
): Promise<WorkflowHandle[]> {
  const chain: WorkflowHandle[] = [];
  let runId: string | null | undefined = firstRunId;
  while (runId && chain.length < maxRuns) {
    const handle: WorkflowHandle = env.client.workflow.getHandle(workflowId, runId);
    chain.push(handle);
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
  }
  return chain;
}

export interface TaskFailure {
  cause: string;
  message: string;
}

/** The WorkflowTaskFailed events of one run, with their cause's name (e.g. `UNHANDLED_COMMAND`). */
export async function workflowTaskFailures(handle: WorkflowHandle): Promise<TaskFailure[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.workflowTaskFailedEventAttributes)
    .map((e) => {
      const attributes = e.workflowTaskFailedEventAttributes;
      const cause = WorkflowTaskFailedCause[attributes?.cause ?? 0] ?? String(attributes?.cause);
      return {
        cause: cause.replace('WORKFLOW_TASK_FAILED_CAUSE_', ''),
        message: attributes?.failure?.message ?? 'no message',
      };
    });
}

/**
 * The one failure Temporal records on its own in a healthy workflow: the worker completed (or continued-as-new)
 * while a signal was arriving, the server refuses the completion and the worker handles the signal first. Nothing
 * is lost, nothing the workflow can prevent.
 */
export const isBenignTaskFailure = (failure: TaskFailure): boolean => failure.cause === 'UNHANDLED_COMMAND';
