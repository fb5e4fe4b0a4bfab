// What one night cost each card, read from its history after the run: the events from the routine's
// nightlyStatus signal to the end, the billable actions among them, and when the last of them happened (the
// moment the card's night was over, by the server's clock). Histories are read once the run is over, so
// reading them costs the measured run nothing.
import { type Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { type temporal } from '@temporalio/proto';
import { forEachBounded } from '../../src/domain/for-each-bounded';
import { type NightlyStatusSignal } from '../../src/domain/card-messages';
import { cardWorkflowId, nightlyStatusSignal } from '../../src/workflows/definitions';
import { type ActivityPhases, activityPhases, timeOf } from './activity-phases';
import { type ActionTally, eventTypeName, tallyActions } from './billable-actions';
import { ProgressBar } from './progress-bar';
import { type BenchCard } from './scenario-mix';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface CardNight {
  loginId: string;
  scenario: BenchCard['scenario'];
  /** The card received this routine's signal (a card the routine never found has no night). */
  handled: boolean;
  events: number;
  eventTypes: Record<string, number>;
  actions: ActionTally;
  /** Server time of the night's last event; null when not handled. */
  endedAtMs: number | null;
  /** Where the night's first Flinks activity spent its time; null when the night called no Flinks activity. */
  phases: ActivityPhases | null;
}

/** Histories read at once: the dev server answers these quickly, and nothing else runs by then. */
const HISTORY_CONCURRENCY = 16;

export async function cardNights(
  client: Client,
  cards: readonly BenchCard[],
  routineId: string,
): Promise<CardNight[]> {
  const nights: CardNight[] = [];
  const progress = new ProgressBar('Reading card histories', cards.length);
  await forEachBounded(cards, HISTORY_CONCURRENCY, async (card) => {
    const history = await client.workflow.getHandle(cardWorkflowId(card.loginId)).fetchHistory();
    nights.push(nightOf(card, history.events ?? [], routineId));
    if (nights.length % 200 === 0) progress.update(nights.length);
  });
  progress.update(nights.length);
  progress.finish();
  return nights;
}

export function nightOf(card: BenchCard, events: readonly HistoryEvent[], routineId: string): CardNight {
  const start = events.findIndex((event) => isRoutineSignal(event, routineId));
  const night = start < 0 ? [] : events.slice(start);
  const eventTypes: Record<string, number> = {};
  for (const event of night) {
    const name = eventTypeName(event);
    eventTypes[name] = (eventTypes[name] ?? 0) + 1;
  }
  const last = night[night.length - 1];
  return {
    loginId: card.loginId,
    scenario: card.scenario,
    handled: start >= 0,
    events: night.length,
    eventTypes,
    actions: tallyActions(night),
    endedAtMs: last ? timeOf(last) : null,
    phases: activityPhases(night),
  };
}

function isRoutineSignal(event: HistoryEvent, routineId: string): boolean {
  const signal = event.workflowExecutionSignaledEventAttributes;
  if (signal?.signalName !== nightlyStatusSignal.name) return false;
  const payload = signal.input?.payloads?.[0];
  if (!payload) return false;
  const body = defaultPayloadConverter.fromPayload<NightlyStatusSignal>(payload);
  return body?.routineId === routineId;
}
