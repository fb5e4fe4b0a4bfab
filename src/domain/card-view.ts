// What operators and backends see of a card: the `state` query and the Web UI's current details.
import { type CardView, type DeliveryPendingView } from './card-messages';
import { type CardPolicy } from './card-policy';
import { type CardState } from './card-state';
import { nextWakeUp, type WakeUp } from './card-transitions';
import { pendingDelivery } from './data-delivery';
import { eligibilityOf } from './eligibility';
import { formatDuration, toIso } from './time';

export function toCardView(state: CardState, policy: CardPolicy, nowMs: number): CardView {
  const e = eligibilityOf(state, policy, nowMs);
  return {
    loginId: state.loginId,
    institution: state.institution,
    status: state.status,
    eligible: e.eligible,
    eligibleUntil: e.eligibleUntil,
    scheduledRefresh: state.scheduledRefresh,
    lastSuccessfulRefreshAt: state.lastSuccessfulRefreshAt,
    lastCachedCallAt: state.lastCachedCallAt,
    lastError: state.lastError && {
      code: state.lastError.code,
      message: state.lastError.message,
      at: state.lastError.at,
    },
    pendingRequestId: state.pendingRequestId,
    awaitingUserSince: state.awaitingUserSince,
    lastRoutineId: state.lastRoutineId,
    malformedMessages: state.malformedMessages,
    deliveryPending: deliveryPendingView(state, policy),
    ...(state.undeliverableNotifications?.length
      ? { undeliverableNotifications: state.undeliverableNotifications }
      : {}),
  };
}

function deliveryPendingView(state: CardState, policy: CardPolicy): DeliveryPendingView | null {
  const pending = pendingDelivery(state);
  if (pending === null) return null;
  // The redelivery, or an earlier look (its cached call delivers too).
  const wake = nextWakeUp(state, policy);
  return { ...pending, nextAttemptAt: wake === null ? null : toIso(wake.at) };
}

const nextStep: Record<WakeUp['action'], string> = {
  check: 'a cached call to keep the window open and read LastRefresh',
  lapse: 'the eligibility window closes; one manual refresh will be tried',
  abandon: 'scheduled refresh is turned off, since the user has not come back',
  redeliver: 'a cached call reads the latest data again and hands it to the sink (no bank login)',
};

/** One paragraph a person can read in the Web UI without knowing the code. */
export function describeCard(
  state: CardState,
  policy: CardPolicy,
  nowMs: number,
  wake: WakeUp | null,
): string {
  const e = eligibilityOf(state, policy, nowMs);
  const lines = [
    `**${state.status}** · ${e.eligible ? `eligible until ${e.eligibleUntil}` : `not eligible: ${e.reason}`}`,
    `Last successful refresh: ${state.lastSuccessfulRefreshAt ?? 'never'}; last cached call: ${state.lastCachedCallAt ?? 'never'}.`,
  ];
  if (state.lastError)
    lines.push(`Last error: ${state.lastError.code} at ${state.lastError.at}: ${state.lastError.message}.`);
  const pending = pendingDelivery(state);
  if (pending) {
    lines.push(
      `Data not delivered: the sink refused it ${pending.attempts} time(s) since ${pending.since} ` +
        `(last: ${pending.reason}). Not a Flinks failure: the windows are kept, and the data is redelivered.`,
    );
  }
  if (state.status === 'awaiting-user-mfa') {
    lines.push(
      `Waiting for the user since ${state.awaitingUserSince ?? 'now'}` +
        (state.pendingRequestId ? ` (Flinks Connect can resume requestId ${state.pendingRequestId}).` : '.'),
    );
  }
  const parked = state.undeliverableNotifications ?? [];
  const last = parked.at(-1);
  if (last) {
    lines.push(
      `Undeliverable notifications: ${parked.length} (the backend refused them for good; see the state query). ` +
        `Last: ${last.type} ${last.idempotencyKey}, ${last.status === null ? 'no answer' : `HTTP ${last.status}`}, parked at ${last.parkedAt}.`,
    );
  }
  lines.push(
    wake
      ? `Next: ${nextStep[wake.action]} at ${toIso(wake.at)} (in ${formatDuration(wake.at - nowMs)}).`
      : 'Next: nothing until a signal (daily routine, reconnect, refresh) arrives.',
  );
  return lines.join('\n');
}
