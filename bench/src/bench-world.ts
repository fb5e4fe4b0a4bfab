// Everything one benchmark run stands on: a Temporal server of its own (the CLI's dev server, or the cluster of
// `npm run cluster`: four services on PostgreSQL), the Flinks simulator (over real HTTP, with the
// run's latency), the product's workers in a child process configured as `npm run worker` is, and a client.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { FlinksRefreshClient } from '../../src/client';
import { type AppConfig, loadConfig } from '../../src/config';
import { startSimulator, type Simulator } from '../../src/simulator';
import { findFreePort } from '../../src/temporal/exec';
import { startPrivateDevServer } from '../../test/harness/dev-server';
import { startCluster } from '../../tools/cluster/cluster';
import { TEMPORAL_SERVER_VERSION } from '../../src/temporal/cluster-tools';
import { type BenchOptions } from './bench-options';
import { compileWorker } from './worker/compile-worker';
import { startWorkerChild, type WorkerChild } from './worker/worker-child';
import { WORKER_ENV } from './worker/worker-messages';

export const BENCH_SECRET = 'bench-flinks-secret';

export interface BenchWorld {
  env: TestWorkflowEnvironment;
  sim: Simulator;
  config: AppConfig;
  cards: FlinksRefreshClient;
  worker: WorkerChild;
  /** The server's Prometheus endpoints, one per Temporal process (their `action` counter is what Cloud would bill). */
  metricsUrls: string[];
  store: string;
  dir: string;
  close(): Promise<void>;
}

export async function createBenchWorld(
  options: BenchOptions,
  say: (line: string) => void,
  cardsExpected: number,
): Promise<BenchWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'flinks-bench-'));
  const closers: (() => Promise<void>)[] = [() => rm(dir, { recursive: true, force: true })];
  const close = async (): Promise<void> => {
    for (const closer of [...closers].reverse()) await closer();
  };
  try {
    const server = await startServer(options, dir, say);
    closers.push(server.stop);
    const { env } = server;

    const sim = await startSimulator({
      secretKey: BENCH_SECRET,
      // A frozen virtual clock: with a ticking one, every request re-checks every card's nightly slot
      // (10 ms a request at 10,000 cards), and Flinks' real 04:00-08:00 UTC job could fire mid-run.
      clockTicks: false,
      pollsBeforeReady: options.pollsBeforeReady,
      seed: options.seed,
      // Every request of the run, so the baseline can make the same ones (the log is a ring otherwise).
      requestLogSize: Math.min(1_000_000, Math.max(10_000, cardsExpected * 12)),
    });
    closers.push(() => sim.close());
    await sim.admin.setFaults({
      latencyMs: options.latencyMs - options.jitterMs,
      jitterMs: 2 * options.jitterMs,
    });

    const workerEnv: Record<string, string> = {
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: env.namespace ?? 'default',
      FLINKS_BASE_URL: sim.baseUrl,
      FLINKS_SECRET_KEY: BENCH_SECRET,
      FLINKS_MAX_RPS: String(options.maxRps),
      FLINKS_MAX_CONCURRENCY: String(options.concurrency),
      FLINKS_POLL_INTERVAL: `${options.pollIntervalMs}ms`,
      DATA_SINK_DIR: join(dir, 'sink'),
      WORKER_SHUTDOWN_GRACE: '5s',
      LOG_LEVEL: 'info',
    };
    const config = loadConfig(workerEnv);
    const cards = new FlinksRefreshClient({
      client: env.client,
      taskQueue: config.temporal.taskQueue,
      flinksTaskQueue: config.flinks.taskQueue,
    });

    if (options.maxCachedWorkflows !== null) {
      workerEnv.TEMPORAL_MAX_CACHED_WORKFLOWS = String(options.maxCachedWorkflows);
    }
    // Experiments: worker options (JSON) and extra environment (JSON), from the bench's own environment.
    const experiment = process.env[WORKER_ENV.workerOptions];
    if (experiment) workerEnv[WORKER_ENV.workerOptions] = experiment;
    Object.assign(workerEnv, JSON.parse(process.env.BENCH_WORKER_ENV ?? '{}'));
    if (options.prebundle) {
      say('Bundling the workflow code…');
      const bundle = await bundleWorkflowCode({
        workflowsPath: require.resolve('../../src/workflows'),
        logger: new DefaultLogger('WARN'),
      });
      const bundlePath = join(dir, 'workflow-bundle.js');
      await writeFile(bundlePath, bundle.code);
      workerEnv[WORKER_ENV.workflowBundle] = bundlePath;
    }
    say(`Starting the worker process${options.prebundle ? '' : ' (it bundles the workflow code)'}…`);
    const compiled = compileWorker();
    closers.push(async () => compiled.remove());
    const worker = await startWorkerChild({
      entry: compiled.entry,
      env: workerEnv,
      logFile: join(dir, 'worker.log'),
    });
    closers.push(() => worker.stop());

    return {
      env,
      sim,
      config,
      cards,
      worker,
      metricsUrls: server.metricsUrls,
      store: server.description,
      dir,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

interface BenchServer {
  env: TestWorkflowEnvironment;
  metricsUrls: string[];
  /** What the results record as the run's Temporal. */
  description: string;
  stop(): Promise<void>;
}

async function startServer(
  options: BenchOptions,
  dir: string,
  say: (line: string) => void,
): Promise<BenchServer> {
  if (options.server === 'cluster') {
    say("Starting the cluster: PostgreSQL, then Temporal's four services…");
    const cluster = await startCluster({
      mode: 'services',
      metrics: true,
      dataDir: join(dir, 'cluster'),
      log: say,
    });
    try {
      const env = await TestWorkflowEnvironment.createFromExistingServer({ address: cluster.address });
      return {
        env,
        metricsUrls: cluster.metricsUrls,
        description: `cluster, Temporal ${TEMPORAL_SERVER_VERSION.slice(1)} as four services on PostgreSQL 15 (persistence and visibility)`,
        async stop() {
          await env.teardown();
          await cluster.stop();
        },
      };
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }
  const metricsPort = await findFreePort();
  const storeArgs = options.store === 'file' ? ['--db-filename', join(dir, 'temporal.db')] : [];
  say('Starting the Temporal dev server…');
  const env = await startPrivateDevServer(['--metrics-port', String(metricsPort), ...storeArgs]);
  return {
    env,
    metricsUrls: [`http://127.0.0.1:${metricsPort}/metrics`],
    description:
      options.store === 'file'
        ? 'dev server, SQLite in a file (--db-filename)'
        : 'dev server, SQLite in memory (the dev server default)',
    stop: () => env.teardown(),
  };
}
