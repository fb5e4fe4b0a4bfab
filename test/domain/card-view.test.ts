import { type CardPolicy, defaultCardPolicy } from '../../src/domain/card-policy';
import { type CardState, initialCardState } from '../../src/domain/card-state';
import { nextWakeUp } from '../../src/domain/card-transitions';
import { describeCard, toCardView } from '../../src/domain/card-view';
import { DAY_MS, HOUR_MS } from '../../src/domain/time';

const T0 = Date.parse('2026-01-05T12:00:00Z');
const LOGIN_ID = '3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6f';
const iso = (ms: number): string => new Date(ms).toISOString();
const policy: CardPolicy = defaultCardPolicy;

function card(overrides: Partial<CardState> = {}): CardState {
  return {
    ...initialCardState({ loginId: LOGIN_ID, institution: 'FlinksCapital', connectedAt: iso(T0) }, T0),
    ...overrides,
  };
}
const mfaError = {
  code: 'MFA_REQUIRED',
  message: 'The bank asked for a code',
  at: iso(T0 + DAY_MS),
  blocksEligibility: true,
};

describe('toCardView', () => {
  test('gives the contract fields of a healthy card', () => {
    expect(toCardView(card({ lastRoutineId: 'r-1' }), policy, T0 + DAY_MS)).toEqual({
      loginId: LOGIN_ID,
      institution: 'FlinksCapital',
      status: 'scheduled',
      eligible: true,
      eligibleUntil: iso(T0 + 7 * DAY_MS),
      scheduledRefresh: true,
      lastSuccessfulRefreshAt: iso(T0),
      lastCachedCallAt: iso(T0),
      lastError: null,
      pendingRequestId: null,
      awaitingUserSince: null,
      lastRoutineId: 'r-1',
      malformedMessages: { count: 0, lastReason: null },
      deliveryPending: null,
    });
  });

  test('the lastError shown has code, message and at, without internal flags', () => {
    const view = toCardView(card({ lastError: mfaError }), policy, T0 + DAY_MS);
    expect(view.lastError).toStrictEqual({
      code: 'MFA_REQUIRED',
      message: 'The bank asked for a code',
      at: iso(T0 + DAY_MS),
    });
  });

  test('eligibility is computed at the time asked', () => {
    expect(toCardView(card(), policy, T0 + 7 * DAY_MS).eligible).toBe(false);
  });

  test('is plain JSON', () => {
    const view = toCardView(card({ lastError: mfaError }), policy, T0);
    expect(JSON.parse(JSON.stringify(view))).toStrictEqual(view);
  });
});

describe('describeCard', () => {
  test('a healthy card: status, eligible until, last refresh and the next check', () => {
    const state = card();
    const text = describeCard(state, policy, T0, nextWakeUp(state, policy));
    expect(text).toContain('**scheduled**');
    expect(text).toContain(`eligible until ${iso(T0 + 7 * DAY_MS)}`);
    expect(text).toContain(`Last successful refresh: ${iso(T0)}`);
    expect(text).toContain('Next: a cached call');
    expect(text).toContain(`at ${iso(T0 + 5 * DAY_MS)} (in 5d 0h)`);
  });

  test('an ineligible card says why', () => {
    const state = card({ status: 'errored', lastError: { ...mfaError, code: 'REFRESH_WINDOW_EXPIRED' } });
    const text = describeCard(state, policy, T0 + 8 * DAY_MS, null);
    expect(text).toContain('**errored**');
    expect(text).toContain('not eligible: no successful refresh in the window');
    expect(text).toContain('Last error: REFRESH_WINDOW_EXPIRED');
  });

  test('a card awaiting the user says since when and what Flinks Connect can resume', () => {
    const state = card({
      status: 'awaiting-user-mfa',
      awaitingUserSince: iso(T0 + DAY_MS),
      pendingRequestId: 'req-mfa',
      lastError: mfaError,
    });
    const text = describeCard(state, policy, T0 + 2 * DAY_MS, nextWakeUp(state, policy));
    expect(text).toContain('**awaiting-user-mfa**');
    expect(text).toContain('not eligible: only the user can fix the login');
    expect(text).toContain(`Waiting for the user since ${iso(T0 + DAY_MS)}`);
    expect(text).toContain('requestId req-mfa');
    expect(text).toContain('Next: scheduled refresh is turned off');
    expect(text).toContain('(in 29d 0h)');
  });

  test('the lapse is described as the window closing', () => {
    const state = card({ lastCachedCallAt: iso(T0 + 5 * DAY_MS) });
    const text = describeCard(state, policy, T0 + 5 * DAY_MS + HOUR_MS, nextWakeUp(state, policy));
    expect(text).toContain('Next: the eligibility window closes; one manual refresh will be tried');
    expect(text).toContain('(in 1d 23h)');
  });

  test('with no timer, the next step is a signal', () => {
    const text = describeCard(card({ status: 'unscheduled', scheduledRefresh: false }), policy, T0, null);
    expect(text).toContain('**unscheduled**');
    expect(text).toContain('not eligible: scheduled refresh is off');
    expect(text).toContain('Next: nothing until a signal');
  });

  test('a card never refreshed says never', () => {
    const text = describeCard(
      card({ lastSuccessfulRefreshAt: null, lastCachedCallAt: null }),
      policy,
      T0,
      null,
    );
    expect(text).toContain('Last successful refresh: never; last cached call: never.');
  });
});
