import { z } from 'zod';
import { type SimFlinksCode } from './codes';
import { type Prng } from './random';

export const scenarios = [
  'healthy',
  'mfa-on-live',
  'retry-later',
  'disabled-institution',
  'invalid-credentials',
  'slow',
  'flaky',
] as const;
export const scenarioSchema = z.enum(scenarios);
export type Scenario = z.infer<typeof scenarioSchema>;

/** Per-card overrides of the simulator-wide knobs. */
export const scenarioOptionsSchema = z
  .object({
    /** flaky: probability of AGGREGATION_ERROR (default: the `flakyErrorRate` option). */
    errorRate: z.number().min(0).max(1).optional(),
    /** Data calls answer 202 this many times before 200 (default: per scenario, from the options). */
    pollsBeforeReady: z.number().int().min(0).max(10_000).optional(),
  })
  .strict();
export type ScenarioOptions = z.infer<typeof scenarioOptionsSchema>;

/**
 * `LastRefreshState` values. Flinks publishes only `AnsweringSecurityChallenge`; the two others are
 * the simulator's names for "it worked" and "it failed for another reason".
 */
export type RefreshState = 'Completed' | 'AnsweringSecurityChallenge' | 'Failed';

export interface RefreshError {
  code: SimFlinksCode;
  state: RefreshState;
}

export type LiveOutcome = { kind: 'authorized' } | { kind: 'mfa-required' } | ({ kind: 'error' } & RefreshError);
export type NightlyOutcome = { kind: 'success' } | ({ kind: 'error' } & RefreshError);

const fixedErrors: Partial<Record<Scenario, RefreshError>> = {
  'retry-later': { code: 'RETRY_LATER', state: 'Failed' },
  'disabled-institution': { code: 'DISABLED_INSTITUTION', state: 'Failed' },
  'invalid-credentials': { code: 'INVALID_PASSWORD', state: 'Failed' },
};

/** What a live `/Authorize` (`MostRecentCached: false`) does for a card in `scenario`. */
export function liveAuthorizeOutcome(scenario: Scenario, flakyRate: number, prng: Prng): LiveOutcome {
  if (scenario === 'mfa-on-live') return { kind: 'mfa-required' };
  const fixed = fixedErrors[scenario];
  if (fixed) return { kind: 'error', ...fixed };
  if (scenario === 'flaky' && prng.chance(flakyRate)) {
    return { kind: 'error', code: 'AGGREGATION_ERROR', state: 'Failed' };
  }
  return { kind: 'authorized' };
}

/** What Flinks' nightly job (no user present) records for a card in `scenario`. */
export function nightlyOutcome(scenario: Scenario, flakyRate: number, prng: Prng): NightlyOutcome {
  // Nobody is there to answer the one-time code, and no stored answer can match it.
  if (scenario === 'mfa-on-live') return { kind: 'error', code: 'QUESTION_NOT_FOUND', state: 'AnsweringSecurityChallenge' };
  const live = liveAuthorizeOutcome(scenario, flakyRate, prng);
  return live.kind === 'error' ? live : { kind: 'success' };
}
