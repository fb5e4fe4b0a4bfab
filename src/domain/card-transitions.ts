// How a card moves between statuses. Every function is pure: state in, state (and the next Flinks
// operation, if any) out. The workflow only wires these to timers, signals and activities.
import { type CardStatus, type NightlyStatusSignal, type RefreshNowResult } from './card-messages';
import { type Operation } from './card-operations';
import { type CardPolicy } from './card-policy';
import { type CardState, HANDLED_ROUTINES_KEPT } from './card-state';
import { noteUndelivered, pendingDelivery, recordDelivery, redeliverDueAt } from './data-delivery';
import { eligibilityOf } from './eligibility';
import { classifyFlinksError, lookupFlinksCode, normalizeFlinksCode } from './flinks-codes';
import {
  type ApiCallOutcome,
  type CachedCallOutcome,
  type FetchOutcome,
  type FlinksFailure,
  type LiveRefreshOutcome,
} from './refresh-outcomes';
import { laterIso, MINUTE_MS, notAfter, toIso, toMs } from './time';

export interface Transition {
  state: CardState;
  next: Operation | null;
}

/** Our own codes, for states Flinks has no code for. */
export const CardErrorCodes = {
  refreshWindowExpired: 'REFRESH_WINDOW_EXPIRED',
  cachedWindowExpired: 'CACHED_CALL_WINDOW_EXPIRED',
  mfaRequired: 'MFA_REQUIRED',
  securityChallengePending: 'SECURITY_CHALLENGE_PENDING',
  notEligible: 'NOT_ELIGIBLE',
} as const;

const stay = (state: CardState): Transition => ({ state, next: null });

// ---------- errors ----------

function withError(
  state: CardState,
  failure: Pick<FlinksFailure, 'code' | 'message' | 'stage'>,
  nowMs: number,
): CardState {
  const code = normalizeFlinksCode(failure.code);
  const known = lookupFlinksCode(code);
  // Flinks excludes a card for an Authorize error outside its list of seven; errors we synthesize
  // (no answer, timeouts) never reached Flinks' books.
  const blocksEligibility =
    failure.stage === 'authorize' && known?.origin !== 'synthetic' && !(known?.keepsEligibility ?? false);
  return {
    ...state,
    lastError: { code, message: failure.message, at: toIso(nowMs), blocksEligibility },
  };
}

/** Only the user can fix it: a user-fixable Flinks code, or a bank prompt for MFA. */
function needsUser(failure: Pick<FlinksFailure, 'code' | 'httpStatus'>): boolean {
  if (normalizeFlinksCode(failure.code) === CardErrorCodes.mfaRequired) return true;
  return classifyFlinksError({ flinksCode: failure.code, httpStatus: failure.httpStatus }).userFixable;
}

function awaitUser(state: CardState, nowMs: number, pendingRequestId: string | null): CardState {
  return {
    ...state,
    status: 'awaiting-user-mfa',
    pendingRequestId,
    pendingRequestAt: pendingRequestId === null ? null : toIso(nowMs),
    awaitingUserSince: state.awaitingUserSince ?? toIso(nowMs),
  };
}

/** The status a card settles in when nothing is wrong. */
function settledStatus(state: CardState): CardStatus {
  return state.scheduledRefresh ? 'scheduled' : 'unscheduled';
}

// ---------- successes ----------

function withSuccess(
  state: CardState,
  lastRefresh: string | null,
  nowMs: number,
  delivered: string | null,
): CardState {
  return {
    ...state,
    status: settledStatus(state),
    lastSuccessfulRefreshAt: laterIso(
      state.lastSuccessfulRefreshAt,
      notAfter(lastRefresh, nowMs) ?? toIso(nowMs),
    ),
    deliveredRefreshAt: laterIso(state.deliveredRefreshAt, delivered),
    lastError: null,
    pendingRequestId: null,
    pendingRequestAt: null,
    awaitingUserSince: null,
  };
}

// ---------- operation results ----------

