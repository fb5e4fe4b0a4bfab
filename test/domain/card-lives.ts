// What the property tests of a card's life share: the start instant, the policies lives run under, and the
// checks every state must pass whatever led to it.
import { cardStatuses } from '../../src/domain/card-messages';
import { type CardPolicy, defaultCardPolicy } from '../../src/domain/card-policy';
import { type CardState, HANDLED_ROUTINES_KEPT } from '../../src/domain/card-state';
import { expiryWarningDue, type WakeUp } from '../../src/domain/card-transitions';
import { describeCard, toCardView } from '../../src/domain/card-view';
import { eligibilityOf } from '../../src/domain/eligibility';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/domain/time';

export const T0 = Date.parse('2026-01-05T12:00:00Z');
export const LOGIN_ID = '3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6f';
export const iso = (ms: number): string => new Date(ms).toISOString();

export const policies: [string, CardPolicy][] = [
  ['the default policy', defaultCardPolicy],
  ['webhooks', { ...defaultCardPolicy, webhooks: true }],
  [
    'short windows',
    {
      ...defaultCardPolicy,
      eligibilityWindowMs: 2 * DAY_MS,
      keepAliveAfterMs: DAY_MS,
      expiryWarningLeadMs: 6 * HOUR_MS,
      abandonAfterMs: 3 * DAY_MS,
      checkRetryAfterMs: 10 * MINUTE_MS,
    },
  ],
];

/** Plain JSON, one of the six statuses, instants that parse, and a read side that never throws. */
export function expectWellFormed(
  state: CardState,
  policy: CardPolicy,
  now: number,
  wake: WakeUp | null,
): void {
  expect(JSON.parse(JSON.stringify(state))).toStrictEqual(state);
  expect(cardStatuses).toContain(state.status);
  expect(state.handledRoutineIds.length).toBeLessThanOrEqual(HANDLED_ROUTINES_KEPT);
  for (const instant of [
    state.lastSuccessfulRefreshAt,
    state.lastCachedCallAt,
    state.awaitingUserSince,
    state.lastTimerAttemptAt,
    state.lastError?.at ?? null,
  ]) {
    if (instant !== null) expect(Number.isNaN(Date.parse(instant))).toBe(false);
  }
  expect(() => toCardView(state, policy, now)).not.toThrow();
  expect(() => describeCard(state, policy, now, wake)).not.toThrow();
  expect(() => expiryWarningDue(state, policy, now)).not.toThrow();
  expect(() => eligibilityOf(state, policy, now)).not.toThrow();
}
