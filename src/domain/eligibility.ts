// Flinks' eligibility rules for the nightly refresh, computed from what the card knows.
import { type CardPolicy } from './card-policy';
import { type CardState } from './card-state';
import { toIso, toMs } from './time';

export interface Eligibility {
  eligible: boolean;
  /** The earlier window end; null when the card has no window (never refreshed). */
  eligibleUntil: string | null;
  successDeadline: string | null;
  cachedDeadline: string | null;
  /** Why the card is not eligible, for humans; null when it is. */
  reason: string | null;
}

export function eligibilityOf(state: CardState, policy: CardPolicy, nowMs: number): Eligibility {
  const successDeadline = deadlineAfter(state.lastSuccessfulRefreshAt, policy.eligibilityWindowMs);
  const cachedDeadline = policy.webhooks
    ? null
    : deadlineAfter(state.lastCachedCallAt, policy.eligibilityWindowMs);
  const eligibleUntil = earlier(successDeadline, policy.webhooks ? successDeadline : cachedDeadline);
  const reason = ineligibilityReason(state, policy, nowMs, successDeadline, cachedDeadline);
  return {
    eligible: reason === null,
    eligibleUntil: eligibleUntil === null ? null : toIso(eligibleUntil),
    successDeadline: successDeadline === null ? null : toIso(successDeadline),
    cachedDeadline: cachedDeadline === null ? null : toIso(cachedDeadline),
    reason,
  };
}

function ineligibilityReason(
  state: CardState,
  policy: CardPolicy,
  nowMs: number,
  successDeadline: number | null,
  cachedDeadline: number | null,
): string | null {
  if (state.status === 'disconnected') return 'the card is disconnected';
  if (!state.scheduledRefresh || state.status === 'unscheduled') return 'scheduled refresh is off';
  if (state.status === 'awaiting-user-mfa') return 'only the user can fix the login';
  if (successDeadline === null || nowMs >= successDeadline) return 'no successful refresh in the window';
  if (!policy.webhooks && (cachedDeadline === null || nowMs >= cachedDeadline)) {
    return 'no cached call in the window';
  }
  if (state.lastError?.blocksEligibility) return `the last Authorize failed with ${state.lastError.code}`;
  return null;
}

function deadlineAfter(iso: string | null, windowMs: number): number | null {
  return iso === null ? null : toMs(iso) + windowMs;
}

function earlier(a: number | null, b: number | null): number | null {
  if (a === null || b === null) return null;
  return Math.min(a, b);
}