export function afterCachedCall(
  state: CardState,
  op: Extract<Operation, { kind: 'cached-call' }>,
  outcome: CachedCallOutcome,
  nowMs: number,
): Transition {
  const t = cachedCallTransition(state, op, outcome, nowMs);
  // A redelivery only looks: what Flinks tells it waits for the card's own looks (routine, check, lapse), so a
  // sink outage never leads to a live refresh. It backs off even when it could not deliver (Flinks down, say).
  return op.purpose === 'redeliver' ? { state: noteUndelivered(t.state, nowMs), next: null } : t;
}

function cachedCallTransition(
  state: CardState,
  op: Extract<Operation, { kind: 'cached-call' }>,
  outcome: CachedCallOutcome,
  nowMs: number,
): Transition {
  const attempted: CardState = { ...state, lastTimerAttemptAt: toIso(nowMs) };
  if (outcome.kind === 'failed') {
    const recorded = withError(attempted, outcome.error, nowMs);
    return stay(needsUser(outcome.error) ? awaitUser(recorded, nowMs, outcome.error.requestId) : recorded);
  }

  // Flinks counted the call whatever the sink did with the data: the windows move on what Flinks did.
  const counted: CardState = recordDelivery(
    {
      ...attempted,
      lastCachedCallAt: toIso(nowMs),
      lastSuccessfulRefreshAt: laterIso(
        attempted.lastSuccessfulRefreshAt,
        notAfter(outcome.lastRefresh, nowMs),
      ),
    },
    outcome,
    nowMs,
    { sinkHasLatest: outcome.kind === 'ok' && outcome.delivered === null && !outcome.deliveryFailed },
  );
  if (outcome.kind === 'replayed-error') {
    const recorded = withError(counted, outcome.error, nowMs);
    if (needsUser(outcome.error)) return stay(awaitUser(recorded, nowMs, null));
    if (
      classifyFlinksError({ flinksCode: outcome.error.code, httpStatus: outcome.error.httpStatus })
        .keepsEligibility
    ) {
      // Flinks retries these itself; only stale data justifies a manual refresh.
      return { state: recorded, next: staleRefresh(recorded, op.maxDataAgeMs, null, nowMs) };
    }
    return {
      state: { ...recorded, status: 'errored' },
      next: { kind: 'live-refresh', purpose: 'replayed-error' },
    };
  }

  const lastRefresh = outcome.lastRefresh;
  // A clean cached Authorize means Flinks holds no error for the card's last refresh (it would have replayed
  // it), and this call itself worked: what went wrong before is over. Only a lapsed success window stays, until
  // a success newer than the lapse shows up.
  const stillLapsed =
    state.lastError?.code === CardErrorCodes.refreshWindowExpired &&
    !(lastRefresh !== null && isAfter(lastRefresh, state.lastError.at));
  let next: CardState = counted;
  if (state.lastError !== null && !stillLapsed) {
    next = {
      ...next,
      lastError: null,
      status: next.status === 'errored' ? settledStatus(next) : next.status,
    };
  }
  return { state: next, next: staleRefresh(next, op.maxDataAgeMs, lastRefresh, nowMs) };
}

function staleRefresh(
  state: CardState,
  maxDataAgeMs: number | null,
  lastRefresh: string | null,
  nowMs: number,
): Operation | null {
  if (maxDataAgeMs === null || state.status === 'awaiting-user-mfa') return null;
  const newest = laterIso(lastRefresh, state.lastSuccessfulRefreshAt);
  const stale = newest === null || nowMs - toMs(newest) > maxDataAgeMs;
  return stale ? { kind: 'live-refresh', purpose: 'stale-data' } : null;
}

