// One durable workflow per Flinks loginId. It wires the card's domain rules (src/domain) to timers,
// messages and activities. All Flinks work runs from the main loop, one operation at a time, so a card
// never has two Flinks sessions open at once.
import * as wf from '@temporalio/workflow';
import { type BackendActivities } from '../activities/backend-activities';
import { type FlinksActivities } from '../activities/flinks-activities';
import {
  type CardInput,
  type CardStatus,
  type CardView,
  cardInputSchema,
  describeZodError,
  disconnectSchema,
  nightlyStatusSchema,
  reconnectedSchema,
  type RefreshNowResult,
  setScheduledRefreshSchema,
  webhookRefreshSchema,
} from '../domain/card-messages';
import { describeOperation, type Operation } from '../domain/card-operations';
import { reconnectWhileClosing, restartedCard } from '../domain/card-restart';
import { malformedReason, mergePending, type PendingMessage } from '../domain/pending-messages';
import {
  type CardPolicy,
  type CardPolicyOverrides,
  LEGACY_CONTINUE_AS_NEW_AFTER_EVENTS,
  resolveCardPolicy,
} from '../domain/card-policy';
import { type CardState, initialCardState, keepBackgroundUpdates } from '../domain/card-state';
import {
  afterCachedCall,
  afterDisconnect,
  afterFetch,
  afterLiveRefresh,
  afterSetScheduledRefresh,
  expiryWarningDue,
  nextWakeUp,
  onNightlyStatus,
  onRefreshNow,
  onTimer,
  onWebhookRefresh,
  recordMalformed,
  refreshNowResult,
  type Transition,
} from '../domain/card-transitions';
import { describeCard, toCardView } from '../domain/card-view';
import { type CardNotification } from '../domain/notifications';
import { type FlinksFailure } from '../domain/refresh-outcomes';
import {
  NOTIFICATION_REJECTED_TYPE,
  parkNotification,
  type UndeliverableNotification,
} from '../domain/undeliverable-notifications';
import { flinksTaskQueueFor } from '../domain/task-queues';
import { toIso } from '../domain/time';
import {
  type ConnectRequest,
  connectUpdate,
  disconnectSignal,
  nightlyStatusSignal,
  REFRESH_NOW_PENDING_ERROR,
  reconnectedSignal,
  refreshNowUpdate,
  setScheduledRefreshSignal,
  stateQuery,
  webhookRefreshSignal,
} from './definitions';
import { syncCardSearchAttributes } from './card-search-attributes';

export { type PendingMessage } from '../domain/pending-messages';

export interface CardWorkflowInput extends CardInput {
  policy?: CardPolicyOverrides;
  /** The Flinks activities' task queue; default flinksTaskQueueFor(this workflow's task queue). */
  flinksTaskQueue?: string;
  /** Set only by continue-as-new. */
  carried?: {
    state: CardState;
    pending: PendingMessage[];
    outbox: CardNotification[];
    /** The last few requestIds fetched successfully: a `reconnected` repeating one of them is a duplicate. */
    fetchedRequestIds?: string[];
  };
}

const flinksRetry: wf.RetryPolicy = {
  initialInterval: '10 seconds',
  backoffCoefficient: 2,
  maximumInterval: '5 minutes',
  maximumAttempts: 5,
};

