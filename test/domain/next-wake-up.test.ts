import { type CardPolicy, defaultCardPolicy } from '../../src/domain/card-policy';
import { type CardState, initialCardState } from '../../src/domain/card-state';
import { afterCachedCall, nextWakeUp } from '../../src/domain/card-transitions';
import { eligibilityOf } from '../../src/domain/eligibility';
import { type FlinksFailure } from '../../src/domain/refresh-outcomes';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/domain/time';

const T0 = Date.parse('2026-01-05T12:00:00Z');
const LOGIN_ID = '3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6f';
const iso = (ms: number): string => new Date(ms).toISOString();

function card(overrides: Partial<CardState> = {}): CardState {
  return { ...initialCardState({ loginId: LOGIN_ID, connectedAt: iso(T0) }, T0), ...overrides };
}
function policy(overrides: Partial<CardPolicy> = {}): CardPolicy {
  return { ...defaultCardPolicy, ...overrides };
}
function failure(code: string, overrides: Partial<FlinksFailure> = {}): FlinksFailure {
  return {
    code,
    message: `${code} from Flinks`,
    httpStatus: null,
    requestId: null,
    stage: 'authorize',
    ...overrides,
  };
}
function awaiting(since: number, overrides: Partial<CardState> = {}): CardState {
  return card({
    status: 'awaiting-user-mfa',
    awaitingUserSince: iso(since),
    pendingRequestId: 'req-mfa',
    ...overrides,
  });
}
const keepAlive = { kind: 'cached-call', purpose: 'keep-alive', maxDataAgeMs: null } as const;

describe('nextWakeUp: checks before the window closes', () => {
  test("a fresh card's first check is at eligibleUntil - 2 days", () => {
    const until = eligibilityOf(card(), policy(), T0).eligibleUntil as string;
    expect(nextWakeUp(card(), policy())).toEqual({ at: Date.parse(until) - 2 * DAY_MS, action: 'check' });
    expect(nextWakeUp(card(), policy())).toEqual({ at: T0 + 5 * DAY_MS, action: 'check' });
  });

  test('the first look comes before the 6-day keep-alive', () => {
    const wake = nextWakeUp(card(), policy());
    expect(wake?.at).toBeLessThan(T0 + defaultCardPolicy.keepAliveAfterMs);
  });

  test('the warning check follows the configured lead', () => {
    expect(nextWakeUp(card(), policy({ expiryWarningLeadMs: 3 * DAY_MS }))).toEqual({
      at: T0 + 4 * DAY_MS,
      action: 'check',
    });
  });

  test('a keep-alive is due 6 days after the last cached call when the success window is far', () => {
    // With a 12 h warning lead the look before warning (6.5 d) comes after the keep-alive (6 d).
    const state = card({ lastSuccessfulRefreshAt: iso(T0 + 3 * DAY_MS), lastCachedCallAt: iso(T0) });
    expect(nextWakeUp(state, policy({ expiryWarningLeadMs: 12 * HOUR_MS }))).toEqual({
      at: T0 + 6 * DAY_MS,
      action: 'check',
    });
  });

  test('the keep-alive follows keepAliveAfterMs', () => {
    const state = card({ lastSuccessfulRefreshAt: iso(T0 + 3 * DAY_MS), lastCachedCallAt: iso(T0) });
    const p = policy({ expiryWarningLeadMs: 0, keepAliveAfterMs: 4 * DAY_MS });
    expect(nextWakeUp(state, p)).toEqual({ at: T0 + 4 * DAY_MS, action: 'check' });
  });

  test('with a recent success, the look comes 2 days before the cached-call window closes', () => {
    const state = card({ lastSuccessfulRefreshAt: iso(T0 + 4 * DAY_MS), lastCachedCallAt: iso(T0 + DAY_MS) });
    expect(nextWakeUp(state, policy())).toEqual({ at: T0 + 6 * DAY_MS, action: 'check' });
  });

  test('after one cached call in the warning zone there is no second check: the lapse is next', () => {
    const looked = card({ lastSuccessfulRefreshAt: iso(T0), lastCachedCallAt: iso(T0 + 5 * DAY_MS) });
    expect(nextWakeUp(looked, policy())).toEqual({ at: T0 + 7 * DAY_MS, action: 'lapse' });
  });

  test('a look that finds no newer refresh leads to the lapse', () => {
    const { state } = afterCachedCall(
      card(),
      keepAlive,
      { kind: 'ok', requestId: 'req-1', lastRefresh: iso(T0), isScheduledRefresh: true, delivered: null },
      T0 + 5 * DAY_MS,
    );
    expect(nextWakeUp(state, policy())).toEqual({ at: T0 + 7 * DAY_MS, action: 'lapse' });
  });

  test('a look that finds a newer refresh moves the next check with the new window', () => {
    const lastRefresh = T0 + 5 * DAY_MS - 8 * HOUR_MS;
    const { state } = afterCachedCall(
      card(),
      keepAlive,
      {
        kind: 'ok',
        requestId: 'req-1',
        lastRefresh: iso(lastRefresh),
        isScheduledRefresh: true,
        delivered: null,
      },
      T0 + 5 * DAY_MS,
    );
    expect(nextWakeUp(state, policy())).toEqual({ at: lastRefresh + 5 * DAY_MS, action: 'check' });
  });

  test('with webhooks there is no keep-alive: one look, then the lapse of the success window', () => {
    const webhooks = policy({ webhooks: true });
    const fresh = card({ lastSuccessfulRefreshAt: iso(T0), lastCachedCallAt: iso(T0) });
    expect(nextWakeUp(fresh, webhooks)).toEqual({ at: T0 + 5 * DAY_MS, action: 'check' });
    const looked = card({ lastSuccessfulRefreshAt: iso(T0), lastCachedCallAt: iso(T0 + 5 * DAY_MS) });
    expect(nextWakeUp(looked, webhooks)).toEqual({ at: T0 + 7 * DAY_MS, action: 'lapse' });
  });

  test('an errored card still has its timers', () => {
    expect(nextWakeUp(card({ status: 'errored' }), policy())).toEqual({
      at: T0 + 5 * DAY_MS,
      action: 'check',
    });
  });
});

