// The `flinks-nightly-routine` schedule: daily after Flinks' 04:00-08:00 UTC job. Applying it is idempotent
// (create, or update in place) and never touches its paused state, which belongs to operators.
import {
  type Client,
  ScheduleAlreadyRunning,
  type ScheduleDescription,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleSpec,
} from '@temporalio/client';
import { type Duration } from '@temporalio/common';
import { type NightlyRoutineInput } from '../domain/routine-input';
import { formatTimeOfDay, parseTimeOfDay } from '../domain/time-of-day';
import { type nightlyRoutine } from '../workflows/nightly-routine';
import { NIGHTLY_ROUTINE_WORKFLOW_TYPE } from '../workflows/definitions';

export const NIGHTLY_SCHEDULE_ID = 'flinks-nightly-routine';
export const DEFAULT_ROUTINE_TIME = '08:30';

/**
 * How fast the routine signals, for the schedule and for runs by hand: one shard at a time, 2 signals in flight.
 * The cards' Flinks calls go no faster than FLINKS_MAX_RPS anyway; signalling 100 at once (the routine's own
 * defaults) only queues thousands of workflow tasks on the worker, and a task that waits over 10 s on a worker's
 * sticky queue times out and costs 2 more history events (README, Performance). Input given explicitly wins.
 */
export const ROUTINE_PACING = { shardConcurrency: 1, signalConcurrency: 2 } as const satisfies Pick<
  NightlyRoutineInput,
  'shardConcurrency' | 'signalConcurrency'
>;

export interface NightlyScheduleOptions {
  /** The workflows' task queue (TEMPORAL_TASK_QUEUE): the routine runs there, next to the cards. */
  taskQueue: string;
  /** The Flinks activities' task queue (FLINKS_TASK_QUEUE), for the routine's step 1. */
  flinksTaskQueue: string;
  /** 'HH:MM' UTC (ROUTINE_SCHEDULE_TIME); default 08:30, after Flinks' 04:00-08:00 job. */
  time?: string;
  /** A worker that was down at the time still runs the day's routine if it is back within this long. */
  catchupWindow?: Duration;
  /** Spreads starts a little, so many deployments do not hit Flinks in the same second. */
  jitter?: Duration;
  /** Extra routine input (e.g. maxDataAge); routineId is left to the run, which derives it from the date. */
  routineInput?: Omit<NightlyRoutineInput, 'routineId' | 'flinksTaskQueue'>;
  scheduleId?: string;
}

export interface AppliedSchedule {
  scheduleId: string;
  created: boolean;
  paused: boolean;
}

const DEFAULT_CATCHUP_WINDOW: Duration = '4 hours';
const DEFAULT_JITTER: Duration = '5 minutes';

function definition(options: NightlyScheduleOptions) {
  const { hour, minute } = parseTimeOfDay(options.time ?? DEFAULT_ROUTINE_TIME);
  const scheduleId = options.scheduleId ?? NIGHTLY_SCHEDULE_ID;
  const spec: ScheduleSpec = {
    calendars: [{ hour, minute, comment: 'daily, after Flinks’ 04:00-08:00 UTC nightly job' }],
    jitter: options.jitter ?? DEFAULT_JITTER,
    // Calendar times are UTC unless a timezone is named: Flinks' job runs on UTC.
  };
  const action: ScheduleOptionsStartWorkflowAction<typeof nightlyRoutine> = {
    type: 'startWorkflow',
    workflowType: NIGHTLY_ROUTINE_WORKFLOW_TYPE,
    // The server appends the run's nominal time: flinks-nightly-routine-2026-01-21T08:30:00Z, one per day.
    workflowId: scheduleId,
    taskQueue: options.taskQueue,
    args: [{ ...ROUTINE_PACING, ...options.routineInput, flinksTaskQueue: options.flinksTaskQueue }],
    staticSummary: 'Nightly routine: GetNightlyRefreshStatus, then a nightlyStatus signal to every live card',
  };
  const policies = {
    overlap: ScheduleOverlapPolicy.SKIP,
    catchupWindow: options.catchupWindow ?? DEFAULT_CATCHUP_WINDOW,
    pauseOnFailure: false,
  };
  return { scheduleId, spec, action, policies };
}

/** Creates the schedule, or updates its spec, action and policies in place, keeping its paused state and note. */
export async function applySchedule(
  client: Client,
  options: NightlyScheduleOptions,
): Promise<AppliedSchedule> {
  const { scheduleId, spec, action, policies } = definition(options);
  const handle = client.schedule.getHandle(scheduleId);
  let created = false;
  try {
    await handle.describe();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    try {
      await client.schedule.create({
        scheduleId,
        spec,
        action,
        policies,
        state: { note: 'Created by flinks-refresh (schedule apply)' },
      });
      created = true;
    } catch (createError) {
      // Someone else created it in between: fall through to an update, which is what a second apply does.
      if (!(createError instanceof ScheduleAlreadyRunning)) throw createError;
    }
  }
  if (!created) {
    await handle.update<typeof nightlyRoutine>((previous) => ({ ...previous, spec, action, policies }));
  }
  const { state } = await handle.describe();
  return { scheduleId, created, paused: state.paused };
}

/** What operators want to see of the schedule. */
export interface ScheduleView {
  scheduleId: string;
  paused: boolean;
  note: string | null;
  /** e.g. 'daily at 08:30 UTC (jitter 5m)' */
  when: string;
  catchupWindowMs: number;
  overlap: string;
  taskQueue: string | null;
  nextRuns: string[];
  recentRuns: { workflowId: string; scheduledAt: string; takenAt: string }[];
  runningWorkflowIds: string[];
}

export async function describeSchedule(
  client: Client,
  scheduleId = NIGHTLY_SCHEDULE_ID,
): Promise<ScheduleView> {
  return scheduleView(await client.schedule.getHandle(scheduleId).describe());
}

export function scheduleView(description: ScheduleDescription): ScheduleView {
  const calendars = description.spec.calendars ?? [];
  const times = calendars.map((c) =>
    formatTimeOfDay({ hour: c.hour[0]?.start ?? 0, minute: c.minute[0]?.start ?? 0 }),
  );
  const jitterMs = description.spec.jitter ?? 0;
  return {
    scheduleId: description.scheduleId,
    paused: description.state.paused,
    note: description.state.note ?? null,
    when: `daily at ${times.join(', ') || '?'} ${description.spec.timezone || 'UTC'}${jitterMs ? ` (jitter ${jitterMs / 60_000}m)` : ''}`,
    catchupWindowMs: description.policies.catchupWindow,
    // Unset means the server default, SKIP.
    overlap: description.policies.overlap ?? ScheduleOverlapPolicy.SKIP,
    taskQueue: description.action.type === 'startWorkflow' ? description.action.taskQueue : null,
    nextRuns: description.info.nextActionTimes.map((d) => d.toISOString()),
    recentRuns: description.info.recentActions.map((a) => ({
      workflowId: a.action.workflow.workflowId,
      scheduledAt: a.scheduledAt.toISOString(),
      takenAt: a.takenAt.toISOString(),
    })),
    runningWorkflowIds: description.info.runningActions.map((a) => a.workflow.workflowId),
  };
}
