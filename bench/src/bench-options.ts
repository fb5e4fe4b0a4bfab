// `npm run bench -- [options]`: what one benchmark run does. Defaults are the product's production settings,
// except the few that a deployment sizes for itself (FLINKS_MAX_RPS), each said in the usage text.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../../src/domain/duration';
import { DEFAULT_MIX, parseMix, type ScenarioMix } from './scenario-mix';

export interface BenchOptions {
  help: boolean;
  /** Open this many cards, then idle while they sleep between nights, and report the worker's memory. */
  sleeping: boolean;
  cards: number;
  mix: ScenarioMix;
  /** Simulated Flinks latency per request: uniform in [latencyMs - jitterMs, latencyMs + jitterMs]. */
  latencyMs: number;
  jitterMs: number;
  /** FLINKS_MAX_RPS and FLINKS_MAX_CONCURRENCY, for the product's workers and the baseline alike. */
  maxRps: number;
  concurrency: number;
  /** FLINKS_POLL_INTERVAL: the wait before each poll of a data call that answered 202. */
  pollIntervalMs: number;
  /** Simulator: data calls answer 202 this many times before 200 (`slow` cards: 3 more). */
  pollsBeforeReady: number;
  apiRequests: number;
  apiConcurrency: number;
  /** TEMPORAL_MAX_CACHED_WORKFLOWS for the worker; null: the product's default, as `npm run worker` runs. */
  maxCachedWorkflows: number | null;
  /** Bundle the workflow code before the worker starts (a build step) instead of in the worker at start. */
  prebundle: boolean;
  /** The routine's signals in flight (one shard at a time); null: the product's pacing (ROUTINE_PACING). */
  routineSignalConcurrency: number | null;
  /** How long the sleeping mode samples the idle worker. */
  sleepSampleMs: number;
  /** The product run gives up after this long and reports how far it got. */
  deadlineMs: number;
  /** 'dev': the CLI's dev server (SQLite); 'cluster': Temporal's four services on PostgreSQL (tools/cluster). */
  server: 'dev' | 'cluster';
  /** 'memory': the dev server's default in-memory SQLite; 'file': SQLite in a file, as `npm start` runs it. */
  store: 'memory' | 'file';
  resultsDir: string;
  seed: number;
}

export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

export const BENCH_USAGE = `Usage: npm run bench -- [options]

  --cards N              cards to open (2000)
  --mix LIST             scenario shares in percent (${formatMixDefault()})
  --latency MS           simulated Flinks latency per request (100)
  --jitter MS            ± this much, uniformly (20)
  --max-rps N            FLINKS_MAX_RPS for the workers and the baseline (100; production default 5 is sized for
                         small deployments and would make 10,000 cards take over an hour in each run)
  --concurrency N        FLINKS_MAX_CONCURRENCY for the workers and the baseline (10, the production default)
  --poll-interval DUR    FLINKS_POLL_INTERVAL (10s, the production default)
  --polls-before-ready N simulator: 202 answers before a data call is ready (0: cached data is ready at once)
  --api-requests N       requests per API operation in the latency phase (100)
  --api-concurrency N    concurrent API clients (4)
  --deadline DUR         stop waiting for the product run after this long and report how far it got (30m)
  --server dev|cluster   the Temporal server: the CLI's dev server (default), or the production topology of
                         \`npm run cluster\`: four Temporal services on PostgreSQL 15 (persistence and visibility)
  --store memory|file    the dev server's SQLite: in memory (default) or in a file
  --results-dir PATH     where <date>.json and <date>.png go (bench/results)
  --seed N               seed of loginIds, scenario order and simulator randomness (1)
  --max-cached-workflows N  TEMPORAL_MAX_CACHED_WORKFLOWS, the worker's workflow cache (default: the product's)
  --prebundle            bundle the workflow code before the worker starts, not inside it (default: inside, as in
                         production)
  --routine-signals N    the routine sends at most N signals at once, one shard at a time (default: the
                         product's pacing, 2; the routine's own input defaults are 25 per shard, 4 shards at once)
  --sleeping             open --cards cards (default 10000 here) and report the worker's memory while they sleep
  --sleep-sample DUR     how long the sleeping mode samples (20s)
  -h, --help             this text

Experiments (not recorded in the results): BENCH_WORKER_OPTIONS='{"main":{…},"flinks":{…}}' merges SDK worker
options into the two workers; BENCH_WORKER_ENV='{"NAME":"value"}' adds environment variables to the worker process.`;