describe('nextWakeUp: the lapse', () => {
  test('the lapse is at exactly eligibleUntil', () => {
    const looked = card({
      lastSuccessfulRefreshAt: iso(T0 + DAY_MS),
      lastCachedCallAt: iso(T0 + 6 * DAY_MS),
    });
    const until = eligibilityOf(looked, policy(), T0).eligibleUntil;
    expect(nextWakeUp(looked, policy())).toEqual({ at: Date.parse(until as string), action: 'lapse' });
  });

  test('a lapse already handled for this eligibleUntil is not due again', () => {
    const looked = card({
      lastSuccessfulRefreshAt: iso(T0),
      lastCachedCallAt: iso(T0 + 5 * DAY_MS),
      lapseHandledFor: iso(T0 + 7 * DAY_MS),
    });
    expect(nextWakeUp(looked, policy())).toBeNull();
  });

  test('a lapse handled for an earlier window does not suppress the new one', () => {
    const looked = card({
      lastSuccessfulRefreshAt: iso(T0 + 2 * DAY_MS),
      lastCachedCallAt: iso(T0 + 7 * DAY_MS),
      lapseHandledFor: iso(T0 + 7 * DAY_MS),
    });
    expect(nextWakeUp(looked, policy())).toEqual({ at: T0 + 9 * DAY_MS, action: 'lapse' });
  });
});

describe('nextWakeUp: retries back off', () => {
  test('a failed check is retried checkRetryAfterMs after the attempt', () => {
    const { state } = afterCachedCall(
      card(),
      keepAlive,
      { kind: 'failed', error: failure('NETWORK_ERROR') },
      T0 + 5 * DAY_MS,
    );
    expect(state.lastTimerAttemptAt).toBe(iso(T0 + 5 * DAY_MS));
    expect(nextWakeUp(state, policy())).toEqual({ at: T0 + 5 * DAY_MS + HOUR_MS, action: 'check' });
  });

  test('the retry counts from the attempt, not from when the check was due', () => {
    const state = card({ lastTimerAttemptAt: iso(T0 + 5 * DAY_MS + 20 * MINUTE_MS) });
    expect(nextWakeUp(state, policy())).toEqual({ at: T0 + 5 * DAY_MS + 80 * MINUTE_MS, action: 'check' });
  });

  test('the retry delay follows checkRetryAfterMs', () => {
    const state = card({ lastTimerAttemptAt: iso(T0 + 5 * DAY_MS) });
    expect(nextWakeUp(state, policy({ checkRetryAfterMs: 10 * MINUTE_MS }))).toEqual({
      at: T0 + 5 * DAY_MS + 10 * MINUTE_MS,
      action: 'check',
    });
  });

  test('an attempt made before the check was due does not delay it', () => {
    const state = card({ lastTimerAttemptAt: iso(T0 + 2 * DAY_MS) });
    expect(nextWakeUp(state, policy())).toEqual({ at: T0 + 5 * DAY_MS, action: 'check' });
  });

  test('a retry that would fall after eligibleUntil gives way to the lapse', () => {
    const state = card({ lastTimerAttemptAt: iso(T0 + 7 * DAY_MS - 30 * MINUTE_MS) });
    expect(nextWakeUp(state, policy())).toEqual({ at: T0 + 7 * DAY_MS, action: 'lapse' });
  });
});

describe('nextWakeUp: waiting for the user', () => {
  test('a card awaiting the user is abandoned 30 days after the wait began', () => {
    expect(nextWakeUp(awaiting(T0 + DAY_MS), policy())).toEqual({ at: T0 + 31 * DAY_MS, action: 'abandon' });
  });

  test('abandonment follows abandonAfterMs', () => {
    expect(nextWakeUp(awaiting(T0), policy({ abandonAfterMs: 2 * DAY_MS }))).toEqual({
      at: T0 + 2 * DAY_MS,
      action: 'abandon',
    });
  });

  test('a failed abandonment is retried an hour later', () => {
    const state = awaiting(T0, { lastTimerAttemptAt: iso(T0 + 30 * DAY_MS) });
    expect(nextWakeUp(state, policy())).toEqual({ at: T0 + 30 * DAY_MS + HOUR_MS, action: 'abandon' });
  });

  test('no check or lapse while waiting for the user, even past the window', () => {
    const wake = nextWakeUp(awaiting(T0 + 6 * DAY_MS), policy());
    expect(wake?.action).toBe('abandon');
  });
});

describe('nextWakeUp: nothing to do', () => {
  test.each(['unscheduled', 'disconnected', 'refreshing'] as const)('a %s card has no timer', (status) => {
    expect(nextWakeUp(card({ status }), policy())).toBeNull();
  });

  test('a scheduled card whose scheduled refresh is off has no timer', () => {
    expect(nextWakeUp(card({ scheduledRefresh: false }), policy())).toBeNull();
  });

  test('a card with no window has no timer', () => {
    expect(nextWakeUp(card({ lastSuccessfulRefreshAt: null }), policy())).toBeNull();
  });

  test('an awaiting card with no awaitingUserSince has no timer', () => {
    expect(nextWakeUp(card({ status: 'awaiting-user-mfa', awaitingUserSince: null }), policy())).toBeNull();
  });
});
