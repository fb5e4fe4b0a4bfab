import { type IneligibleEntry, type NightlyStatusSignal } from '../../src/domain/card-messages';
import { type CardPolicy, defaultCardPolicy } from '../../src/domain/card-policy';
import { type CardState, HANDLED_ROUTINES_KEPT, initialCardState } from '../../src/domain/card-state';
import { CardErrorCodes, nextWakeUp, onNightlyStatus } from '../../src/domain/card-transitions';
import { eligibilityOf } from '../../src/domain/eligibility';
import { ELIGIBILITY_KEEPING_CODES } from '../../src/domain/flinks-codes';
import { DAY_MS, HOUR_MS } from '../../src/domain/time';

const T0 = Date.parse('2026-01-05T12:00:00Z');
const NOW = T0 + DAY_MS;
const LOGIN_ID = '3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6f';
const iso = (ms: number): string => new Date(ms).toISOString();
const policy: CardPolicy = defaultCardPolicy;

function card(overrides: Partial<CardState> = {}): CardState {
  return { ...initialCardState({ loginId: LOGIN_ID, connectedAt: iso(T0) }, T0), ...overrides };
}
function listed(entry: Partial<IneligibleEntry>, routineId = 'routine-1'): NightlyStatusSignal {
  return {
    routineId,
    ineligible: {
      lastRefreshDate: '2026-01-05T04:10:00Z',
      lastRefreshState: 'Failed',
      lastRefreshErrorCode: null,
      ...entry,
    },
  };
}
const notListed = (routineId = 'routine-1', maxDataAgeMs?: number): NightlyStatusSignal => ({
  routineId,
  ineligible: null,
  ...(maxDataAgeMs === undefined ? {} : { maxDataAgeMs }),
});

describe('onNightlyStatus: each routine once', () => {
  test('records the routine it handles', () => {
    const { state } = onNightlyStatus(card(), notListed('routine-7'), policy, NOW);
    expect(state.lastRoutineId).toBe('routine-7');
    expect(state.handledRoutineIds).toEqual(['routine-7']);
  });

  test('a repeated routineId is ignored', () => {
    const first = onNightlyStatus(card(), notListed('routine-1'), policy, NOW).state;
    const again = onNightlyStatus(
      first,
      listed({ lastRefreshErrorCode: 'INVALID_LOGIN' }, 'routine-1'),
      policy,
      NOW,
    );
    expect(again.decision).toBe('duplicate');
    expect(again.next).toBeNull();
    expect(again.state).toBe(first);
  });

  test('keeps only the last 10 routine ids', () => {
    let state = card();
    for (let i = 1; i <= 12; i++)
      state = onNightlyStatus(state, notListed(`routine-${i}`), policy, NOW + i).state;
    expect(state.handledRoutineIds).toHaveLength(HANDLED_ROUTINES_KEPT);
    expect(state.handledRoutineIds[0]).toBe('routine-3');
    expect(state.handledRoutineIds[HANDLED_ROUTINES_KEPT - 1]).toBe('routine-12');
    expect(onNightlyStatus(state, notListed('routine-3'), policy, NOW).decision).toBe('duplicate');
    expect(onNightlyStatus(state, notListed('routine-1'), policy, NOW).decision).toBe('check');
  });
});

describe('onNightlyStatus: not applicable', () => {
  test.each([
    ['awaiting-user-mfa', { status: 'awaiting-user-mfa', awaitingUserSince: iso(T0) }],
    ['unscheduled', { status: 'unscheduled', scheduledRefresh: false }],
    ['disconnected', { status: 'disconnected' }],
    ['refreshing', { status: 'refreshing' }],
  ] as const)('nothing happens to a %s card, but the routine counts as handled', (_name, overrides) => {
    const state0 = card(overrides);
    const t = onNightlyStatus(state0, listed({ lastRefreshErrorCode: 'AGGREGATION_ERROR' }), policy, NOW);
    expect(t.decision).toBe('not-applicable');
    expect(t.next).toBeNull();
    expect(t.state).toEqual({ ...state0, lastRoutineId: 'routine-1', handledRoutineIds: ['routine-1'] });
  });

  test('a card awaiting the user gets no cached call even when not listed', () => {
    const t = onNightlyStatus(
      card({ status: 'awaiting-user-mfa', awaitingUserSince: iso(T0) }),
      notListed(),
      policy,
      NOW,
    );
    expect(t.decision).toBe('not-applicable');
    expect(t.next).toBeNull();
  });
});

test('an errored card whose scheduled refresh is off gets no call, listed or not (the legacy behaviour made them)', () => {
  const errored = card({ status: 'errored', scheduledRefresh: false });
  for (const signal of [notListed(), listed({ lastRefreshErrorCode: 'INVALID_REQUEST' })]) {
    expect(onNightlyStatus(errored, signal, policy, NOW)).toMatchObject({
      next: null,
      decision: 'not-applicable',
    });
    expect(
      onNightlyStatus(errored, signal, policy, NOW, { routineRefreshesUnscheduled: true }).next,
    ).not.toBeNull();
  }
});