export async function cardLifecycle(rawInput: CardWorkflowInput): Promise<CardView> {
  const parsed = cardInputSchema.safeParse(rawInput);
  if (!parsed.success) {
    throw wf.ApplicationFailure.nonRetryable(
      `Invalid card input: ${describeZodError(parsed.error)}`,
      'InvalidCardInputError',
    );
  }
  const policy = runPolicy(rawInput.policy);
  const info = wf.workflowInfo();
  const flinksQueue = rawInput.flinksTaskQueue ?? flinksTaskQueueFor(info.taskQueue);
  const flinks = wf.proxyActivities<FlinksActivities>({
    taskQueue: flinksQueue,
    // Polling a slow data call is capped at 30 min by the client; heartbeats catch a dead worker sooner.
    startToCloseTimeout: '35 minutes',
    heartbeatTimeout: '1 minute',
    retry: flinksRetry,
  });
  const backend = wf.proxyActivities<BackendActivities>({
    startToCloseTimeout: '30 seconds',
    // Unlimited attempts: a notification waits for the backend to recover, carried across continue-as-new.
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });

  let state: CardState = rawInput.carried?.state ?? initialCardState(parsed.data, Date.now());
  const pending: PendingMessage[] = [...(rawInput.carried?.pending ?? [])];
  const outbox: CardNotification[] = [...(rawInput.carried?.outbox ?? [])];

  // ---------- refreshNow: the user is present; concurrent presses share one live refresh ----------
  interface RefreshTicket {
    result: RefreshNowResult | null;
    /** A press gave up waiting for it: its outcome is kept for the next press (see recentUnanswered). */
    unanswered?: boolean;
    finishedAt?: number;
  }
  let queuedRefresh: RefreshTicket | null = null;
  let runningRefresh: RefreshTicket | null = null;
  /** The last refresh whose press timed out: a press soon after gets its outcome instead of a second live login. */
  let lastUnanswered: RefreshTicket | null = null;
  const recentUnanswered = (): RefreshTicket | null =>
    lastUnanswered && Date.now() - (lastUnanswered.finishedAt ?? 0) < UNANSWERED_OUTCOME_KEPT_MS
      ? lastUnanswered
      : null;
  /** Shown in the card's details while a press waits past its bound (the Flinks queue may have no worker). */
  let stalledRefresh: string | null = null;

  // ---------- connect: a card connected again while it closes continues as a new card ----------
  let connectAfterClose: ConnectRequest | null = null;
  /** The main loop has ended: the card is closing. */
  let closing = false;
  /** A reconnect waiting when the card closes (or arriving after) brings it back; before the patch it was dropped. */
  const reconnectAfterClose = (): void => {
    const requestId = reconnectWhileClosing(pending);
    if (connectAfterClose !== null || requestId === null || !wf.patched(RECONNECT_WHILE_CLOSING_PATCH))
      return;
    connectAfterClose = { loginId: state.loginId, institution: state.institution ?? undefined, requestId };
  };
  const disconnectPending = (): boolean =>
    pending.some((m) => m.kind === 'disconnect' && malformedReason(m) === null);
  // ---------- messages ----------
  const fetchedRequestIds: string[] = [...(rawInput.carried?.fetchedRequestIds ?? [])];
  const accept = (kind: PendingMessage['kind']) => (payload: unknown) => {
    const message = { kind, payload } as PendingMessage;
    // Patched only where the bounded queue acts, so a healthy card's history carries no marker for it.
    const reason = malformedReason(message);
    if (reason !== null) {
      if (wf.patched(BOUNDED_PENDING_PATCH)) {
        // Counted at once rather than queued: a flood of malformed messages never grows the queue.
        wf.log.warn('Ignored a malformed signal', { signal: kind, reason });
        state = recordMalformed(state, `${kind}: ${reason}`);
        return;
      }
    } else {
      const merged = mergePending(pending, message);
      if (merged !== null && wf.patched(BOUNDED_PENDING_PATCH)) {
        pending.splice(0, pending.length, ...merged);
        return;
      }
    }
    pending.push(message);
    if (closing) reconnectAfterClose();
  };
  wf.setHandler(reconnectedSignal, accept('reconnected'));
  wf.setHandler(nightlyStatusSignal, accept('nightlyStatus'));
  wf.setHandler(setScheduledRefreshSignal, accept('setScheduledRefresh'));
  wf.setHandler(disconnectSignal, accept('disconnect'));
  wf.setHandler(webhookRefreshSignal, accept('webhookRefresh'));
  wf.setHandler(stateQuery, () => toCardView(state, policy, Date.now()));

  wf.setHandler(
    connectUpdate,
    (request) => {
      if (state.status !== 'disconnected' && !disconnectPending()) return { outcome: 'already-connected' };
      connectAfterClose = request;
      return { outcome: 'restarting' };
    },
    {
      validator: (request) => {
        const input = cardInputSchema.safeParse(request);
        if (!input.success || input.data.loginId.toLowerCase() !== state.loginId) {
          throw wf.ApplicationFailure.nonRetryable(
            input.success
              ? `Invalid connect: loginId ${input.data.loginId} is not this card's (${state.loginId})`
              : `Invalid connect: ${describeZodError(input.error)}`,
            'InvalidCardInputError',
          );
        }
      },
      description:
        'Connect the card again: answers already-connected, or restarting for a card that is closing.',
    },
  );
  wf.setHandler(
    refreshNowUpdate,
    async (_request) => {
      const ticket =
        runningRefresh ?? queuedRefresh ?? recentUnanswered() ?? (queuedRefresh = { result: null });
      // A refresh accepted while the card was disconnecting never runs: answer it rather than wait forever.
      const settled = (): boolean => ticket.result !== null || state.status === 'disconnected';
      if (settled()) {
        // Answered at once: no timer.
      } else if (wf.patched(REFRESH_NOW_BOUND_PATCH)) {
        if (!(await wf.condition(settled, policy.refreshNowAnswerWithinMs))) {
          ticket.unanswered = true;
          const waited = `${Math.round(policy.refreshNowAnswerWithinMs / 1000)} s`;
          stalledRefresh = `A Refresh press waited ${waited} at ${toIso(Date.now())}: the Flinks call on task queue ${flinksQueue} had not finished (is a worker polling it?)`;
          wf.log.warn('refreshNow not answered within its bound', { flinksTaskQueue: flinksQueue, waited });
          publish();
          throw wf.ApplicationFailure.nonRetryable(
            `Card ${state.loginId}: the refresh had not finished after ${waited} (Flinks task queue ${flinksQueue}); it goes on, press again to get its outcome`,
            REFRESH_NOW_PENDING_ERROR,
            { flinksTaskQueue: flinksQueue, waitedMs: policy.refreshNowAnswerWithinMs },
          );
        }
      } else {
        await wf.condition(settled);
      }
      if (ticket.result === null) {
        throw wf.ApplicationFailure.nonRetryable(
          `Card ${state.loginId} was disconnected before the refresh could run`,
          'CardDisconnectedError',
        );
      }
      return ticket.result;
    },
    {
      validator: (_request) => {
        // Only a disconnect that will be carried out counts: a malformed one is ignored when its turn comes.
        const disconnecting = pending.some(
          (m) => m.kind === 'disconnect' && disconnectSchema.safeParse(m.payload ?? {}).success,
        );
        if (state.status === 'disconnected' || disconnecting) {
          // A typed failure: the client maps it to CardDisconnectedError.
          throw wf.ApplicationFailure.nonRetryable(
            `Card ${state.loginId} is disconnected: connect it again before refreshing`,
            'CardDisconnectedError',
          );
        }
      },
      description:
        'Live refresh with the user present; returns refreshed, mfa-required (with requestId) or failed.',
    },
  );

  // ---------- effects ----------
  const notify = (make: (key: string) => CardNotification): void => {
    state = { ...state, notificationSeq: state.notificationSeq + 1 };
    outbox.push(make(`${info.firstExecutionRunId}:${state.notificationSeq}`));
  };

  // The backend hears settled statuses only: `refreshing` is too brief to be worth a notification.
  let notifiedStatus: CardStatus = state.status;
  const commit = (next: CardState): void => {
    const from: CardStatus = notifiedStatus;
    state = keepBackgroundUpdates(next, state);
    if (next.status !== 'refreshing' && from !== next.status) {
      notifiedStatus = next.status;
      const view = toCardView(state, policy, Date.now());
      notify((idempotencyKey) => ({
        type: 'card.status-changed',
        idempotencyKey,
        loginId: state.loginId,
        at: toIso(Date.now()),
        from,
        to: next.status,
        eligibleUntil: view.eligibleUntil,
        lastError: view.lastError,
        pendingRequestId: state.pendingRequestId,
      }));
    }
    const expiring = expiryWarningDue(state, policy, Date.now());
    if (expiring !== null) {
      state = { ...state, warnedForEligibleUntil: expiring };
      notify((idempotencyKey) => ({
        type: 'card.eligibility-expiring',
        idempotencyKey,
        loginId: state.loginId,
        at: toIso(Date.now()),
        eligibleUntil: expiring,
        lastSuccessfulRefreshAt: state.lastSuccessfulRefreshAt,
        lastError: toCardView(state, policy, Date.now()).lastError,
      }));
    }
    publish();
  };

  const publish = (): void => {
    syncCardSearchAttributes(state, policy, Date.now());
    showDetails();
  };
  const showDetails = (): void => {
    const details = describeCard(state, policy, Date.now(), nextWakeUp(state, policy));
    wf.setCurrentDetails(stalledRefresh === null ? details : `${details}\n\n${stalledRefresh}`);
  };

  /** Runs one Flinks operation, then whatever it leads to, one after the other. */
  const run = async (first: Operation | null): Promise<void> => {
    let op = first;
    while (op !== null) {
      const before = state.status;
      if (op.kind === 'live-refresh' || op.kind === 'fetch') commit({ ...state, status: 'refreshing' });
      const transition = await execute(op, before);
      commit(transition.state);
      op = transition.next;
    }
  };

  const execute = async (op: Operation, statusBefore: CardStatus): Promise<Transition> => {
    const summary = describeOperation(op);
    const { loginId } = state;
    // A card shown as refreshing must land somewhere real if the operation fails.
    const restored: CardState = { ...state, status: statusBefore };
    switch (op.kind) {
      case 'cached-call': {
        const outcome = await attempt(
          () =>
            flinks.flinksCachedCall.executeWithOptions({ ...cachedOptions, summary }, [
              { loginId, deliveredRefreshAt: state.deliveredRefreshAt },
            ]),
          (error) => ({ kind: 'failed' as const, error }),
        );
        return afterCachedCall(state, op, outcome, Date.now());
      }
      case 'live-refresh': {
        const outcome = await attempt(
          () => flinks.flinksLiveRefresh.executeWithOptions({ ...liveOptions, summary }, [{ loginId }]),
          (error) => ({ kind: 'failed' as const, error }),
        );
        return afterLiveRefresh(restored, outcome, Date.now());
      }
      case 'fetch': {
        const outcome = await attempt(
          () =>
            flinks.flinksFetchWithRequestId.executeWithOptions({ ...liveOptions, summary }, [
              { loginId, requestId: op.requestId },
            ]),
          (error) => ({ kind: 'failed' as const, error }),
        );
        return afterFetch(restored, op, outcome, Date.now());
      }
      case 'set-scheduled-refresh': {
        const outcome = await attempt(
          () =>
            flinks.flinksSetScheduledRefresh.executeWithOptions({ ...apiOptions, summary }, [
              { loginId, enabled: op.enabled },
            ]),
          (error) => ({ kind: 'failed' as const, error }),
        );
        return fixedUnlessReplaying(
          ABANDON_KEEPS_BACKEND_CHOICE_PATCH,
          afterSetScheduledRefresh(state, op, outcome, Date.now()),
          () =>
            afterSetScheduledRefresh(state, op, outcome, Date.now(), {
              abandonsWhatTheBackendTurnedOff: true,
            }),
        );
      }
      case 'disconnect': {
        if (op.deleteData) {
          await attempt(
            () => flinks.flinksDeleteCard.executeWithOptions({ ...apiOptions, summary }, [{ loginId }]),
            (error) => ({ kind: 'failed' as const, error }),
          );
        } else if (state.scheduledRefresh) {
          await attempt(
            () =>
              flinks.flinksSetScheduledRefresh.executeWithOptions({ ...apiOptions, summary }, [
                { loginId, enabled: false },
              ]),
            (error) => ({ kind: 'failed' as const, error }),
          );
        }
        return { state: afterDisconnect(state), next: null };
      }
    }
  };

  // ---------- handling one message ----------
  const handle = async (message: PendingMessage): Promise<void> => {
    const now = Date.now();
    switch (message.kind) {
      case 'nightlyStatus': {
        const payload = nightlyStatusSchema.safeParse(message.payload);
        if (!payload.success) return malformed('nightlyStatus', describeZodError(payload.error));
        const t = fixedUnlessReplaying(
          ROUTINE_SKIPS_UNSCHEDULED_PATCH,
          onNightlyStatus(state, payload.data, policy, now),
          () => onNightlyStatus(state, payload.data, policy, now, { routineRefreshesUnscheduled: true }),
        );
        commit(t.state);
        return run(t.next);
      }
      case 'reconnected': {
        const payload = reconnectedSchema.safeParse(message.payload);
        if (!payload.success) return malformed('reconnected', describeZodError(payload.error));
        const { requestId } = payload.data;
        if (fetchedRequestIds.includes(requestId) && wf.patched(BOUNDED_PENDING_PATCH)) {
          // A backend repeating a reconnect whose data the card already has: nothing to fetch again.
          wf.log.info('Ignored a repeated reconnected signal', { requestId });
          return;
        }
        return fetch(requestId, 'reconnected');
      }
      case 'setScheduledRefresh': {
        const payload = setScheduledRefreshSchema.safeParse(message.payload);
        if (!payload.success) return malformed('setScheduledRefresh', describeZodError(payload.error));
        return run({ kind: 'set-scheduled-refresh', enabled: payload.data.enabled, purpose: 'request' });
      }
      case 'webhookRefresh': {
        const payload = webhookRefreshSchema.safeParse(message.payload);
        if (!payload.success) return malformed('webhookRefresh', describeZodError(payload.error));
        return commit(onWebhookRefresh(state, payload.data.lastRefresh, now));
      }
      case 'disconnect': {
        const payload = disconnectSchema.safeParse(message.payload ?? {});
        if (!payload.success) return malformed('disconnect', describeZodError(payload.error));
        return run({ kind: 'disconnect', deleteData: payload.data.deleteData ?? false });
      }
    }
  };

  const fetch = async (requestId: string, purpose: 'connected' | 'reconnected'): Promise<void> => {
    await run({ kind: 'fetch', requestId, purpose });
    if (state.lastError === null) {
      fetchedRequestIds.push(requestId);
      fetchedRequestIds.splice(0, Math.max(0, fetchedRequestIds.length - FETCHED_REQUEST_IDS_KEPT));
    }
  };

  const malformed = (signal: string, reason: string): void => {
    wf.log.warn('Ignored a malformed signal', { signal, reason });
    commit(recordMalformed(state, `${signal}: ${reason}`));
  };

  const refreshNow = async (ticket: RefreshTicket): Promise<void> => {
    runningRefresh = ticket;
    queuedRefresh = null;
    const next = onRefreshNow(state, Date.now());
    // Before RESUME_SESSION_PATCH only an awaiting-user-mfa card resumed its open session; a history written then
    // (scheduled refresh turned off mid-MFA) logged in again, and replaying it must too.
    const loggedInAgain =
      next === null && state.status !== 'awaiting-user-mfa' && !wf.patched(RESUME_SESSION_PATCH);
    await run(loggedInAgain ? { kind: 'live-refresh', purpose: 'refresh-now' } : next);
    ticket.result = refreshNowResult(state, Date.now());
    ticket.finishedAt = Date.now();
    if (ticket.unanswered) lastUnanswered = ticket;
    runningRefresh = null;
    if (stalledRefresh !== null) {
      stalledRefresh = null;
      publish();
    }
  };

  // ---------- notifications: delivered in the background, never awaited by the card ----------
  let delivering = false;
  const deliverOutbox = async (): Promise<void> => {
    for (;;) {
      await wf.condition(() => outbox.length > 0);
      const next = outbox[0] as CardNotification;
      delivering = true;
      try {
        await backend.notifyBackend.executeWithOptions(
          { startToCloseTimeout: '30 seconds', summary: `Notify the backend: ${next.type}` },
          [next],
        );
      } catch (error) {
        // Refused for good (or not sendable at all): parked where the state query and the Web UI show it, and the
        // outbox moves on. Parking adds no command: old histories replay unchanged.
        const parked = undeliverableOf(next, error, Date.now());
        wf.log.warn('Parked an undeliverable backend notification', { ...parked });
        state = {
          ...state,
          undeliverableNotifications: parkNotification(state.undeliverableNotifications, parked),
        };
        showDetails();
      }
      outbox.shift();
      delivering = false;
    }
  };
  void deliverOutbox();

  // ---------- timers ----------
  // A timer is never cancelled: when a card's next deadline moves later (every cached call moves it), the
  // armed timer just wakes the card early and it re-arms. One timer every few days instead of a cancel and
  // a new timer every night keeps a healthy card's history and billable actions small.
  const armed = new Set<number>();
  let timerFired = false;
  const arm = (at: number, action: string): void => {
    for (const t of armed) if (t <= at) return;
    armed.add(at);
    const disarm = () => {
      armed.delete(at);
      timerFired = true;
    };
    wf.sleep(at - Date.now(), { summary: `Wake up for: ${action}` }).then(disarm, disarm);
  };

  // ---------- the main loop ----------
  publish();
  if (!rawInput.carried && parsed.data.requestId) {
    await fetch(parsed.data.requestId, 'connected');
  }

  // Before BOUNDED_PENDING_PATCH a card continued-as-new only with nothing pending: a steady stream of signals kept
  // it from ever doing so. Now the pending messages travel with the state.
  const mayContinueWithPending = (): boolean => pending.length === 0 || wf.patched(BOUNDED_PENDING_PATCH);
  while (state.status !== 'disconnected') {
    if (queuedRefresh === null && shouldContinueAsNew(policy) && mayContinueWithPending()) {
      // Updates must finish in this run; signals and undelivered notifications travel with the state.
      await wf.condition(() => wf.allHandlersFinished() || queuedRefresh !== null);
      if (queuedRefresh === null && mayContinueWithPending()) {
        await wf.continueAsNew<typeof cardLifecycle>({
          ...rawInput,
          carried: { state, pending: [...pending], outbox: [...outbox], fetchedRequestIds },
        });
      }
    }

    const wake = nextWakeUp(state, policy);
    const hasWork = (): boolean =>
      pending.length > 0 || queuedRefresh !== null || shouldContinueAsNew(policy);
    if (wake !== null && wake.at > Date.now()) arm(wake.at, wake.action);
    // Any timer firing re-runs the loop: it may be an early one, armed for a deadline that has moved.
    timerFired = false;
    await wf.condition(() => hasWork() || timerFired || (wake !== null && Date.now() >= wake.at));

    if (queuedRefresh !== null) {
      await refreshNow(queuedRefresh);
    } else if (pending.length > 0) {
      await handle(pending.shift() as PendingMessage);
    } else if (wake !== null && Date.now() >= wake.at) {
      const t = onTimer(state, wake.action, policy, Date.now());
      commit(t.state);
      await run(t.next);
    }
  }

  closing = true;
  reconnectAfterClose();
  // Give the backend a bounded chance to hear the final status before the workflow closes.
  await wf.condition(() => (outbox.length === 0 && !delivering) || connectAfterClose !== null, '1 hour');
  await wf.condition(wf.allHandlersFinished);
  const again = connectAfterClose as ConnectRequest | null;
  if (again !== null) {
    const { policy: connectPolicy, flinksTaskQueue, ...input } = again;
    const next = restartedCard(state, cardInputSchema.parse(input), Date.now());
    // The closing card's undelivered notifications (its final status among them) go with it, same keys.
    await wf.continueAsNew<typeof cardLifecycle>({
      ...input,
      policy: connectPolicy ?? rawInput.policy,
      flinksTaskQueue: flinksTaskQueue ?? rawInput.flinksTaskQueue,
      carried: { state: next.state, pending: next.pending, outbox: [...outbox] },
    });
  }
  return toCardView(state, policy, Date.now());
}

