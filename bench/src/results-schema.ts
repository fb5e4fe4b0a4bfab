// The shape of bench/results/<date>.json, checked with zod before it is written (and by the smoke test after).
import { z } from 'zod';

const count = z.number().int().nonnegative();
const ms = z.number().nonnegative();
const counts = z.record(z.string(), z.number().nonnegative());

const summarySchema = z.object({ n: count, mean: ms, p50: ms, p99: ms, max: ms });
const lagSchema = z.object({ p50: ms, p99: ms, max: ms, mean: ms });
/** Ms around one Flinks activity (activity-phases.ts), summed up over cards. */
const phasesSchema = z.object({
  cards: count,
  toScheduled: summarySchema,
  queued: summarySchema,
  running: summarySchema,
  closing: summarySchema,
});
/** [seconds since the start, cards done], thinned to a few hundred points. */
const curveSchema = z.array(z.tuple([z.number().nonnegative(), count]));

export const targetSchema = z.object({
  name: z.string(),
  target: z.string(),
  value: z.number().nullable(),
  unit: z.string(),
  met: z.boolean().nullable(),
  note: z.string(),
});
export type Target = z.infer<typeof targetSchema>;

const settingsSchema = z.object({
  cards: count,
  mix: counts,
  latencyMs: ms,
  jitterMs: ms,
  maxRps: count,
  concurrency: count,
  pollIntervalMs: ms,
  pollsBeforeReady: count,
  seed: count,
  temporal: z.string(),
  worker: z.string(),
  /** null: the SDK's default, as `npm run worker` runs. */
  maxCachedWorkflows: count.nullable(),
  prebundled: z.boolean(),
  /** The routine's signals in flight, one shard at a time; null: its defaults. */
  routineSignalConcurrency: count.nullable(),
});

const machineSchema = z.object({
  cpus: count,
  cpuModel: z.string(),
  memoryGb: z.number(),
  node: z.string(),
  platform: z.string(),
  loadAverageAtStart: z.array(z.number()),
  loadAverageAtEnd: z.array(z.number()),
});

export const nightStatsSchema = z.object({
  cards: count,
  events: summarySchema,
  actions: summarySchema,
  /** Mean actions per card, by kind. */
  actionsByKind: counts,
  /** Mean events per card, by event type. */
  eventTypes: counts,
});
export type NightStats = z.infer<typeof nightStatsSchema>;

const common = {
  version: z.literal(1),
  startedAt: z.string(),
  finishedAt: z.string(),
  settings: settingsSchema,
  machine: machineSchema,
  targets: z.array(targetSchema),
};

export const routineResultsSchema = z.object({
  mode: z.literal('routine'),
  ...common,
  setup: z.object({ openMs: ms, workerRssMbWithOpenCards: ms }),
  product: z.object({
    complete: z.boolean(),
    cardsDone: count,
    busyAtDeadline: count,
    wallMs: ms,
    requestsByEndpoint: counts,
    requests: count,
    routine: z.object({
      events: count,
      actions: counts,
      cards: count.nullable(),
      signalled: count.nullable(),
      ineligible: count.nullable(),
      shards: count.nullable(),
      /** Each kind of the routine's activities: first scheduled to last completed, s after the start. */
      steps: z.array(z.object({ activity: z.string(), count, fromS: ms, toS: ms })),
    }),
    /** Where a healthy card's night goes, around its first Flinks activity: see activity-phases.ts. */
    phases: phasesSchema,
    curve: curveSchema,
  }),
  baseline: z.object({
    wallMs: ms,
    cardsDone: count,
    requestsByEndpoint: counts,
    requests: count,
    /** The baseline made the same number of requests to each endpoint as the product. */
    sameCalls: z.boolean(),
    notReplayed: counts,
    curve: curveSchema,
  }),
  /** Product wall time / baseline wall time (null when the product run did not finish). */
  ratio: z.number().nullable(),
  history: z.object({
    byScenario: z.record(z.string(), nightStatsSchema),
    all: nightStatsSchema,
  }),
  actions: z.object({
    /** From history events: mean per card per night, the routine's own actions shared out. */
    historyPerCardPerNight: z.number(),
    /** The server's action counter over the run (heartbeats included) per card. */
    serverPerCardPerNight: z.number(),
    serverByType: counts,
  }),
  cost: z.object({
    usdPerMillionActions: z.number(),
    actionsPerCardPerMonth: z.number(),
    basis: z.string(),
    usdPerMonth100k: z.number(),
    usdPerMonth1M: z.number(),
  }),
  worker: z.object({
    peakRssMb: ms,
    peakSource: z.string(),
    meanRssMb: ms,
    lifetimePeakRssMb: ms.nullable(),
    lagMs: lagSchema,
  }),
  api: z.object({
    concurrency: count,
    simulatorLatencyMs: ms,
    connect: summarySchema,
    reconnected: summarySchema,
    refreshNow: summarySchema,
    failures: count,
    /** Where the time goes: connect's gRPC calls one at a time, refreshNow's phases from history. */
    profile: z.object({
      connect: z.object({ ping: summarySchema, describe: summarySchema, connect: summarySchema }),
      refreshNow: phasesSchema.extend({
        requestToTask: summarySchema,
        taskWait: summarySchema,
        taskRun: summarySchema,
        completedToAnswer: summarySchema,
      }),
    }),
  }),
  chart: z.string(),
});
export type RoutineResults = z.infer<typeof routineResultsSchema>;

export const sleepingResultsSchema = z.object({
  mode: z.literal('sleeping'),
  ...common,
  sleeping: z.object({
    cards: count,
    openMs: ms,
    sampledMs: ms,
    rssMb: z.object({ min: ms, mean: ms, max: ms }),
    heapUsedMb: ms,
    lifetimePeakRssMb: ms.nullable(),
  }),
});
export type SleepingResults = z.infer<typeof sleepingResultsSchema>;

export const benchResultsSchema = z.discriminatedUnion('mode', [routineResultsSchema, sleepingResultsSchema]);
export type BenchResults = z.infer<typeof benchResultsSchema>;
