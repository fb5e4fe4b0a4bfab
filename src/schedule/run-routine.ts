// Running the nightly routine outside its schedule (the CLI's `routine run`, the HTTP API): one run per
// routineId at a time, and the same routineId as the day's scheduled run unless told otherwise.
import { type Client, type WorkflowHandle } from '@temporalio/client';
import { defaultRoutineId, type NightlyRoutineInput } from '../domain/routine-input';
import { NIGHTLY_ROUTINE_WORKFLOW_TYPE } from '../workflows/definitions';
import { type nightlyRoutine } from '../workflows/nightly-routine';
import { NIGHTLY_SCHEDULE_ID, ROUTINE_PACING } from './nightly-schedule';

export interface RunRoutineOptions {
  taskQueue: string;
  flinksTaskQueue: string;
  /** Default: today's (UTC) routineId, so cards the scheduled run already handled are left alone. */
  routineId?: string;
  maxDataAge?: string;
  /** The routine's pacing knobs (NightlyRoutineInput); unset: ROUTINE_PACING, as the schedule runs it. */
  tuning?: Pick<NightlyRoutineInput, 'signalConcurrency' | 'shardConcurrency'>;
  now?: () => number;
}

export interface StartedRoutine {
  routineId: string;
  workflowId: string;
  handle: WorkflowHandle<typeof nightlyRoutine>;
}

/** Starts a routine now, or joins the one already running for the same routineId. */
export async function runRoutineNow(client: Client, options: RunRoutineOptions): Promise<StartedRoutine> {
  const routineId =
    options.routineId ??
    defaultRoutineId({ scheduledStartTime: null, startedAtMs: (options.now ?? Date.now)() });
  const input: NightlyRoutineInput = {
    routineId,
    flinksTaskQueue: options.flinksTaskQueue,
    ...(options.maxDataAge === undefined ? {} : { maxDataAge: options.maxDataAge }),
    ...ROUTINE_PACING,
    ...options.tuning,
  };
  const workflowId = `${NIGHTLY_SCHEDULE_ID}-manual-${routineId}`;
  const handle = await client.workflow.start<typeof nightlyRoutine>(NIGHTLY_ROUTINE_WORKFLOW_TYPE, {
    workflowId,
    taskQueue: options.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    staticSummary: `Nightly routine ${routineId}, started by hand`,
  });
  return { routineId, workflowId, handle };
}
