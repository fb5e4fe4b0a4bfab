// A sink that refuses data is a delivery outage, recorded apart from what Flinks did: the windows move on Flinks'
// answer, the data is redelivered on its own backoff by cached calls, and never by a live refresh.
import { type Operation } from '../../src/domain/card-operations';
import { type CardPolicy, defaultCardPolicy } from '../../src/domain/card-policy';
import { type CardState, initialCardState } from '../../src/domain/card-state';
import {
  afterCachedCall,
  afterFetch,
  afterLiveRefresh,
  nextWakeUp,
  onTimer,
} from '../../src/domain/card-transitions';
import { describeCard, toCardView } from '../../src/domain/card-view';
import {
  REDELIVER_FIRST_AFTER_MS,
  REDELIVER_MAX_AFTER_MS,
  recordDelivery,
} from '../../src/domain/data-delivery';
import { eligibilityOf } from '../../src/domain/eligibility';
import {
  type CachedCallOutcome,
  type DeliveredData,
  type DeliveryFailure,
  type FlinksFailure,
} from '../../src/domain/refresh-outcomes';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/domain/time';

const T0 = Date.parse('2026-01-05T12:00:00Z');
const NOW = T0 + 3 * DAY_MS;
const LOGIN_ID = '3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6f';
const iso = (ms: number): string => new Date(ms).toISOString();
const policy: CardPolicy = defaultCardPolicy;

type CachedCallOp = Extract<Operation, { kind: 'cached-call' }>;
const keepAlive: CachedCallOp = { kind: 'cached-call', purpose: 'keep-alive', maxDataAgeMs: null };
const redeliver: CachedCallOp = { kind: 'cached-call', purpose: 'redeliver', maxDataAgeMs: null };
const routine: CachedCallOp = { kind: 'cached-call', purpose: 'routine', maxDataAgeMs: DAY_MS };

function card(overrides: Partial<CardState> = {}): CardState {
  return { ...initialCardState({ loginId: LOGIN_ID, connectedAt: iso(T0) }, T0), ...overrides };
}
function delivered(lastRefresh: string): DeliveredData {
  return { requestId: 'req-c', lastRefresh, accounts: 2, transactions: 40, location: 'memory://sink/1' };
}
function refused(
  lastRefresh: string,
  at = NOW,
  reason = 'HttpSink: POST https://b/sink answered HTTP 413',
): DeliveryFailure {
  return { reason, httpStatus: 413, at: iso(at), requestId: 'req-c', lastRefresh };
}
function ok(lastRefresh: string, delivery: 'delivered' | 'refused' | 'nothing-new'): CachedCallOutcome {
  return {
    kind: 'ok',
    requestId: 'req-c',
    lastRefresh,
    isScheduledRefresh: true,
    delivered: delivery === 'delivered' ? delivered(lastRefresh) : null,
    deliveryFailed: delivery === 'refused' ? refused(lastRefresh) : null,
  };
}
const flinksDown: FlinksFailure = {
  code: 'NETWORK_ERROR',
  message: 'no answer',
  httpStatus: null,
  requestId: null,
  stage: 'authorize',
};
/** A card whose last delivery the sink refused `attempts` times, the last at `at`. */
function pendingCard(attempts: number, at: number, overrides: Partial<CardState> = {}): CardState {
  return card({
    lastCachedCallAt: iso(at),
    deliveryPending: {
      since: iso(T0 + HOUR_MS),
      attempts,
      lastAttemptAt: iso(at),
      lastRefresh: iso(at - HOUR_MS),
      reason: 'HttpSink: POST https://b/sink answered HTTP 500',
    },
    ...overrides,
  });
}