describe('onNightlyStatus: not listed', () => {
  test('a cached call for the routine with the policy maxDataAge', () => {
    const t = onNightlyStatus(card(), notListed(), policy, NOW);
    expect(t.decision).toBe('check');
    expect(t.next).toEqual({ kind: 'cached-call', purpose: 'routine', maxDataAgeMs: 24 * HOUR_MS });
  });

  test('the signal maxDataAgeMs overrides the policy', () => {
    expect(onNightlyStatus(card(), notListed('r', 2 * HOUR_MS), policy, NOW).next).toEqual({
      kind: 'cached-call',
      purpose: 'routine',
      maxDataAgeMs: 2 * HOUR_MS,
    });
  });

  test('without a signal override, the policy decides', () => {
    const p = { ...policy, maxDataAgeMs: 6 * HOUR_MS };
    expect(onNightlyStatus(card(), notListed(), p, NOW).next).toMatchObject({ maxDataAgeMs: 6 * HOUR_MS });
  });

  test('an errored card is checked too', () => {
    expect(onNightlyStatus(card({ status: 'errored' }), notListed(), policy, NOW).decision).toBe('check');
  });

  test('leaves the rest of the card as it was', () => {
    const state0 = card();
    const { state } = onNightlyStatus(state0, notListed(), policy, NOW);
    expect(state).toEqual({ ...state0, lastRoutineId: 'routine-1', handledRoutineIds: ['routine-1'] });
  });
});

describe('onNightlyStatus: listed with a user-fixable code', () => {
  test.each(['INVALID_LOGIN', 'QUESTION_NOT_FOUND', 'INVALID_PASSWORD', 'invalid_security_response'])(
    '%s: straight to awaiting-user-mfa, without a live attempt',
    (code) => {
      const t = onNightlyStatus(card(), listed({ lastRefreshErrorCode: code }), policy, NOW);
      expect(t.decision).toBe('await-user');
      expect(t.next).toBeNull();
      expect(t.state).toMatchObject({
        status: 'awaiting-user-mfa',
        awaitingUserSince: iso(NOW),
        pendingRequestId: null,
        lastError: { code: code.toUpperCase(), at: iso(NOW), blocksEligibility: true },
      });
      expect(nextWakeUp(t.state, policy)).toEqual({ at: NOW + 30 * DAY_MS, action: 'abandon' });
    },
  );

  test('the error message carries the listed date and state', () => {
    const { state } = onNightlyStatus(card(), listed({ lastRefreshErrorCode: 'INVALID_LOGIN' }), policy, NOW);
    expect(state.lastError?.message).toContain('2026-01-05T04:10:00Z');
    expect(state.lastError?.message).toContain('Failed');
  });
});

describe('onNightlyStatus: listed with a pending security challenge', () => {
  test('a null code with LastRefreshState AnsweringSecurityChallenge waits for the user', () => {
    const entry = { lastRefreshErrorCode: null, lastRefreshState: 'AnsweringSecurityChallenge' };
    const t = onNightlyStatus(card(), listed(entry), policy, NOW);
    expect(t.decision).toBe('await-user');
    expect(t.next).toBeNull();
    expect(t.state).toMatchObject({
      status: 'awaiting-user-mfa',
      lastError: { code: CardErrorCodes.securityChallengePending },
    });
  });
});

describe('onNightlyStatus: listed with an eligibility-keeping code', () => {
  test.each(ELIGIBILITY_KEEPING_CODES)('%s: stays scheduled with a lastError that does not block', (code) => {
    const t = onNightlyStatus(card(), listed({ lastRefreshErrorCode: code }), policy, NOW);
    expect(t.decision).toBe('keep-scheduled');
    expect(t.next).toBeNull();
    expect(t.state.status).toBe('scheduled');
    expect(t.state.lastError).toMatchObject({
      code: code.replace(' ', '_'),
      at: iso(NOW),
      blocksEligibility: false,
    });
    expect(eligibilityOf(t.state, policy, NOW).eligible).toBe(true);
  });

  test('an errored card stays errored', () => {
    const t = onNightlyStatus(
      card({ status: 'errored' }),
      listed({ lastRefreshErrorCode: 'RETRY_LATER' }),
      policy,
      NOW,
    );
    expect(t.decision).toBe('keep-scheduled');
    expect(t.state.status).toBe('errored');
  });
});

describe('onNightlyStatus: listed with anything else', () => {
  test.each(['INVALID_REQUEST', 'ACCESS_DENIED', 'SOMETHING_FLINKS_INVENTED'])(
    '%s: one live refresh',
    (code) => {
      const t = onNightlyStatus(card(), listed({ lastRefreshErrorCode: code }), policy, NOW);
      expect(t.decision).toBe('refresh');
      expect(t.next).toEqual({ kind: 'live-refresh', purpose: 'routine-listed' });
      expect(t.state.lastError).toMatchObject({ code, blocksEligibility: true });
      expect(t.state.status).toBe('scheduled');
    },
  );

  test('a null code with another state is NOT_ELIGIBLE and gets one live refresh', () => {
    const t = onNightlyStatus(
      card(),
      listed({ lastRefreshErrorCode: null, lastRefreshState: 'Failed' }),
      policy,
      NOW,
    );
    expect(t.decision).toBe('refresh');
    expect(t.state.lastError?.code).toBe(CardErrorCodes.notEligible);
  });

  test('an entry with nothing known still gets one live refresh and a readable message', () => {
    const entry = { lastRefreshDate: null, lastRefreshState: null, lastRefreshErrorCode: null };
    const t = onNightlyStatus(card(), listed(entry), policy, NOW);
    expect(t.decision).toBe('refresh');
    expect(t.state.lastError?.message).toContain('unknown');
  });
});