export function afterLiveRefresh(state: CardState, outcome: LiveRefreshOutcome, nowMs: number): Transition {
  switch (outcome.kind) {
    case 'refreshed':
      return stay(recordDelivery(withSuccess(state, outcome.lastRefresh, nowMs, null), outcome, nowMs));
    case 'mfa-required': {
      const recorded = withError(
        state,
        {
          code: CardErrorCodes.mfaRequired,
          message: 'The bank asked for a one-time code or security answer: the user must reconnect',
          stage: 'authorize',
        },
        nowMs,
      );
      return stay(awaitUser(recorded, nowMs, outcome.requestId));
    }
    case 'failed': {
      const recorded = withError(state, outcome.error, nowMs);
      if (needsUser(outcome.error)) return stay(awaitUser(recorded, nowMs, outcome.error.requestId));
      // Not the user's to fix: the card stops waiting for them, so a later wait starts its own clock.
      return stay({
        ...recorded,
        status: 'errored',
        pendingRequestId: null,
        pendingRequestAt: null,
        awaitingUserSince: null,
      });
    }
  }
}

export function afterFetch(
  state: CardState,
  op: Extract<Operation, { kind: 'fetch' }>,
  outcome: FetchOutcome,
  nowMs: number,
): Transition {
  if (outcome.kind === 'failed') {
    // An expired or bad requestId leaves the card where it was (still waiting for the user, say).
    return stay(withError(state, outcome.error, nowMs));
  }
  const refreshed = recordDelivery(withSuccess(state, outcome.lastRefresh, nowMs, null), outcome, nowMs);
  if (op.purpose === 'reconnected' && state.abandoned) {
    // We turned scheduled refresh off because nobody came; the user came back, so turn it on again.
    return {
      state: refreshed,
      next: { kind: 'set-scheduled-refresh', enabled: true, purpose: 'reconnected' },
    };
  }
  return stay(refreshed);
}

export function afterSetScheduledRefresh(
  state: CardState,
  op: Extract<Operation, { kind: 'set-scheduled-refresh' }>,
  outcome: ApiCallOutcome,
  nowMs: number,
  legacy: LegacyBehaviour = {},
): Transition {
  const attempted: CardState =
    op.purpose === 'abandon' ? { ...state, lastTimerAttemptAt: toIso(nowMs) } : state;
  if (outcome.kind === 'failed') return stay(withError(attempted, outcome.error, nowMs));
  if (op.enabled) {
    const enabled: CardState = { ...attempted, scheduledRefresh: true, abandoned: false };
    return stay(enabled.status === 'unscheduled' ? { ...enabled, status: 'scheduled' } : enabled);
  }
  // Turned off on request mid-MFA, the card is `unscheduled` (what was asked) and stops waiting for the user: no
  // abandon clock, not listed as awaiting-user-mfa, awaitingUserSince null. The open Flinks session stays in
  // pendingRequestId: a Refresh while it is resumable answers with it rather than logging in a second time.
  // Abandoning (nobody came for 30 days) forgets it: it expired long ago.
  return stay({
    ...attempted,
    scheduledRefresh: false,
    status: 'unscheduled',
    // Only what we turned off ourselves is turned on again when the user comes back, never what the backend did.
    abandoned:
      op.purpose === 'abandon' &&
      (legacy.abandonsWhatTheBackendTurnedOff || state.scheduledRefresh || state.abandoned),
    pendingRequestId: op.purpose === 'abandon' ? null : attempted.pendingRequestId,
    pendingRequestAt: op.purpose === 'abandon' ? null : attempted.pendingRequestAt,
    awaitingUserSince: null,
  });
}

/**
 * Flinks delivered a refresh by webhook. Redeliveries (Flinks retries up to 10 times) change nothing: only a
 * newer LastRefresh moves the card.
 */
export function onWebhookRefresh(state: CardState, lastRefresh: string | null, nowMs: number): CardState {
  if (state.status === 'disconnected') return state;
  // A LastRefresh ahead of our clock (`2099-…`) counts as now: it would pin the last success there and hide every
  // real refresh after it.
  const refreshAt = notAfter(lastRefresh, nowMs) ?? toIso(nowMs);
  if (state.lastSuccessfulRefreshAt !== null && toMs(refreshAt) <= toMs(state.lastSuccessfulRefreshAt))
    return state;
  return withSuccess(state, refreshAt, nowMs, refreshAt);
}

