import { type CardPolicy, defaultCardPolicy } from '../../src/domain/card-policy';
import { type CardState, initialCardState } from '../../src/domain/card-state';
import {
  afterLiveRefresh,
  afterSetScheduledRefresh,
  CardErrorCodes,
  nextWakeUp,
  onRefreshNow,
  refreshNowResult,
  RESUMABLE_REQUEST_MS,
  resumablePendingRequest,
} from '../../src/domain/card-transitions';
import { toCardView } from '../../src/domain/card-view';
import { type FlinksFailure } from '../../src/domain/refresh-outcomes';
import { DAY_MS, MINUTE_MS } from '../../src/domain/time';

const T0 = Date.parse('2026-01-05T12:00:00Z');
const LOGIN_ID = '3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6f';
const iso = (ms: number): string => new Date(ms).toISOString();
const policy: CardPolicy = defaultCardPolicy;
const liveRefresh = { kind: 'live-refresh', purpose: 'refresh-now' } as const;
const turnOff = { kind: 'set-scheduled-refresh', enabled: false, purpose: 'request' } as const;
const turnOn = { kind: 'set-scheduled-refresh', enabled: true, purpose: 'request' } as const;

function card(overrides: Partial<CardState> = {}): CardState {
  return { ...initialCardState({ loginId: LOGIN_ID, connectedAt: iso(T0) }, T0), ...overrides };
}

/** A Refresh pressed at `at` met MFA at the bank: the card holds session `req-mfa`, opened then. */
function mfaAt(at: number, overrides: Partial<CardState> = {}): CardState {
  return afterLiveRefresh(card(overrides), { kind: 'mfa-required', requestId: 'req-mfa' }, at).state;
}

const OPENED = T0 + DAY_MS;
const openSession = {
  outcome: 'mfa-required',
  requestId: 'req-mfa',
  errorCode: CardErrorCodes.mfaRequired,
} as const;

describe('a Refresh while an MFA session is open returns that session', () => {
  test('awaiting the user: no second login, the same requestId', () => {
    const state = mfaAt(OPENED);
    const now = OPENED + 5 * MINUTE_MS;
    expect(onRefreshNow(state, now)).toBeNull();
    expect(refreshNowResult(state, now)).toEqual(openSession);
  });

  test('B11: scheduled refresh turned off meanwhile keeps the session; the card is unscheduled, not waiting', () => {
    const { state } = afterSetScheduledRefresh(mfaAt(OPENED), turnOff, { kind: 'ok' }, OPENED + MINUTE_MS);
    expect(state).toMatchObject({
      status: 'unscheduled',
      scheduledRefresh: false,
      pendingRequestId: 'req-mfa',
      awaitingUserSince: null,
    });
    // No abandon clock: the card no longer waits for the user.
    expect(nextWakeUp(state, policy)).toBeNull();
    expect(toCardView(state, policy, OPENED + MINUTE_MS)).toMatchObject({
      status: 'unscheduled',
      pendingRequestId: 'req-mfa',
      awaitingUserSince: null,
    });
    const now = OPENED + 2 * MINUTE_MS;
    expect(resumablePendingRequest(state, now)).toBe('req-mfa');
    expect(onRefreshNow(state, now)).toBeNull();
    expect(refreshNowResult(state, now)).toEqual(openSession);
  });

  test('turned off, then on again: still the same session', () => {
    const off = afterSetScheduledRefresh(mfaAt(OPENED), turnOff, { kind: 'ok' }, OPENED + MINUTE_MS).state;
    const { state } = afterSetScheduledRefresh(off, turnOn, { kind: 'ok' }, OPENED + 2 * MINUTE_MS);
    expect(state.status).toBe('scheduled');
    expect(onRefreshNow(state, OPENED + 3 * MINUTE_MS)).toBeNull();
    expect(refreshNowResult(state, OPENED + 3 * MINUTE_MS)).toEqual(openSession);
  });

  test('once the session is past resuming, a Refresh logs in again', () => {
    const off = afterSetScheduledRefresh(mfaAt(OPENED), turnOff, { kind: 'ok' }, OPENED + MINUTE_MS).state;
    const later = OPENED + RESUMABLE_REQUEST_MS;
    expect(resumablePendingRequest(off, later - 1)).toBe('req-mfa');
    expect(resumablePendingRequest(off, later)).toBeNull();
    expect(onRefreshNow(off, later)).toEqual(liveRefresh);
    expect(onRefreshNow(mfaAt(OPENED), later)).toEqual(liveRefresh);
  });

  test('abandoning forgets the session', () => {
    const abandon = { ...turnOff, purpose: 'abandon' } as const;
    const { state } = afterSetScheduledRefresh(mfaAt(OPENED), abandon, { kind: 'ok' }, OPENED + MINUTE_MS);
    expect(resumablePendingRequest(state, OPENED + 2 * MINUTE_MS)).toBeNull();
    expect(onRefreshNow(state, OPENED + 2 * MINUTE_MS)).toEqual(liveRefresh);
  });
});

describe('refreshNowResult after the live refresh', () => {
  const NOW = T0 + 2 * DAY_MS;

  test('refreshed: the new lastRefreshAt', () => {
    const delivered = { requestId: 'r', lastRefresh: iso(NOW), accounts: 1, transactions: 1, location: 'x' };
    const { state } = afterLiveRefresh(
      card({ status: 'errored' }),
      { kind: 'refreshed', requestId: 'r', lastRefresh: iso(NOW), delivered },
      NOW,
    );
    expect(refreshNowResult(state, NOW)).toEqual({ outcome: 'refreshed', lastRefreshAt: iso(NOW) });
  });

  const failed = (code: string): FlinksFailure => ({
    code,
    message: `${code} from Flinks`,
    httpStatus: 401,
    requestId: null,
    stage: 'authorize',
  });

  test('failed, not the user to fix: the code', () => {
    const { state } = afterLiveRefresh(card(), { kind: 'failed', error: failed('RETRY_LATER') }, NOW);
    expect(refreshNowResult(state, NOW)).toEqual({ outcome: 'failed', errorCode: 'RETRY_LATER' });
  });

  test('a user-fixable failure without a session: mfa-required, no requestId', () => {
    const { state } = afterLiveRefresh(card(), { kind: 'failed', error: failed('INVALID_PASSWORD') }, NOW);
    expect(refreshNowResult(state, NOW)).toEqual({ outcome: 'mfa-required', errorCode: 'INVALID_PASSWORD' });
  });
});
