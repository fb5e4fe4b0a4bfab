// The card as the workflow keeps it: plain JSON with absolute instants, so it survives continue-as-new.
import { type CardError, type CardInput, type CardStatus } from './card-messages';
import { toIso } from './time';
import { type UndeliverableNotification } from './undeliverable-notifications';

export interface CardState {
  loginId: string;
  institution: string | null;
  status: CardStatus;
  scheduledRefresh: boolean;
  lastSuccessfulRefreshAt: string | null;
  lastCachedCallAt: string | null;
  /** The LastRefresh whose data already reached the sink, so a cached call does not fetch it twice. */
  deliveredRefreshAt: string | null;
  /**
   * Data Flinks handed over that the sink refused: redelivered on its own backoff from the latest cached session,
   * never by a live refresh. Absent in states carried from runs before delivery outages were recorded apart.
   */
  deliveryPending?: DeliveryPending | null;
  lastError: (CardError & { blocksEligibility: boolean }) | null;
  pendingRequestId: string | null;
  /** When Flinks handed out pendingRequestId: it can be resumed in Flinks Connect for a few minutes only. */
  pendingRequestAt: string | null;
  awaitingUserSince: string | null;
  lastRoutineId: string | null;
  /** The last few routines handled, so a re-sent nightlyStatus is ignored. */
  handledRoutineIds: string[];
  /** When a timer last acted (check or abandonment), so a failing one backs off instead of spinning. */
  lastTimerAttemptAt: string | null;
  /** Scheduled refresh was turned off by us because the user never came back. */
  abandoned: boolean;
  /** The eligibleUntil already warned about / already handled at its lapse: each happens once per window. */
  warnedForEligibleUntil: string | null;
  lapseHandledFor: string | null;
  malformedMessages: { count: number; lastReason: string | null };
  /** Monotonic counter behind notification idempotency keys. */
  notificationSeq: number;
  /** Written by the outbox only: the last few notifications the backend refused for good. Absent until one is. */
  undeliverableNotifications?: UndeliverableNotification[];
}

export interface DeliveryPending {
  /** The first refusal of this outage. */
  since: string;
  /** Deliveries the sink refused since then; the redelivery backoff doubles with each. */
  attempts: number;
  lastAttemptAt: string;
  /** The newest LastRefresh whose data the sink has not taken. */
  lastRefresh: string | null;
  /** The last refusal, as the sink worded it. */
  reason: string;
}

export const HANDLED_ROUTINES_KEPT = 10;

/** Connecting is a successful live refresh, and Flinks Connect's own Authorize counts as the cached call. */
export function initialCardState(input: CardInput, nowMs: number): CardState {
  // A connectedAt ahead of the workflow's clock (a backend's skewed clock) would put both windows in the future.
  const connectedAt = toIso(input.connectedAt ? Math.min(Date.parse(input.connectedAt), nowMs) : nowMs);
  const scheduledRefresh = input.scheduledRefresh ?? true;
  return {
    loginId: input.loginId.toLowerCase(),
    institution: input.institution ?? null,
    status: scheduledRefresh ? 'scheduled' : 'unscheduled',
    scheduledRefresh,
    lastSuccessfulRefreshAt: connectedAt,
    lastCachedCallAt: connectedAt,
    deliveredRefreshAt: null,
    deliveryPending: null,
    lastError: null,
    pendingRequestId: null,
    pendingRequestAt: null,
    awaitingUserSince: null,
    lastRoutineId: null,
    handledRoutineIds: [],
    lastTimerAttemptAt: null,
    abandoned: false,
    warnedForEligibleUntil: null,
    lapseHandledFor: null,
    malformedMessages: { count: 0, lastReason: null },
    notificationSeq: 0,
  };
}

/**
 * `next` with what message handlers and the outbox record in the background: parked notifications and malformed
 * messages (counted as they arrive). A transition computed from an older snapshot (before an activity's await)
 * must not roll them back.
 */
export function keepBackgroundUpdates(next: CardState, current: CardState): CardState {
  const malformed =
    current.malformedMessages.count > next.malformedMessages.count
      ? current.malformedMessages
      : next.malformedMessages;
  if (
    next.undeliverableNotifications === current.undeliverableNotifications &&
    malformed === next.malformedMessages
  )
    return next;
  return {
    ...next,
    undeliverableNotifications: current.undeliverableNotifications,
    malformedMessages: malformed,
  };
}
