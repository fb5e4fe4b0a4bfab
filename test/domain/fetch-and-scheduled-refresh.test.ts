import { type Operation } from '../../src/domain/card-operations';
import { type CardPolicy, defaultCardPolicy } from '../../src/domain/card-policy';
import { type CardState, initialCardState } from '../../src/domain/card-state';
import {
  afterDisconnect,
  afterFetch,
  afterSetScheduledRefresh,
  nextWakeUp,
} from '../../src/domain/card-transitions';
import { eligibilityOf } from '../../src/domain/eligibility';
import { type FetchOutcome, type FlinksFailure } from '../../src/domain/refresh-outcomes';
import { DAY_MS, HOUR_MS } from '../../src/domain/time';

const T0 = Date.parse('2026-01-05T12:00:00Z');
const LOGIN_ID = '3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6f';
const iso = (ms: number): string => new Date(ms).toISOString();
const policy: CardPolicy = defaultCardPolicy;

type FetchOp = Extract<Operation, { kind: 'fetch' }>;
type SetOp = Extract<Operation, { kind: 'set-scheduled-refresh' }>;
const reconnect: FetchOp = { kind: 'fetch', requestId: 'req-reconnect', purpose: 'reconnected' };
const connect: FetchOp = { kind: 'fetch', requestId: 'req-connect', purpose: 'connected' };
const setOp = (enabled: boolean, purpose: SetOp['purpose']): SetOp => ({
  kind: 'set-scheduled-refresh',
  enabled,
  purpose,
});

function card(overrides: Partial<CardState> = {}): CardState {
  return { ...initialCardState({ loginId: LOGIN_ID, connectedAt: iso(T0) }, T0), ...overrides };
}
function awaiting(overrides: Partial<CardState> = {}): CardState {
  return card({
    status: 'awaiting-user-mfa',
    awaitingUserSince: iso(T0 + DAY_MS),
    pendingRequestId: 'req-mfa',
    lastError: { code: 'MFA_REQUIRED', message: 'x', at: iso(T0 + DAY_MS), blocksEligibility: true },
    ...overrides,
  });
}
function abandoned(): CardState {
  return card({
    status: 'unscheduled',
    scheduledRefresh: false,
    abandoned: true,
    lastTimerAttemptAt: iso(T0 + 31 * DAY_MS),
  });
}
function failure(code: string, overrides: Partial<FlinksFailure> = {}): FlinksFailure {
  return {
    code,
    message: `${code} from Flinks`,
    httpStatus: 400,
    requestId: null,
    stage: 'data',
    ...overrides,
  };
}
const fetched = (lastRefresh: string): FetchOutcome => ({
  kind: 'refreshed',
  requestId: 'req-reconnect',
  lastRefresh,
  delivered: {
    requestId: 'req-reconnect',
    lastRefresh,
    accounts: 1,
    transactions: 5,
    location: 'memory://sink/3',
  },
});

describe('afterFetch', () => {
  test('a reconnect takes a card awaiting the user back to scheduled', () => {
    const now = T0 + 3 * DAY_MS;
    const { state, next } = afterFetch(awaiting(), reconnect, fetched(iso(now)), now);
    expect(next).toBeNull();
    expect(state).toMatchObject({
      status: 'scheduled',
      lastSuccessfulRefreshAt: iso(now),
      deliveredRefreshAt: iso(now),
      lastError: null,
      pendingRequestId: null,
      awaitingUserSince: null,
    });
  });

  test('the data fetched with the Connect requestId is recorded as delivered', () => {
    const { state, next } = afterFetch(card(), connect, fetched(iso(T0)), T0 + 1000);
    expect(next).toBeNull();
    expect(state).toMatchObject({ status: 'scheduled', deliveredRefreshAt: iso(T0) });
  });

  test('a reconnect on an abandoned card asks to re-enable scheduled refresh', () => {
    const now = T0 + 40 * DAY_MS;
    const { state, next } = afterFetch(abandoned(), reconnect, fetched(iso(now)), now);
    expect(next).toEqual({ kind: 'set-scheduled-refresh', enabled: true, purpose: 'reconnected' });
    expect(state.lastSuccessfulRefreshAt).toBe(iso(now));
    expect(state.status).toBe('unscheduled');
  });

  test('re-enabling after the reconnect makes the abandoned card scheduled again', () => {
    const now = T0 + 40 * DAY_MS;
    const reconnected = afterFetch(abandoned(), reconnect, fetched(iso(now)), now);
    const op = reconnected.next as SetOp;
    const { state } = afterSetScheduledRefresh(reconnected.state, op, { kind: 'ok' }, now + 1000);
    expect(state).toMatchObject({ status: 'scheduled', scheduledRefresh: true, abandoned: false });
  });

  test('a Connect fetch on an abandoned card does not ask to re-enable', () => {
    expect(
      afterFetch(abandoned(), connect, fetched(iso(T0 + 40 * DAY_MS)), T0 + 40 * DAY_MS).next,
    ).toBeNull();
  });

  test('an expired requestId (SESSION_NONEXISTENT) keeps the card waiting, with the error recorded', () => {
    const now = T0 + 3 * DAY_MS;
    const state0 = awaiting();
    const { state, next } = afterFetch(
      state0,
      reconnect,
      { kind: 'failed', error: failure('SESSION_NONEXISTENT') },
      now,
    );
    expect(next).toBeNull();
    expect(state).toMatchObject({
      status: 'awaiting-user-mfa',
      awaitingUserSince: state0.awaitingUserSince,
      pendingRequestId: 'req-mfa',
      lastError: { code: 'SESSION_NONEXISTENT', at: iso(now) },
    });
    expect(nextWakeUp(state, policy)).toEqual({ at: T0 + 31 * DAY_MS, action: 'abandon' });
  });
});