describe('a refused delivery is not a Flinks failure', () => {
  test('a cached call whose data the sink refuses: both windows move, the data waits, the card stays scheduled', () => {
    const lastRefresh = iso(NOW - 6 * HOUR_MS);
    const { state, next } = afterCachedCall(card(), keepAlive, ok(lastRefresh, 'refused'), NOW);
    expect(next).toBeNull();
    expect(state).toMatchObject({
      status: 'scheduled',
      lastError: null,
      lastCachedCallAt: iso(NOW),
      lastSuccessfulRefreshAt: lastRefresh,
      deliveredRefreshAt: null,
      deliveryPending: {
        since: iso(NOW),
        attempts: 1,
        lastAttemptAt: iso(NOW),
        lastRefresh,
        reason: expect.stringContaining('HTTP 413'),
      },
    });
    expect(eligibilityOf(state, policy, NOW).eligibleUntil).toBe(iso(NOW - 6 * HOUR_MS + 7 * DAY_MS));
  });

  test('a live refresh whose data the sink refuses is a success; only the delivery waits', () => {
    const state0 = { ...card(), status: 'refreshing' as const };
    const lastRefresh = iso(NOW - MINUTE_MS);
    const { state, next } = afterLiveRefresh(
      state0,
      {
        kind: 'refreshed',
        requestId: 'req-l',
        lastRefresh,
        delivered: null,
        deliveryFailed: refused(lastRefresh),
      },
      NOW,
    );
    expect(next).toBeNull();
    expect(state).toMatchObject({
      status: 'scheduled',
      lastError: null,
      lastSuccessfulRefreshAt: lastRefresh,
    });
    expect(state.deliveredRefreshAt).toBeNull();
    expect(state.deliveryPending?.attempts).toBe(1);
  });

  test('a reconnect whose data the sink refuses ends the wait for the user, and still turns an abandoned card back on', () => {
    const waiting = card({ status: 'awaiting-user-mfa', awaitingUserSince: iso(T0), abandoned: true });
    const lastRefresh = iso(NOW - MINUTE_MS);
    const { state, next } = afterFetch(
      waiting,
      { kind: 'fetch', requestId: 'req-r', purpose: 'reconnected' },
      {
        kind: 'refreshed',
        requestId: 'req-r',
        lastRefresh,
        delivered: null,
        deliveryFailed: refused(lastRefresh),
      },
      NOW,
    );
    expect(state).toMatchObject({
      status: 'scheduled',
      awaitingUserSince: null,
      lastSuccessfulRefreshAt: lastRefresh,
    });
    expect(state.deliveryPending?.lastRefresh).toBe(lastRefresh);
    expect(next).toEqual({ kind: 'set-scheduled-refresh', enabled: true, purpose: 'reconnected' });
  });

  test('a further refusal counts up and keeps when the outage began; the newest undelivered LastRefresh is kept', () => {
    const state0 = pendingCard(2, NOW - HOUR_MS);
    const lastRefresh = iso(NOW - 10 * MINUTE_MS);
    const { state } = afterCachedCall(state0, redeliver, ok(lastRefresh, 'refused'), NOW);
    expect(state.deliveryPending).toMatchObject({
      since: iso(T0 + HOUR_MS),
      attempts: 3,
      lastAttemptAt: iso(NOW),
      lastRefresh,
    });
  });

  test('results recorded before (no deliveryFailed, a state without deliveryPending) read as they did', () => {
    const { deliveryPending: _, ...old } = card();
    const lastRefresh = iso(NOW - HOUR_MS);
    const { state } = afterLiveRefresh(
      old,
      { kind: 'refreshed', requestId: 'req-l', lastRefresh, delivered: delivered(lastRefresh) },
      NOW,
    );
    expect(state.deliveredRefreshAt).toBe(lastRefresh);
    expect(state.deliveryPending ?? null).toBeNull();
    expect(toCardView(old, policy, NOW).deliveryPending).toBeNull();
    expect(nextWakeUp(old, policy)?.action).not.toBe('redeliver');
  });
});

