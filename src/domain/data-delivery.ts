// Delivery to the data sink, kept apart from what Flinks did: a sink that refuses leaves the card's windows
// alone and is retried on its own backoff, from the latest cached session (no bank contact, no MFA).
import { type CardState, type DeliveryPending } from './card-state';
import { type DeliveryResult } from './refresh-outcomes';
import { HOUR_MS, laterIso, MINUTE_MS, toIso, toMs } from './time';

/** The first redelivery comes this long after a refusal; each further one waits twice as long, up to the cap. */
export const REDELIVER_FIRST_AFTER_MS = 5 * MINUTE_MS;
export const REDELIVER_MAX_AFTER_MS = 6 * HOUR_MS;

/** The delivery outage of a card, null when the sink has everything (states from before have no field). */
export function pendingDelivery(state: CardState): DeliveryPending | null {
  return state.deliveryPending ?? null;
}

/**
 * Records what a data step did with the sink. `sinkHasLatest`: the step found nothing newer than what the sink
 * already holds (a clean cached call that delivered nothing), so an outage it was retrying is over.
 */
export function recordDelivery(
  state: CardState,
  result: DeliveryResult,
  nowMs: number,
  { sinkHasLatest }: { sinkHasLatest: boolean } = { sinkHasLatest: false },
): CardState {
  const pending = pendingDelivery(state);
  const failed = result.deliveryFailed ?? null;
  if (failed !== null) {
    return {
      ...state,
      deliveryPending: {
        since: pending?.since ?? toIso(nowMs),
        attempts: (pending?.attempts ?? 0) + 1,
        lastAttemptAt: toIso(nowMs),
        lastRefresh: laterIso(pending?.lastRefresh ?? null, failed.lastRefresh),
        reason: failed.reason,
      },
    };
  }
  if (result.delivered !== null) {
    const deliveredRefreshAt = laterIso(state.deliveredRefreshAt, result.delivered.lastRefresh);
    return {
      ...state,
      deliveredRefreshAt,
      deliveryPending: covers(deliveredRefreshAt, pending) ? null : pending,
    };
  }
  return sinkHasLatest && pending !== null ? { ...state, deliveryPending: null } : state;
}

/** A redelivery that left the data undelivered without the sink refusing it (Flinks failed) still backs off. */
export function noteUndelivered(state: CardState, nowMs: number): CardState {
  const pending = pendingDelivery(state);
  if (pending === null || toMs(pending.lastAttemptAt) >= nowMs) return state;
  return {
    ...state,
    deliveryPending: { ...pending, attempts: pending.attempts + 1, lastAttemptAt: toIso(nowMs) },
  };
}

function covers(deliveredRefreshAt: string | null, pending: DeliveryPending | null): boolean {
  if (pending === null || pending.lastRefresh === null) return true;
  return deliveredRefreshAt !== null && toMs(deliveredRefreshAt) >= toMs(pending.lastRefresh);
}

/** When the next redelivery is due: 5 min after the first refusal, doubling per refusal up to 6 h. */
export function redeliverDueAt(pending: DeliveryPending): number {
  const backoff = REDELIVER_FIRST_AFTER_MS * 2 ** Math.min(Math.max(pending.attempts - 1, 0), 20);
  return toMs(pending.lastAttemptAt) + Math.min(backoff, REDELIVER_MAX_AFTER_MS);
}
