// The nightly routine's input (the contract's `{ routineId?, maxDataAge? }` plus optional tuning knobs) and
// how a run names itself when no routineId is given.
import { z } from 'zod';
import { describeZodError } from './card-messages';
import { DurationError, parseDuration } from './duration';
import { flinksTaskQueueFor } from './task-queues';

export const routineDefaults = {
  /** A shard is listed and signalled by one activity: small enough to finish in seconds, big enough to be few. */
  cardsPerShard: 1_000,
  /** Visibility page size: one listWorkflowExecutions call. */
  pageSize: 500,
  /** Shards in flight at once. */
  shardConcurrency: 4,
  /** Signals in flight at once within one shard. */
  signalConcurrency: 25,
} as const;

const taskQueueName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^'"\\]+$/, {
    message: 'must not contain quotes or backslashes (it goes into a visibility query)',
  });

export const routineInputSchema = z
  .object({
    routineId: z.string().min(1).max(200).optional(),
    /** Data older than this gets a manual refresh when a card checks itself; default: the card's policy (24 hours). */
    maxDataAge: z.string().optional(),
    /** The task queue whose cards this routine serves; default: the routine's own task queue. */
    cardTaskQueue: taskQueueName.optional(),
    /** The Flinks activities' task queue; default `<the routine's task queue>-flinks`, as for cards. */
    flinksTaskQueue: taskQueueName.optional(),
    cardsPerShard: z.number().int().min(1).max(1_000_000).optional(),
    pageSize: z.number().int().min(1).max(1_000).optional(),
    shardConcurrency: z.number().int().min(1).max(32).optional(),
    signalConcurrency: z.number().int().min(1).max(500).optional(),
  })
  .strict();
export type NightlyRoutineInput = z.infer<typeof routineInputSchema>;

export interface ResolvedRoutineInput {
  routineId: string;
  maxDataAgeMs: number | null;
  cardTaskQueue: string;
  flinksTaskQueue: string;
  cardsPerShard: number;
  pageSize: number;
  shardConcurrency: number;
  signalConcurrency: number;
}

export class InvalidRoutineInputError extends Error {
  override readonly name = 'InvalidRoutineInputError';
}

/** What the run knows about itself, for the defaults. */
export interface RoutineRunContext {
  /** The schedule's TemporalScheduledStartTime, when a schedule started this run. */
  scheduledStartTime: Date | null;
  /** When this run's workflow started (ms). */
  startedAtMs: number;
  taskQueue: string;
}

export function resolveRoutineInput(raw: unknown, run: RoutineRunContext): ResolvedRoutineInput {
  const parsed = routineInputSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new InvalidRoutineInputError(`Invalid routine input: ${describeZodError(parsed.error)}`);
  }
  const input = parsed.data;
  let maxDataAgeMs: number | null = null;
  if (input.maxDataAge !== undefined) {
    try {
      maxDataAgeMs = parseDuration(input.maxDataAge);
    } catch (error) {
      if (!(error instanceof DurationError)) throw error;
      throw new InvalidRoutineInputError(`Invalid routine input: maxDataAge: ${error.message}`);
    }
    if (maxDataAgeMs < 1) {
      throw new InvalidRoutineInputError(
        `Invalid routine input: maxDataAge must be at least 1 ms (got '${input.maxDataAge}')`,
      );
    }
  }
  return {
    routineId: input.routineId ?? defaultRoutineId(run),
    maxDataAgeMs,
    cardTaskQueue: input.cardTaskQueue ?? run.taskQueue,
    flinksTaskQueue: input.flinksTaskQueue ?? flinksTaskQueueFor(run.taskQueue),
    cardsPerShard: input.cardsPerShard ?? routineDefaults.cardsPerShard,
    pageSize: input.pageSize ?? routineDefaults.pageSize,
    shardConcurrency: input.shardConcurrency ?? routineDefaults.shardConcurrency,
    signalConcurrency: input.signalConcurrency ?? routineDefaults.signalConcurrency,
  };
}

/**
 * `nightly-YYYY-MM-DD`, the UTC date of the schedule's nominal time (or of the start, for a manual run): every
 * run for the same day, scheduled, caught up, retriggered or manual, shares the id, and cards ignore a repeat.
 */
export function defaultRoutineId(run: Pick<RoutineRunContext, 'scheduledStartTime' | 'startedAtMs'>): string {
  const at = run.scheduledStartTime?.getTime() ?? run.startedAtMs;
  return `nightly-${new Date(at).toISOString().slice(0, 10)}`;
}
