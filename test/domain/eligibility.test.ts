import { type CardPolicy, defaultCardPolicy } from '../../src/domain/card-policy';
import { type CardState, initialCardState } from '../../src/domain/card-state';
import { afterCachedCall, onNightlyStatus } from '../../src/domain/card-transitions';
import { eligibilityOf } from '../../src/domain/eligibility';
import { ELIGIBILITY_KEEPING_CODES } from '../../src/domain/flinks-codes';
import { type FlinksFailure } from '../../src/domain/refresh-outcomes';
import { DAY_MS, HOUR_MS } from '../../src/domain/time';

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
    httpStatus: 400,
    requestId: null,
    stage: 'authorize',
    ...overrides,
  };
}
const keepAlive = { kind: 'cached-call', purpose: 'keep-alive', maxDataAgeMs: null } as const;

describe('eligibilityOf: the two seven-day windows', () => {
  test('a freshly connected card is eligible, with both windows ending 7 days after connecting', () => {
    expect(eligibilityOf(card(), policy(), T0)).toEqual({
      eligible: true,
      eligibleUntil: iso(T0 + 7 * DAY_MS),
      successDeadline: iso(T0 + 7 * DAY_MS),
      cachedDeadline: iso(T0 + 7 * DAY_MS),
      reason: null,
    });
  });

  test('is still eligible 1 ms before the seventh day ends', () => {
    expect(eligibilityOf(card(), policy(), T0 + 7 * DAY_MS - 1).eligible).toBe(true);
  });

  test('is no longer eligible at exactly 7 days', () => {
    const e = eligibilityOf(card(), policy(), T0 + 7 * DAY_MS);
    expect(e.eligible).toBe(false);
    expect(e.reason).toBe('no successful refresh in the window');
  });

  test('eligibleUntil is the success window when it closes first', () => {
    const state = card({ lastSuccessfulRefreshAt: iso(T0), lastCachedCallAt: iso(T0 + 3 * DAY_MS) });
    const e = eligibilityOf(state, policy(), T0 + DAY_MS);
    expect(e.eligibleUntil).toBe(iso(T0 + 7 * DAY_MS));
    expect(e.cachedDeadline).toBe(iso(T0 + 10 * DAY_MS));
    expect(eligibilityOf(state, policy(), T0 + 7 * DAY_MS).reason).toBe(
      'no successful refresh in the window',
    );
  });

  test('eligibleUntil is the cached-call window when it closes first', () => {
    const state = card({ lastSuccessfulRefreshAt: iso(T0 + 3 * DAY_MS), lastCachedCallAt: iso(T0) });
    expect(eligibilityOf(state, policy(), T0).eligibleUntil).toBe(iso(T0 + 7 * DAY_MS));
    expect(eligibilityOf(state, policy(), T0 + 7 * DAY_MS - 1).eligible).toBe(true);
    const lapsed = eligibilityOf(state, policy(), T0 + 7 * DAY_MS);
    expect(lapsed.eligible).toBe(false);
    expect(lapsed.reason).toBe('no cached call in the window');
  });

  test('a card that never had a cached call has no window without webhooks', () => {
    const e = eligibilityOf(card({ lastCachedCallAt: null }), policy(), T0);
    expect(e.eligibleUntil).toBeNull();
    expect(e.eligible).toBe(false);
    expect(e.reason).toBe('no cached call in the window');
  });

  test('a card that never refreshed successfully has no window', () => {
    const e = eligibilityOf(card({ lastSuccessfulRefreshAt: null }), policy(), T0);
    expect(e.eligibleUntil).toBeNull();
    expect(e.successDeadline).toBeNull();
    expect(e.reason).toBe('no successful refresh in the window');
  });

  test('the window length follows the policy', () => {
    const e = eligibilityOf(card(), policy({ eligibilityWindowMs: 2 * HOUR_MS }), T0 + 2 * HOUR_MS - 1);
    expect(e).toMatchObject({ eligible: true, eligibleUntil: iso(T0 + 2 * HOUR_MS) });
  });
});

describe('eligibilityOf with webhooks', () => {
  const webhooks = policy({ webhooks: true });

  test('only the success window applies', () => {
    const state = card({ lastSuccessfulRefreshAt: iso(T0 + 3 * DAY_MS), lastCachedCallAt: iso(T0) });
    const e = eligibilityOf(state, webhooks, T0 + 9 * DAY_MS);
    expect(e).toMatchObject({ eligible: true, eligibleUntil: iso(T0 + 10 * DAY_MS), cachedDeadline: null });
  });

  test('a card with no cached call at all is still eligible', () => {
    const e = eligibilityOf(card({ lastCachedCallAt: null }), webhooks, T0 + DAY_MS);
    expect(e).toMatchObject({ eligible: true, eligibleUntil: iso(T0 + 7 * DAY_MS) });
  });

  test('the success window still closes at exactly 7 days', () => {
    expect(eligibilityOf(card(), webhooks, T0 + 7 * DAY_MS - 1).eligible).toBe(true);
    expect(eligibilityOf(card(), webhooks, T0 + 7 * DAY_MS).eligible).toBe(false);
  });
});