export function afterDisconnect(state: CardState): CardState {
  return {
    ...state,
    status: 'disconnected',
    pendingRequestId: null,
    pendingRequestAt: null,
    awaitingUserSince: null,
  };
}

/** Flinks expires a session after 8 minutes of inactivity; a little less leaves the user time to finish. */
export const RESUMABLE_REQUEST_MS = 7 * MINUTE_MS;

/**
 * The MFA session a user pressing Refresh again can still resume in Flinks Connect: opening a new live
 * session instead would prompt them a second time (or collide with the first as CONCURRENT_SESSION). Whatever
 * the status: scheduled refresh turned off (or on) meanwhile does not close the session at Flinks.
 */
export function resumablePendingRequest(state: CardState, nowMs: number): string | null {
  if (state.pendingRequestId === null || state.pendingRequestAt === null) return null;
  return nowMs - toMs(state.pendingRequestAt) < RESUMABLE_REQUEST_MS ? state.pendingRequestId : null;
}

/** The user pressed Refresh: a live refresh, or nothing to run when an open MFA session can be resumed. */
export function onRefreshNow(state: CardState, nowMs: number): Operation | null {
  return resumablePendingRequest(state, nowMs) === null
    ? { kind: 'live-refresh', purpose: 'refresh-now' }
    : null;
}

/** What the Refresh button hears once the card has done what onRefreshNow asked. */
export function refreshNowResult(state: CardState, nowMs: number): RefreshNowResult {
  const errorCode = state.lastError ? { errorCode: state.lastError.code } : {};
  if (state.status === 'awaiting-user-mfa' || resumablePendingRequest(state, nowMs) !== null) {
    return {
      outcome: 'mfa-required',
      ...(state.pendingRequestId ? { requestId: state.pendingRequestId } : {}),
      ...errorCode,
    };
  }
  if (state.lastError === null && state.lastSuccessfulRefreshAt !== null) {
    return { outcome: 'refreshed', lastRefreshAt: state.lastSuccessfulRefreshAt };
  }
  return { outcome: 'failed', ...errorCode };
}

// ---------- messages ----------

export type NightlyDecision =
  'duplicate' | 'not-applicable' | 'await-user' | 'keep-scheduled' | 'refresh' | 'check';

/** Behaviour kept for workflow runs recorded before a fix, so they replay (the workflow chooses, by patch). */
export interface LegacyBehaviour {
  /** Before the fix an errored card whose scheduled refresh is off still took the routine's calls. */
  routineRefreshesUnscheduled?: boolean;
  /** Before the fix abandoning marked a card whose scheduled refresh the backend had turned off as ours to restore. */
  abandonsWhatTheBackendTurnedOff?: boolean;
}