describe('redelivery', () => {
  test('is due 5 minutes after the first refusal, doubling per refusal up to 6 hours', () => {
    const dueAfter = (attempts: number): number | undefined => {
      const wake = nextWakeUp(pendingCard(attempts, NOW), policy);
      expect(wake?.action).toBe('redeliver');
      return wake === null ? undefined : wake.at - NOW;
    };
    expect(REDELIVER_FIRST_AFTER_MS).toBe(5 * MINUTE_MS);
    expect(REDELIVER_MAX_AFTER_MS).toBe(6 * HOUR_MS);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(dueAfter)).toEqual(
      [5, 10, 20, 40, 80, 160, 320, 360].map((m) => m * MINUTE_MS),
    );
    expect(dueAfter(1000)).toBe(6 * HOUR_MS);
  });

  test('runs while scheduled, errored or unscheduled; not while the card waits for the user, nor once disconnected', () => {
    const action = (overrides: Partial<CardState>): string | undefined =>
      nextWakeUp(pendingCard(1, NOW, overrides), policy)?.action;
    expect(action({})).toBe('redeliver');
    expect(action({ status: 'errored' })).toBe('redeliver');
    expect(action({ status: 'unscheduled', scheduledRefresh: false })).toBe('redeliver');
    expect(action({ status: 'awaiting-user-mfa', awaitingUserSince: iso(NOW) })).toBe('abandon');
    expect(action({ status: 'disconnected' })).toBeUndefined();
  });

  test('is a cached call that reads the latest session, never a live refresh', () => {
    const state = pendingCard(1, NOW);
    expect(onTimer(state, 'redeliver', policy, NOW + 5 * MINUTE_MS)).toEqual({
      state,
      next: { kind: 'cached-call', purpose: 'redeliver', maxDataAgeMs: null },
    });
  });

  test('delivered: the outage is over, the sink has the newest LastRefresh, and the cached call counted', () => {
    const at = NOW + 5 * MINUTE_MS;
    const lastRefresh = iso(NOW - 30 * MINUTE_MS);
    const { state, next } = afterCachedCall(pendingCard(1, NOW), redeliver, ok(lastRefresh, 'delivered'), at);
    expect(next).toBeNull();
    expect(state).toMatchObject({
      deliveryPending: null,
      deliveredRefreshAt: lastRefresh,
      lastCachedCallAt: iso(at),
    });
    expect(nextWakeUp(state, policy)?.action).not.toBe('redeliver');
  });

  test('nothing newer than what the sink holds: the outage is over without a delivery', () => {
    const state0 = pendingCard(1, NOW, { deliveredRefreshAt: iso(NOW - 2 * HOUR_MS) });
    const { state } = afterCachedCall(
      state0,
      redeliver,
      ok(iso(NOW - 2 * HOUR_MS), 'nothing-new'),
      NOW + HOUR_MS,
    );
    expect(state.deliveryPending).toBeNull();
  });

  test('Flinks failing the redelivery records the error and still backs off (no spin)', () => {
    const at = NOW + 5 * MINUTE_MS;
    const { state, next } = afterCachedCall(
      pendingCard(1, NOW),
      redeliver,
      { kind: 'failed', error: flinksDown },
      at,
    );
    expect(next).toBeNull();
    expect(state.lastError?.code).toBe('NETWORK_ERROR');
    expect(state.deliveryPending).toMatchObject({ attempts: 2, lastAttemptAt: iso(at) });
    expect(nextWakeUp(state, policy)).toEqual({ at: at + 10 * MINUTE_MS, action: 'redeliver' });
  });

  test('an error Flinks replays to a redelivery is recorded, but the live refresh it calls for waits for a look of the card', () => {
    const replayed: CachedCallOutcome = {
      kind: 'replayed-error',
      error: { ...flinksDown, code: 'INVALID_REQUEST', httpStatus: 400, requestId: 'req-x' },
      lastRefresh: iso(NOW - DAY_MS),
      delivered: null,
      deliveryFailed: refused(iso(NOW - DAY_MS)),
    };
    const viaRedeliver = afterCachedCall(pendingCard(1, NOW), redeliver, replayed, NOW + HOUR_MS);
    expect(viaRedeliver.next).toBeNull();
    expect(viaRedeliver.state).toMatchObject({ status: 'errored', lastError: { code: 'INVALID_REQUEST' } });
    // The routine's look, told the same, is what decides on a live refresh.
    expect(afterCachedCall(pendingCard(1, NOW), routine, replayed, NOW + HOUR_MS).next).toEqual({
      kind: 'live-refresh',
      purpose: 'replayed-error',
    });
  });

  test('recordDelivery: a delivery that does not reach the pending LastRefresh leaves the outage open', () => {
    const state0 = pendingCard(1, NOW);
    const state = recordDelivery(state0, { delivered: delivered(iso(NOW - 3 * HOUR_MS)) }, NOW);
    expect(state.deliveryPending).toEqual(state0.deliveryPending);
  });
});