describe('eligibilityOf: what the card itself says', () => {
  test('scheduled refresh off makes the card ineligible (flag)', () => {
    const e = eligibilityOf(card({ scheduledRefresh: false }), policy(), T0);
    expect(e).toMatchObject({ eligible: false, reason: 'scheduled refresh is off' });
  });

  test('an unscheduled card is ineligible (status)', () => {
    const e = eligibilityOf(card({ status: 'unscheduled' }), policy(), T0);
    expect(e).toMatchObject({ eligible: false, reason: 'scheduled refresh is off' });
  });

  test('a disconnected card is ineligible', () => {
    expect(eligibilityOf(card({ status: 'disconnected' }), policy(), T0).reason).toBe(
      'the card is disconnected',
    );
  });

  test('a card awaiting the user is ineligible but still reports its window', () => {
    const e = eligibilityOf(card({ status: 'awaiting-user-mfa', awaitingUserSince: iso(T0) }), policy(), T0);
    expect(e).toMatchObject({
      eligible: false,
      reason: 'only the user can fix the login',
      eligibleUntil: iso(T0 + 7 * DAY_MS),
    });
  });

  test('a lastError that blocks eligibility makes the card ineligible and names the code', () => {
    const state = card({
      lastError: { code: 'INVALID_REQUEST', message: 'x', at: iso(T0), blocksEligibility: true },
    });
    const e = eligibilityOf(state, policy(), T0);
    expect(e.eligible).toBe(false);
    expect(e.reason).toContain('INVALID_REQUEST');
  });

  test('a lastError that does not block eligibility leaves the card eligible', () => {
    const state = card({
      lastError: { code: 'RETRY_LATER', message: 'x', at: iso(T0), blocksEligibility: false },
    });
    expect(eligibilityOf(state, policy(), T0).eligible).toBe(true);
  });
});

describe('eligibilityOf after Flinks errors', () => {
  test.each(ELIGIBILITY_KEEPING_CODES)('a card listed with %s keeps its eligibility', (code) => {
    const { state } = onNightlyStatus(
      card(),
      {
        routineId: 'r1',
        ineligible: { lastRefreshDate: null, lastRefreshState: 'Failed', lastRefreshErrorCode: code },
      },
      policy(),
      T0 + HOUR_MS,
    );
    expect(state.lastError?.blocksEligibility).toBe(false);
    expect(eligibilityOf(state, policy(), T0 + HOUR_MS).eligible).toBe(true);
  });

  test.each(ELIGIBILITY_KEEPING_CODES)('a cached call replaying %s keeps eligibility', (code) => {
    const { state } = afterCachedCall(
      card(),
      keepAlive,
      { kind: 'replayed-error', error: failure(code), lastRefresh: null, delivered: null },
      T0 + HOUR_MS,
    );
    expect(eligibilityOf(state, policy(), T0 + HOUR_MS).eligible).toBe(true);
  });

  test('a cached call replaying an Authorize error outside the seven blocks eligibility', () => {
    const { state } = afterCachedCall(
      card(),
      keepAlive,
      {
        kind: 'replayed-error',
        error: failure('INVALID_REQUEST', { requestId: 'req-1' }),
        lastRefresh: null,
        delivered: null,
      },
      T0 + HOUR_MS,
    );
    expect(state.lastError).toMatchObject({ code: 'INVALID_REQUEST', blocksEligibility: true });
    expect(eligibilityOf(state, policy(), T0 + HOUR_MS).eligible).toBe(false);
  });

  test('an error on a data call does not block eligibility: only Authorize errors count', () => {
    const { state } = afterCachedCall(
      card(),
      keepAlive,
      { kind: 'failed', error: failure('NO_TRANSACTION', { stage: 'data' }) },
      T0 + HOUR_MS,
    );
    expect(state.lastError?.blocksEligibility).toBe(false);
    expect(eligibilityOf(state, policy(), T0 + HOUR_MS).eligible).toBe(true);
  });

  test('an error we synthesize (no answer from Flinks) never blocks eligibility', () => {
    const { state } = afterCachedCall(
      card(),
      keepAlive,
      { kind: 'failed', error: failure('NETWORK_ERROR', { httpStatus: null }) },
      T0 + HOUR_MS,
    );
    expect(state.lastError?.blocksEligibility).toBe(false);
    expect(eligibilityOf(state, policy(), T0 + HOUR_MS).eligible).toBe(true);
  });
});