export function onNightlyStatus(
  state: CardState,
  signal: NightlyStatusSignal,
  policy: CardPolicy,
  nowMs: number,
  legacy: LegacyBehaviour = {},
): Transition & { decision: NightlyDecision } {
  if (state.handledRoutineIds.includes(signal.routineId)) return { ...stay(state), decision: 'duplicate' };
  const handled: CardState = {
    ...state,
    lastRoutineId: signal.routineId,
    handledRoutineIds: [...state.handledRoutineIds, signal.routineId].slice(-HANDLED_ROUTINES_KEPT),
  };
  // Waiting for the user, or not refreshed by Flinks at all: a routine has nothing to do here, and a live
  // attempt would only prompt MFA again or lock the user out at the bank.
  // Nor for a card whose scheduled refresh the backend turned off (a failed Refresh may have left it `errored`).
  if (
    (handled.status !== 'scheduled' && handled.status !== 'errored') ||
    (!handled.scheduledRefresh && !legacy.routineRefreshesUnscheduled)
  ) {
    return { ...stay(handled), decision: 'not-applicable' };
  }

  const entry = signal.ineligible;
  if (entry === null) {
    const maxDataAgeMs = signal.maxDataAgeMs ?? policy.maxDataAgeMs;
    return {
      state: handled,
      next: { kind: 'cached-call', purpose: 'routine', maxDataAgeMs },
      decision: 'check',
    };
  }

  const rawCode = entry.lastRefreshErrorCode;
  const challengePending = rawCode === null && /securitychallenge/i.test(entry.lastRefreshState ?? '');
  const code =
    rawCode ?? (challengePending ? CardErrorCodes.securityChallengePending : CardErrorCodes.notEligible);
  const message = `Flinks lists the card as not eligible (last refresh ${entry.lastRefreshDate ?? 'unknown'}, state ${
    entry.lastRefreshState ?? 'unknown'
  })`;
  const cls = classifyFlinksError({ flinksCode: code, httpStatus: null });
  if (cls.userFixable || challengePending) {
    const recorded = withError(handled, { code, message, stage: 'authorize' }, nowMs);
    return { ...stay(awaitUser(recorded, nowMs, null)), decision: 'await-user' };
  }
  if (cls.keepsEligibility) {
    return {
      ...stay(withError(handled, { code, message, stage: 'authorize' }, nowMs)),
      decision: 'keep-scheduled',
    };
  }
  const recorded = withError(handled, { code, message, stage: 'authorize' }, nowMs);
  return { state: recorded, next: { kind: 'live-refresh', purpose: 'routine-listed' }, decision: 'refresh' };
}

export function recordMalformed(state: CardState, reason: string): CardState {
  return { ...state, malformedMessages: { count: state.malformedMessages.count + 1, lastReason: reason } };
}

// ---------- timers ----------

export type TimerAction = 'check' | 'lapse' | 'abandon' | 'redeliver';

export interface WakeUp {
  at: number;
  action: TimerAction;
}

/** The next moment the card must act on its own, or null when only a message can move it. */
export function nextWakeUp(state: CardState, policy: CardPolicy): WakeUp | null {
  const flinks = flinksWakeUp(state, policy);
  const redeliver = redeliverWakeUp(state);
  if (flinks === null || redeliver === null) return flinks ?? redeliver;
  // On a tie the look wins: its cached call delivers new data too.
  return redeliver.at < flinks.at ? redeliver : flinks;
}

/**
 * Data the sink refused, retried on its own backoff. Not while the card waits for the user: a cached Authorize could
 * collide with the open MFA session, and the reconnect delivers fresh data anyway.
 */
function redeliverWakeUp(state: CardState): WakeUp | null {
  const pending = pendingDelivery(state);
  if (pending === null || state.status === 'disconnected' || state.status === 'awaiting-user-mfa')
    return null;
  return { at: redeliverDueAt(pending), action: 'redeliver' };
}

/** What the windows, the warning and the user's absence ask of the card. */
function flinksWakeUp(state: CardState, policy: CardPolicy): WakeUp | null {
  const retryAt = (due: number): number => {
    const attempt = state.lastTimerAttemptAt === null ? null : toMs(state.lastTimerAttemptAt);
    return attempt !== null && attempt >= due ? Math.max(due, attempt + policy.checkRetryAfterMs) : due;
  };

  if (state.status === 'awaiting-user-mfa' && state.awaitingUserSince !== null) {
    return { at: retryAt(toMs(state.awaitingUserSince) + policy.abandonAfterMs), action: 'abandon' };
  }
  if ((state.status !== 'scheduled' && state.status !== 'errored') || !state.scheduledRefresh) return null;

  const { eligibleUntil } = eligibilityOf(state, policy, 0);
  if (eligibleUntil === null) return null;
  const until = toMs(eligibleUntil);
  const lapse: WakeUp | null =
    state.lapseHandledFor === eligibleUntil ? null : { at: until, action: 'lapse' };

  const lastCached = state.lastCachedCallAt === null ? null : toMs(state.lastCachedCallAt);
  const keepAliveDue =
    policy.webhooks || lastCached === null ? Infinity : lastCached + policy.keepAliveAfterMs;
  const warningCheckDue = until - policy.expiryWarningLeadMs;
  // One look before warning is enough; after that only the keep-alive and the lapse remain.
  const warningCheckPending = lastCached === null || lastCached < warningCheckDue;
  const checkDue = Math.min(keepAliveDue, warningCheckPending ? warningCheckDue : Infinity);
  const check: WakeUp | null = checkDue < until ? { at: retryAt(checkDue), action: 'check' } : null;

  if (check && check.at < until) return check;
  if (lapse) return lapse;
  // The window closed on the cached-call side while successes go on (a manual refresh after the lapse,
  // say): a cached call is what reopens it, so keep trying one.
  const successDeadline =
    state.lastSuccessfulRefreshAt === null
      ? null
      : toMs(state.lastSuccessfulRefreshAt) + policy.eligibilityWindowMs;
  if (Number.isFinite(keepAliveDue) && successDeadline !== null && successDeadline > until) {
    return { at: retryAt(keepAliveDue), action: 'check' };
  }
  return null;
}

