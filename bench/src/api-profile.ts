// Where an API request's time goes, for the report's explanation of the API latency. connect: the gRPC calls
// behind POST /cards (the route's GetSystemInfo preflight, then describe and start), timed one by one without
// HTTP. refreshNow: from each pressed card's history, the update accepted → the live refresh's activity
// scheduled → started → finished → the update completed.
import { performance } from 'node:perf_hooks';
import { WorkflowNotFoundError } from '@temporalio/client';
import { type temporal } from '@temporalio/proto';
import { forEachBounded } from '../../src/domain/for-each-bounded';
import { cardWorkflowId } from '../../src/workflows/definitions';
import { activityPhases, type PhaseSummaries, summarizePhases } from './activity-phases';
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

export async function refreshNowPhases(
  world: BenchWorld,
  loginIds: readonly string[],
): Promise<PhaseSummaries> {
  const phases: ReturnType<typeof activityPhases>[] = [];
  await forEachBounded(loginIds, 8, async (loginId) => {
    const events =
      (await world.env.client.workflow.getHandle(cardWorkflowId(loginId)).fetchHistory()).events ?? [];
    phases.push(activityPhases(lastUpdate(events)));
  });
  return summarizePhases(phases);
}

/** The events from the last accepted update to its completion. */
function lastUpdate(events: readonly HistoryEvent[]): HistoryEvent[] {
  let accepted = events.length - 1;
  while (accepted >= 0 && !events[accepted]?.workflowExecutionUpdateAcceptedEventAttributes) accepted -= 1;
  if (accepted < 0) return [];
  const completed = events.findIndex(
    (e, i) => i > accepted && e.workflowExecutionUpdateCompletedEventAttributes,
  );
  return events.slice(accepted, completed < 0 ? undefined : completed + 1);
}
