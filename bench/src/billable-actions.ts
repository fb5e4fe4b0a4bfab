// Which history events Temporal Cloud bills as actions (docs.temporal.io/evaluate/cloud/actions): starts
// (continue-as-new and child starts too), signals, activities and each of their retries, timers, search
// attribute and memo upserts, accepted updates, external signals, local activities. Queries and activity
// heartbeats are billed too but leave no event: the server's `action` counter (server-actions.ts) sees them.
import { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const T = temporal.api.enums.v1.EventType;

export const actionKinds = [
  'start',
  'signal',
  'activity',
  'activity-retry',
  'timer',
  'upsert',
  'update',
  'child',
  'signal-external',
  'local-activity',
] as const;
export type ActionKind = (typeof actionKinds)[number];
export type ActionTally = Partial<Record<ActionKind, number>>;

/** The SDKs' marker for a local activity's result (patch markers are free). */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/** Events that stand for one action each. */
const ONE_ACTION: Partial<Record<temporal.api.enums.v1.EventType, ActionKind>> = {
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED]: 'start',
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW]: 'start',
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED]: 'signal',
  [T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED]: 'activity',
  [T.EVENT_TYPE_TIMER_STARTED]: 'timer',
  [T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES]: 'upsert',
  [T.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED]: 'upsert',
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED]: 'update',
  [T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED]: 'child',
  [T.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED]: 'signal-external',
};

/** The actions one event stands for (none for most). */
export function actionsOf(event: HistoryEvent): ActionTally {
  const kind =
    event.eventType === undefined || event.eventType === null ? undefined : ONE_ACTION[event.eventType];
  if (kind) return { [kind]: 1 };
  // Retries leave no event of their own: the started event carries the attempt that finished.
  const retries = (event.activityTaskStartedEventAttributes?.attempt ?? 1) - 1;
  if (retries > 0) return { 'activity-retry': retries };
  if (event.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER)
    return { 'local-activity': 1 };
  return {};
}

export function tallyActions(events: readonly HistoryEvent[]): ActionTally {
  const tally: ActionTally = {};
  for (const event of events) {
    for (const [kind, n] of Object.entries(actionsOf(event)) as [ActionKind, number][]) {
      tally[kind] = (tally[kind] ?? 0) + n;
    }
  }
  return tally;
}

export function actionTotal(tally: ActionTally): number {
  return Object.values(tally).reduce((sum, n) => sum + n, 0);
}

/** 'EVENT_TYPE_ACTIVITY_TASK_STARTED' → 'ActivityTaskStarted', as the Web UI names events. */
export function eventTypeName(event: HistoryEvent): string {
  const name = T[event.eventType ?? 0] ?? 'UNKNOWN';
  return name
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_m, _sep: string, letter: string) => letter.toUpperCase());
}
