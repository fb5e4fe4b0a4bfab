// Where an API request's time goes, for the report's explanation of the API latency. connect: the gRPC calls
// behind POST /cards (the route's GetSystemInfo preflight, then describe and start), timed one by one without
// HTTP. refreshNow: from each pressed card's history, the update accepted → the live refresh's activity
// scheduled → started → finished → the update completed.
import { performance } from 'node:perf_hooks';
import { WorkflowNotFoundError } from '@temporalio/client';
import { type temporal } from '@temporalio/proto';
import { forEachBounded } from '../../src/domain/for-each-bounded';
import { cardWorkflowId } from '../../src/workflows/definitions';
import { activityPhases, type PhaseSummaries, summarizePhases, timeOf } from './activity-phases';
import { type BenchWorld } from './bench-world';
import { type Summary, summarize } from './stats';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface ConnectProfile {
  /** The API's preflight: GetSystemInfo. */
  ping: Summary;
  /** Is the card running already? (DescribeWorkflowExecution; not found for a new card) */
  describe: Summary;
  /** FlinksRefreshClient.connect: describe, then StartWorkflowExecution. */
  connect: Summary;
}

/** One card at a time: each call's own time, without queueing behind the others. */
export async function profileConnect(
  world: BenchWorld,
  loginIds: readonly string[],
): Promise<ConnectProfile> {
  const times = { ping: [] as number[], describe: [] as number[], connect: [] as number[] };
  const timed = async (into: number[], call: () => Promise<unknown>): Promise<void> => {
    const started = performance.now();
    await call();
    into.push(performance.now() - started);
  };
  for (const loginId of loginIds) {
    await timed(times.ping, () => world.cards.ping());
    await timed(times.describe, () =>
      world.env.client.workflow
        .getHandle(cardWorkflowId(loginId))
        .describe()
        .catch((error: unknown) => {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }),
    );
    await timed(times.connect, () => world.cards.connect(loginId));
  }
  return {
    ping: summarize(times.ping),
    describe: summarize(times.describe),
    connect: summarize(times.connect),
  };
}

/** When one API request started and when its answer's last byte arrived (epoch ms, this machine's clock). */
export interface RequestClock {
  startedAtMs: number;
  answeredAtMs: number;
}

/** refreshNow's history phases, plus the time before the update's first workflow task and after the update
 * completed, against the request's wall clock (the dev server runs on this machine's clock). */
export type RefreshNowProfile = PhaseSummaries & {
  /** Request → the update's workflow task scheduled: HTTP API, client, the UpdateWorkflowExecution call. */
  requestToTask: Summary;
  /** That task scheduled → started: waiting for a worker's poller. */
  taskWait: Summary;
  /** Started → completed: the worker's work, a full replay included when the card was not cached. */
  taskRun: Summary;
  /** Update completed → the answer's last byte: the update call's answer, client, HTTP API. */
  completedToAnswer: Summary;
};

const ENDS = ['requestToTask', 'taskWait', 'taskRun', 'completedToAnswer'] as const;

export async function refreshNowPhases(
  world: BenchWorld,
  loginIds: readonly string[],
  clock: ReadonlyMap<string, RequestClock>,
): Promise<RefreshNowProfile> {
  const phases: ReturnType<typeof activityPhases>[] = [];
  const ends = Object.fromEntries(ENDS.map((k) => [k, [] as number[]])) as Record<
    (typeof ENDS)[number],
    number[]
  >;
  await forEachBounded(loginIds, 8, async (loginId) => {
    const events =
      (await world.env.client.workflow.getHandle(cardWorkflowId(loginId)).fetchHistory()).events ?? [];
    const at = lastAccepted(events);
    const update = at < 0 ? [] : lastUpdate(events, at);
    phases.push(activityPhases(update));
    const request = clock.get(loginId);
    const task = firstTask(events, at);
    const completed = update[update.length - 1];
    if (request && task && completed?.workflowExecutionUpdateCompletedEventAttributes) {
      ends.requestToTask.push(timeOf(task.scheduled) - request.startedAtMs);
      ends.taskWait.push(timeOf(task.started) - timeOf(task.scheduled));
      ends.taskRun.push(timeOf(task.completed) - timeOf(task.started));
      ends.completedToAnswer.push(request.answeredAtMs - timeOf(completed));
    }
  });
  return {
    ...summarizePhases(phases),
    ...(Object.fromEntries(ENDS.map((k) => [k, summarize(ends[k])])) as Record<
      (typeof ENDS)[number],
      Summary
    >),
  };
}

/** The workflow task that accepted the update at `accepted`: the last one completed before it. */
function firstTask(
  events: readonly HistoryEvent[],
  accepted: number,
): { scheduled: HistoryEvent; started: HistoryEvent; completed: HistoryEvent } | null {
  let i = accepted;
  while (i >= 0 && !events[i]?.workflowTaskCompletedEventAttributes) i -= 1;
  const completed = events[i];
  const startedId = completed?.workflowTaskCompletedEventAttributes?.startedEventId;
  const started = events.find((e) => String(e.eventId) === String(startedId));
  const scheduledId = started?.workflowTaskStartedEventAttributes?.scheduledEventId ?? null;
  const scheduled = events.find((e) => String(e.eventId) === String(scheduledId));
  return completed && started && scheduled ? { scheduled, started, completed } : null;
}

function lastAccepted(events: readonly HistoryEvent[]): number {
  let accepted = events.length - 1;
  while (accepted >= 0 && !events[accepted]?.workflowExecutionUpdateAcceptedEventAttributes) accepted -= 1;
  return accepted;
}

/** The events from the update accepted at `accepted` to its completion. */
function lastUpdate(events: readonly HistoryEvent[], accepted: number): HistoryEvent[] {
  const completed = events.findIndex(
    (e, i) => i > accepted && e.workflowExecutionUpdateCompletedEventAttributes,
  );
  return events.slice(accepted, completed < 0 ? undefined : completed + 1);
}
