import { type CardPolicy, defaultCardPolicy, resolveCardPolicy } from '../../src/domain/card-policy';
import { HANDLED_ROUTINES_KEPT, initialCardState } from '../../src/domain/card-state';
import { DAY_MS, HOUR_MS } from '../../src/domain/time';

const T0 = Date.parse('2026-01-05T12:00:00Z');
const LOGIN_ID = '3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6f';
const iso = (ms: number): string => new Date(ms).toISOString();

describe('initialCardState', () => {
  test('connecting counts as a successful refresh and a cached call at connectedAt', () => {
    const state = initialCardState({ loginId: LOGIN_ID, connectedAt: '2026-01-01T08:30:00.000Z' }, T0);
    expect(state.lastSuccessfulRefreshAt).toBe('2026-01-01T08:30:00.000Z');
    expect(state.lastCachedCallAt).toBe('2026-01-01T08:30:00.000Z');
  });

  test('connectedAt defaults to now', () => {
    const state = initialCardState({ loginId: LOGIN_ID }, T0);
    expect(state.lastSuccessfulRefreshAt).toBe(iso(T0));
    expect(state.lastCachedCallAt).toBe(iso(T0));
  });

  test('connectedAt with an offset is kept as the same instant in UTC', () => {
    const state = initialCardState({ loginId: LOGIN_ID, connectedAt: '2026-01-05T13:00:00+01:00' }, T0);
    expect(state.lastSuccessfulRefreshAt).toBe('2026-01-05T12:00:00.000Z');
  });

  test('a card starts scheduled by default', () => {
    const state = initialCardState({ loginId: LOGIN_ID }, T0);
    expect(state.status).toBe('scheduled');
    expect(state.scheduledRefresh).toBe(true);
  });

  test('scheduledRefresh false starts the card unscheduled', () => {
    const state = initialCardState({ loginId: LOGIN_ID, scheduledRefresh: false }, T0);
    expect(state.status).toBe('unscheduled');
    expect(state.scheduledRefresh).toBe(false);
  });

  test('the loginId is lower-cased', () => {
    expect(initialCardState({ loginId: LOGIN_ID.toUpperCase() }, T0).loginId).toBe(LOGIN_ID);
  });

  test('the institution is kept, or null', () => {
    expect(initialCardState({ loginId: LOGIN_ID, institution: 'FlinksCapital' }, T0).institution).toBe(
      'FlinksCapital',
    );
    expect(initialCardState({ loginId: LOGIN_ID }, T0).institution).toBeNull();
  });

  test('starts with no error, no pending session, no routine and zeroed counters', () => {
    expect(initialCardState({ loginId: LOGIN_ID }, T0)).toMatchObject({
      deliveredRefreshAt: null,
      lastError: null,
      pendingRequestId: null,
      awaitingUserSince: null,
      lastRoutineId: null,
      handledRoutineIds: [],
      lastTimerAttemptAt: null,
      abandoned: false,
      warnedForEligibleUntil: null,
      lapseHandledFor: null,
      malformedMessages: { count: 0, lastReason: null },
      notificationSeq: 0,
    });
  });

  test('is plain JSON', () => {
    const state = initialCardState({ loginId: LOGIN_ID, institution: 'Bank', requestId: 'req-1' }, T0);
    expect(JSON.parse(JSON.stringify(state))).toStrictEqual(state);
  });

  test('keeps the last 10 routine ids', () => {
    expect(HANDLED_ROUTINES_KEPT).toBe(10);
  });
});

describe('card policy', () => {
  test('the defaults follow the guide and the issue', () => {
    expect(defaultCardPolicy).toMatchObject<Partial<CardPolicy>>({
      eligibilityWindowMs: 7 * DAY_MS,
      keepAliveAfterMs: 6 * DAY_MS,
      expiryWarningLeadMs: 2 * DAY_MS,
      abandonAfterMs: 30 * DAY_MS,
      maxDataAgeMs: 24 * HOUR_MS,
      webhooks: false,
    });
  });

  test('resolveCardPolicy without overrides is the default policy', () => {
    expect(resolveCardPolicy(undefined)).toEqual(defaultCardPolicy);
  });

  test('resolveCardPolicy applies overrides over the defaults', () => {
    const resolved = resolveCardPolicy({ webhooks: true, abandonAfterMs: DAY_MS });
    expect(resolved).toEqual({ ...defaultCardPolicy, webhooks: true, abandonAfterMs: DAY_MS });
  });

  test('resolveCardPolicy refuses an invalid override', () => {
    expect(() => resolveCardPolicy({ eligibilityWindowMs: -1 })).toThrow();
  });
});