const cachedOptions: wf.ActivityOptions = { startToCloseTimeout: '35 minutes', heartbeatTimeout: '1 minute' };
const liveOptions: wf.ActivityOptions = { startToCloseTimeout: '35 minutes', heartbeatTimeout: '1 minute' };
const apiOptions: wf.ActivityOptions = { startToCloseTimeout: '2 minutes' };

/** Marks runs whose refreshNow answers within policy.refreshNowAnswerWithinMs (a timer while a press waits). */
export const REFRESH_NOW_BOUND_PATCH = 'card-refresh-now-answers-within-bound';

/**
 * Marks runs whose pending messages are bounded: a message merges with a waiting one of its kind, a malformed one
 * is counted at once instead of queued, a repeated reconnect is ignored, and continue-as-new carries what waits.
 */
export const BOUNDED_PENDING_PATCH = 'card-bounded-pending-messages';

const FETCHED_REQUEST_IDS_KEPT = 5;

/** Marks runs where a reconnect that arrives while the card closes starts it again, rather than being dropped. */
export const RECONNECT_WHILE_CLOSING_PATCH = 'card-reconnect-while-closing-restarts';

/** How long the outcome of a refresh whose press timed out answers the next press. */
const UNANSWERED_OUTCOME_KEPT_MS = 5 * 60_000;