describe('ten days of a sink that refuses everything, played through the domain', () => {
  test('never a live refresh, eligible throughout with the windows moving, and delivered on the first try after', () => {
    let state = card();
    let now = T0;
    let sinkUp = false;
    const ops: Operation[] = [];
    const nightly = (ms: number): string =>
      iso(Math.floor((ms - 5 * HOUR_MS) / DAY_MS) * DAY_MS + 5 * HOUR_MS);
    const cachedCall = (s: CardState, op: CachedCallOp, at: number): CardState => {
      const lastRefresh = nightly(at);
      const isNew =
        s.deliveredRefreshAt === null || Date.parse(lastRefresh) > Date.parse(s.deliveredRefreshAt);
      const outcome: CachedCallOutcome = {
        kind: 'ok',
        requestId: `req-${at}`,
        lastRefresh,
        isScheduledRefresh: true,
        delivered: isNew && sinkUp ? delivered(lastRefresh) : null,
        deliveryFailed: isNew && !sinkUp ? refused(lastRefresh, at, 'HttpSink: answered HTTP 500') : null,
      };
      const t = afterCachedCall(s, op, outcome, at);
      if (t.next) ops.push(t.next);
      return t.state;
    };
    for (let day = 1; day <= 10; day++) {
      // The routine's morning look, then whatever the card wakes for until the next morning.
      now = T0 + day * DAY_MS;
      state = cachedCall(state, routine, now);
      for (let wake = nextWakeUp(state, policy); wake !== null && wake.at < T0 + (day + 1) * DAY_MS;) {
        now = wake.at;
        const t = onTimer(state, wake.action, policy, now);
        expect(t.next?.kind).toBe('cached-call');
        state = cachedCall(t.state, t.next as CachedCallOp, now);
        wake = nextWakeUp(state, policy);
      }
      expect(eligibilityOf(state, policy, now).eligible).toBe(true);
      expect(Date.parse(eligibilityOf(state, policy, now).eligibleUntil ?? '')).toBeGreaterThan(
        now + 5 * DAY_MS,
      );
      expect(state.status).toBe('scheduled');
    }
    expect(ops.filter((op) => op.kind === 'live-refresh')).toEqual([]);
    expect(state.deliveryPending?.attempts).toBeGreaterThan(30);

    sinkUp = true;
    const wake = nextWakeUp(state, policy);
    expect(wake).toMatchObject({ action: 'redeliver' });
    state = cachedCall(onTimer(state, 'redeliver', policy, wake!.at).state, redeliver, wake!.at);
    expect(state.deliveryPending).toBeNull();
    expect(state.deliveredRefreshAt).toBe(nightly(wake!.at));
  });
});

describe('the view', () => {
  test('shows the pending delivery and when it is next tried; the status stays what Flinks says', () => {
    const state = pendingCard(3, NOW);
    const view = toCardView(state, policy, NOW);
    expect(view.status).toBe('scheduled');
    expect(view.eligible).toBe(true);
    expect(view.deliveryPending).toEqual({
      ...state.deliveryPending,
      nextAttemptAt: iso(NOW + 20 * MINUTE_MS),
    });
    const text = describeCard(state, policy, NOW, nextWakeUp(state, policy));
    expect(text).toContain('the sink refused it 3 time(s)');
    expect(text).toContain('HTTP 500');
    expect(text).toMatch(/Next: a cached call reads the latest data again .* \(in 20m\)/);
  });
});