describe('afterSetScheduledRefresh', () => {
  test('turning it off moves a scheduled card to unscheduled, not abandoned', () => {
    const { state, next } = afterSetScheduledRefresh(
      card(),
      setOp(false, 'request'),
      { kind: 'ok' },
      T0 + HOUR_MS,
    );
    expect(next).toBeNull();
    expect(state).toMatchObject({ status: 'unscheduled', scheduledRefresh: false, abandoned: false });
    expect(state.lastTimerAttemptAt).toBeNull();
    expect(eligibilityOf(state, policy, T0 + HOUR_MS).eligible).toBe(false);
    expect(nextWakeUp(state, policy)).toBeNull();
  });

  test('turning it on moves an unscheduled card to scheduled', () => {
    const state0 = card({ status: 'unscheduled', scheduledRefresh: false });
    const { state } = afterSetScheduledRefresh(state0, setOp(true, 'request'), { kind: 'ok' }, T0 + HOUR_MS);
    expect(state).toMatchObject({ status: 'scheduled', scheduledRefresh: true });
    expect(eligibilityOf(state, policy, T0 + HOUR_MS).eligible).toBe(true);
  });

  test('turning it on leaves another status alone', () => {
    const state0 = awaiting({ scheduledRefresh: false });
    const { state } = afterSetScheduledRefresh(state0, setOp(true, 'request'), { kind: 'ok' }, T0 + HOUR_MS);
    expect(state).toMatchObject({ status: 'awaiting-user-mfa', scheduledRefresh: true });
  });

  test('turning it off on request keeps a pending requestId', () => {
    const { state } = afterSetScheduledRefresh(
      awaiting(),
      setOp(false, 'request'),
      { kind: 'ok' },
      T0 + 2 * DAY_MS,
    );
    expect(state).toMatchObject({
      status: 'unscheduled',
      pendingRequestId: 'req-mfa',
      awaitingUserSince: null,
    });
  });

  test('abandoning sets abandoned, unscheduled, and forgets the wait', () => {
    const now = T0 + 31 * DAY_MS;
    const { state, next } = afterSetScheduledRefresh(
      awaiting(),
      setOp(false, 'abandon'),
      { kind: 'ok' },
      now,
    );
    expect(next).toBeNull();
    expect(state).toMatchObject({
      status: 'unscheduled',
      scheduledRefresh: false,
      abandoned: true,
      pendingRequestId: null,
      awaitingUserSince: null,
      lastTimerAttemptAt: iso(now),
    });
    expect(nextWakeUp(state, policy)).toBeNull();
  });

  test('a failed abandonment records the error and is retried after checkRetryAfterMs', () => {
    const now = T0 + 31 * DAY_MS;
    const error = failure('RETRY_LATER', { stage: 'api', httpStatus: 401 });
    const { state } = afterSetScheduledRefresh(
      awaiting(),
      setOp(false, 'abandon'),
      { kind: 'failed', error },
      now,
    );
    expect(state).toMatchObject({
      status: 'awaiting-user-mfa',
      abandoned: false,
      scheduledRefresh: true,
      lastTimerAttemptAt: iso(now),
      lastError: { code: 'RETRY_LATER', at: iso(now) },
    });
    expect(nextWakeUp(state, policy)).toEqual({ at: now + HOUR_MS, action: 'abandon' });
  });

  test('a failed request records the error and changes nothing else', () => {
    const state0 = card();
    const error = failure('ACCESS_DENIED', { stage: 'api', httpStatus: 401 });
    const { state } = afterSetScheduledRefresh(
      state0,
      setOp(false, 'request'),
      { kind: 'failed', error },
      T0 + HOUR_MS,
    );
    expect(state).toEqual({
      ...state0,
      lastError: {
        code: 'ACCESS_DENIED',
        message: 'ACCESS_DENIED from Flinks',
        at: iso(T0 + HOUR_MS),
        blocksEligibility: false,
      },
    });
  });
});

describe('afterDisconnect', () => {
  test('the card is disconnected and forgets any wait', () => {
    const state = afterDisconnect(awaiting());
    expect(state).toMatchObject({ status: 'disconnected', pendingRequestId: null, awaitingUserSince: null });
    expect(nextWakeUp(state, policy)).toBeNull();
    expect(eligibilityOf(state, policy, T0).reason).toBe('the card is disconnected');
  });
});