function formatMixDefault(): string {
  return Object.entries(DEFAULT_MIX)
    .map(([scenario, share]) => `${scenario}=${share}`)
    .join(',');
}

/** Options that take a value (all read as text, then checked one by one below). */
const VALUE_OPTIONS = [
  'cards',
  'mix',
  'latency',
  'jitter',
  'max-rps',
  'concurrency',
  'poll-interval',
  'polls-before-ready',
  'api-requests',
  'api-concurrency',
  'sleep-sample',
  'deadline',
  'server',
  'store',
  'results-dir',
  'seed',
  'max-cached-workflows',
  'routine-signals',
] as const;
type Values = Partial<Record<(typeof VALUE_OPTIONS)[number], string>> & {
  help?: boolean;
  sleeping?: boolean;
  prebundle?: boolean;
};

function readArgs(argv: readonly string[]): Values {
  const options = {
    help: { type: 'boolean', short: 'h' },
    sleeping: { type: 'boolean' },
    prebundle: { type: 'boolean' },
    ...Object.fromEntries(VALUE_OPTIONS.map((name) => [name, { type: 'string' }])),
  } as const;
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Values;
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error));
  }
}

export function parseBenchOptions(argv: readonly string[], cwd = process.cwd()): BenchOptions {
  const values = readArgs(argv);
  const sleeping = values.sleeping === true;
  const latencyMs = whole('--latency', values.latency, 100, 0);
  const jitterMs = whole('--jitter', values.jitter, 20, 0);
  if (jitterMs > latencyMs) throw new BenchUsageError('--jitter must not exceed --latency');
  const server = values.server ?? 'dev';
  if (server !== 'dev' && server !== 'cluster') {
    throw new BenchUsageError(`--server must be 'dev' or 'cluster', not '${server}'`);
  }
  const store = values.store ?? 'memory';
  if (store !== 'memory' && store !== 'file') throw new BenchUsageError("--store must be 'memory' or 'file'");
  if (server === 'cluster' && values.store !== undefined) {
    throw new BenchUsageError("--store is the dev server's: the cluster stores on PostgreSQL");
  }
  return {
    help: values.help === true,
    sleeping,
    cards: whole('--cards', values.cards, sleeping ? 10_000 : 2_000, 1),
    mix: mixOption(values.mix),
    latencyMs,
    jitterMs,
    maxRps: whole('--max-rps', values['max-rps'], 100, 3),
    concurrency: whole('--concurrency', values.concurrency, 10, 1),
    pollIntervalMs: duration('--poll-interval', values['poll-interval'], '10s'),
    pollsBeforeReady: whole('--polls-before-ready', values['polls-before-ready'], 0, 0),
    apiRequests: whole('--api-requests', values['api-requests'], 100, 1),
    apiConcurrency: whole('--api-concurrency', values['api-concurrency'], 4, 1),
    maxCachedWorkflows:
      values['max-cached-workflows'] === undefined
        ? null
        : whole('--max-cached-workflows', values['max-cached-workflows'], 0, 2),
    prebundle: values.prebundle === true,
    routineSignalConcurrency:
      values['routine-signals'] === undefined
        ? null
        : whole('--routine-signals', values['routine-signals'], 0, 1),
    sleepSampleMs: duration('--sleep-sample', values['sleep-sample'], '20s'),
    deadlineMs: duration('--deadline', values.deadline, '30m'),
    server,
    store,
    resultsDir: resolve(cwd, values['results-dir'] ?? 'bench/results'),
    seed: whole('--seed', values.seed, 1, 0),
  };
}

function whole(flag: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new BenchUsageError(`${flag} must be a whole number ≥ ${min} (got '${text}')`);
  }
  return value;
}

function duration(flag: string, text: string | undefined, fallback: string): number {
  try {
    return parseDuration(text ?? fallback);
  } catch (error) {
    throw new BenchUsageError(`${flag}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function mixOption(text: string | undefined): ScenarioMix {
  if (text === undefined) return DEFAULT_MIX;
  try {
    return parseMix(text);
  } catch (error) {
    throw new BenchUsageError(`--mix: ${error instanceof Error ? error.message : String(error)}`);
  }
}