/** Marks runs where a Refresh resumes an open MFA session whatever the card's status (not only awaiting-user-mfa). */
export const RESUME_SESSION_PATCH = 'card-refresh-resumes-session-any-status';

/** Marks runs where the routine leaves a card whose scheduled refresh is off alone, even an errored one. */
export const ROUTINE_SKIPS_UNSCHEDULED_PATCH = 'card-routine-skips-unscheduled';

/** Marks runs where abandoning a card whose scheduled refresh the backend turned off leaves it off on reconnect. */
export const ABANDON_KEEPS_BACKEND_CHOICE_PATCH = 'card-abandon-keeps-backend-choice';

/**
 * A domain fix whose result differs from the legacy behaviour changes the card's commands: the fixed result, unless
 * this run's history was recorded before the fix. Patched only where the two differ, so most runs carry no marker.
 */
function fixedUnlessReplaying<T>(patchId: string, fixed: T, legacy: () => T): T {
  const before = legacy();
  return JSON.stringify(fixed) === JSON.stringify(before) || wf.patched(patchId) ? fixed : before;
}

/** Marks runs that continue-as-new after 250 events rather than 2,000 (the default until then). */
export const SHORT_RUNS_PATCH = 'card-continue-as-new-after-250-events';

/**
 * The run's policy. A run whose history began before short runs keeps the threshold it was written with: on replay
 * it must continue-as-new where its history says it did. An explicit threshold in the input needs no patch.
 */
