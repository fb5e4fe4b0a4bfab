// Where the time goes around one Flinks activity, from history event times: the trigger (the routine's signal, or
// an accepted refreshNow update) until the activity is scheduled (a workflow task), until it starts (waiting in
// the rate-limited Flinks task queue), until it finishes (the Flinks calls), until the window's last event (the
// workflow task that records the outcome).
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { type temporal } from '@temporalio/proto';
import { type Summary, summarize } from './stats';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface ActivityPhases {
  toScheduled: number;
  queued: number;
  running: number;
  closing: number;
}

export type PhaseSummaries = { cards: number } & Record<keyof ActivityPhases, Summary>;

/** The product's Flinks activities are all named flinks*: the Flinks work, not the notifications. */
const FLINKS_ACTIVITY_PREFIX = 'flinks';

/** `window` runs from the trigger to the last event that belongs to it; null when it has no Flinks activity. */
export function activityPhases(window: readonly HistoryEvent[]): ActivityPhases | null {
  const scheduled = window.find((e) =>
    e.activityTaskScheduledEventAttributes?.activityType?.name?.startsWith(FLINKS_ACTIVITY_PREFIX),
  );
  if (!scheduled || scheduled.eventId === undefined || scheduled.eventId === null) return null;
  const id = String(scheduled.eventId);
  const started = window.find((e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId) === id);
  const finished = window.find((e) =>
    [
      e.activityTaskCompletedEventAttributes,
      e.activityTaskFailedEventAttributes,
      e.activityTaskTimedOutEventAttributes,
    ].some((done) => done && String(done.scheduledEventId) === id),
  );
  const [trigger, last] = [window[0], window[window.length - 1]];
  if (!started || !finished || !trigger || !last) return null;
  return {
    toScheduled: timeOf(scheduled) - timeOf(trigger),
    queued: timeOf(started) - timeOf(scheduled),
    running: timeOf(finished) - timeOf(started),
    closing: timeOf(last) - timeOf(finished),
  };
}

export function summarizePhases(list: readonly (ActivityPhases | null)[]): PhaseSummaries {
  const phases = list.filter((p): p is ActivityPhases => p !== null);
  const of = (key: keyof ActivityPhases): Summary => summarize(phases.map((p) => p[key]));
  return {
    cards: phases.length,
    toScheduled: of('toScheduled'),
    queued: of('queued'),
    running: of('running'),
    closing: of('closing'),
  };
}

export function timeOf(event: HistoryEvent): number {
  return optionalTsToMs(event.eventTime) ?? 0;
}