export function onTimer(
  state: CardState,
  action: TimerAction,
  policy: CardPolicy,
  nowMs: number,
): Transition {
  switch (action) {
    case 'check':
      return { state, next: { kind: 'cached-call', purpose: 'keep-alive', maxDataAgeMs: null } };
    case 'redeliver':
      // The latest cached session: no bank contact, no MFA, and a cached call Flinks counts for the window.
      return { state, next: { kind: 'cached-call', purpose: 'redeliver', maxDataAgeMs: null } };
    case 'abandon':
      return { state, next: { kind: 'set-scheduled-refresh', enabled: false, purpose: 'abandon' } };
    case 'lapse': {
      const e = eligibilityOf(state, policy, nowMs);
      const handled: CardState = { ...state, lapseHandledFor: e.eligibleUntil };
      // The guide: a card out of its window is not refreshed by Flinks. A lapsed success window gets one manual
      // refresh; a lapsed cached-call window, one cached call.
      const successLapsed = e.successDeadline !== null && nowMs >= toMs(e.successDeadline);
      const lapse = successLapsed
        ? {
            code: CardErrorCodes.refreshWindowExpired,
            message: `No successful refresh since ${state.lastSuccessfulRefreshAt ?? 'never'}`,
            stage: 'authorize' as const,
            next: { kind: 'live-refresh', purpose: 'window-expired' } as const,
          }
        : {
            code: CardErrorCodes.cachedWindowExpired,
            message: `No cached call since ${state.lastCachedCallAt ?? 'never'}`,
            stage: 'api' as const,
            next: { kind: 'cached-call', purpose: 'lapse', maxDataAgeMs: null } as const,
          };
      const recorded = withError(
        handled,
        {
          code: lapse.code,
          message: `${lapse.message}: out of the nightly refresh window`,
          stage: lapse.stage,
        },
        nowMs,
      );
      return { state: { ...recorded, status: 'errored' }, next: lapse.next };
    }
  }
}

/** The eligibleUntil the backend should hear about now, as about to lapse (once per window end); else null. */
export function expiryWarningDue(state: CardState, policy: CardPolicy, nowMs: number): string | null {
  if ((state.status !== 'scheduled' && state.status !== 'errored') || !state.scheduledRefresh) return null;
  const { eligibleUntil } = eligibilityOf(state, policy, nowMs);
  if (eligibleUntil === null || state.warnedForEligibleUntil === eligibleUntil) return null;
  const until = toMs(eligibleUntil);
  const zone = until - policy.expiryWarningLeadMs;
  // Only after a look inside the warning zone found no newer success: the card may simply not know yet.
  const lookedInZone = state.lastTimerAttemptAt !== null && toMs(state.lastTimerAttemptAt) >= zone;
  return lookedInZone && nowMs >= zone && nowMs < until ? eligibleUntil : null;
}

function isAfter(a: string, b: string | null): boolean {
  return b === null || toMs(a) > toMs(b);
}
