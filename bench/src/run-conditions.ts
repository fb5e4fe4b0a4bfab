// What every result says about the conditions it was measured in: the settings, the machine and how busy it was
// (figures from a loaded 2-core box mean little without that).
import { cpus, loadavg, totalmem } from 'node:os';
import { type BenchOptions } from './bench-options';
import { type ScenarioMix } from './scenario-mix';
import { WORKER_METHOD } from './worker/worker-child';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../../src/config';
import { ROUTINE_PACING } from '../../src/schedule';

export interface RunStart {
  startedAt: string;
  loadAverage: number[];
}

export function runStart(): RunStart {
  return { startedAt: new Date().toISOString(), loadAverage: loadavg() };
}

/** The fields every result opens with, from the run's start until now. */
export function runConditions(
  start: RunStart,
  options: BenchOptions,
  run: { cards: number; mix: ScenarioMix; temporal: string },
) {
  return {
    version: 1 as const,
    startedAt: start.startedAt,
    finishedAt: new Date().toISOString(),
    settings: {
      cards: run.cards,
      mix: run.mix,
      latencyMs: options.latencyMs,
      jitterMs: options.jitterMs,
      maxRps: options.maxRps,
      concurrency: options.concurrency,
      pollIntervalMs: options.pollIntervalMs,
      pollsBeforeReady: options.pollsBeforeReady,
      seed: options.seed,
      temporal: run.temporal,
      worker: WORKER_METHOD,
      maxCachedWorkflows: options.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS,
      prebundled: options.prebundle,
      routineSignalConcurrency: options.routineSignalConcurrency ?? ROUTINE_PACING.signalConcurrency,
    },
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      loadAverageAtStart: start.loadAverage,
      loadAverageAtEnd: loadavg(),
    },
  };
}
