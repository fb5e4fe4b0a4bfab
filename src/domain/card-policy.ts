// The knobs of a card's lifecycle. Defaults follow Flinks' guide; tests and operators shorten them.
import { z } from 'zod';
import { DAY_MS, HOUR_MS } from './time';

export const cardPolicySchema = z.object({
  /** Flinks' eligibility windows: a success and a cached call within this long. */
  eligibilityWindowMs: z.number().int().positive(),
  /** A keep-alive cached call is made when no cached call happened for this long. */
  keepAliveAfterMs: z.number().int().positive(),
  /** The backend is warned this long before eligibility lapses when no success is in sight. */
  expiryWarningLeadMs: z.number().int().nonnegative(),
  /** Waiting this long for the user turns scheduled refresh off. */
  abandonAfterMs: z.number().int().positive(),
  /** Data older than this gets a manual refresh when the routine checks the card. */
  maxDataAgeMs: z.number().int().positive(),
  /** A failed check is retried no sooner than this. */
  checkRetryAfterMs: z.number().int().positive(),
  /** Flinks pushes data by webhook: the cached-call window does not apply. */
  webhooks: z.boolean(),
  /** Continue-as-new past this many history events, even if the server has not suggested it. */
  continueAsNewAfterEvents: z.number().int().positive(),
  /** A Refresh press is answered within this long; past it the refresh goes on and a later press gets its outcome. */
  refreshNowAnswerWithinMs: z.number().int().positive(),
});
export type CardPolicy = z.infer<typeof cardPolicySchema>;

export const defaultCardPolicy: CardPolicy = {
  eligibilityWindowMs: 7 * DAY_MS,
  keepAliveAfterMs: 6 * DAY_MS,
  expiryWarningLeadMs: 2 * DAY_MS,
  abandonAfterMs: 30 * DAY_MS,
  maxDataAgeMs: 24 * HOUR_MS,
  checkRetryAfterMs: 1 * HOUR_MS,
  webhooks: false,
  // A card that wakes outside the worker's cache replays its whole run: ~0.1 s at 250 events, ~1 s at 2,000.
  // Continuing-as-new every ~20 nights costs about 0.1 action a card-night.
  continueAsNewAfterEvents: 250,
  // Long enough for a live login and a few polls of its data; a user still waiting past it is told to try again.
  refreshNowAnswerWithinMs: 60_000,
};

/** The threshold before 250-event runs: runs that started under it keep it (see card-lifecycle.ts). */
export const LEGACY_CONTINUE_AS_NEW_AFTER_EVENTS = 2000;

export const cardPolicyOverridesSchema = cardPolicySchema.partial();
export type CardPolicyOverrides = z.infer<typeof cardPolicyOverridesSchema>;

export function resolveCardPolicy(overrides: CardPolicyOverrides | undefined): CardPolicy {
  return { ...defaultCardPolicy, ...cardPolicyOverridesSchema.parse(overrides ?? {}) };
}