function runPolicy(overrides: CardPolicyOverrides | undefined): CardPolicy {
  const policy = resolveCardPolicy(overrides);
  if (overrides?.continueAsNewAfterEvents !== undefined || wf.patched(SHORT_RUNS_PATCH)) return policy;
  return { ...policy, continueAsNewAfterEvents: LEGACY_CONTINUE_AS_NEW_AFTER_EVENTS };
}

function shouldContinueAsNew(policy: CardPolicy): boolean {
  const info = wf.workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= policy.continueAsNewAfterEvents;
}

/** Runs an activity; when its retries are exhausted, the failure becomes a value the domain understands. */
async function attempt<T>(run: () => Promise<T>, onFailure: (error: FlinksFailure) => T): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof wf.ActivityFailure) return onFailure(failureOf(error));
    throw error;
  }
}

/** What a card keeps of a notification it gives up on: never its body. */
function undeliverableOf(
  notification: CardNotification,
  error: unknown,
  nowMs: number,
): UndeliverableNotification {
  const cause = error instanceof wf.ActivityFailure ? error.cause : error;
  const rejected = cause instanceof wf.ApplicationFailure && cause.type === NOTIFICATION_REJECTED_TYPE;
  const detail = rejected ? (cause.details?.[0] as { status?: unknown } | undefined) : undefined;
  return {
    idempotencyKey: notification.idempotencyKey,
    type: notification.type,
    at: notification.at,
    parkedAt: toIso(nowMs),
    status: typeof detail?.status === 'number' ? detail.status : null,
    // Bounded: twenty of them live in the card's state.
    reason: (cause instanceof Error ? cause.message : String(cause)).slice(0, 300),
  };
}

function failureOf(error: wf.ActivityFailure): FlinksFailure {
  const cause = error.cause;
  if (cause instanceof wf.ApplicationFailure && cause.type === 'FlinksApiError') {
    const detail = cause.details?.[0] as FlinksFailure | undefined;
    if (detail) return detail;
  }
  if (cause instanceof wf.TimeoutFailure) {
    return {
      code: 'ACTIVITY_TIMEOUT',
      message: `Flinks call timed out (${cause.timeoutType})`,
      httpStatus: null,
      requestId: null,
      stage: 'api',
    };
  }
  return {
    code: 'ACTIVITY_FAILED',
    message: cause?.message ?? error.message,
    httpStatus: null,
    requestId: null,
    stage: 'api',
  };
}
