import { keepsEligibility, type SimFlinksCode } from './codes';
import { type RefreshState, type Scenario, type ScenarioOptions } from './scenarios';
import { DAY_MS, toIso } from './time';

/** "in the last seven days" of the guide's eligibility rules. */
export const ELIGIBILITY_WINDOW_MS = 7 * DAY_MS;

export interface CardState {
  loginId: string;
  scenario: Scenario;
  scenarioOptions: ScenarioOptions;
  institution: string;
  username: string;
  scheduledRefresh: boolean;
  createdAt: number;
  lastSuccessfulRefreshAt: number | null;
  lastCachedCallAt: number | null;
  lastRefreshAttemptAt: number | null;
  lastRefreshState: RefreshState | null;
  /** The last refresh's Authorize error: replayed by cached calls, and it decides eligibility. */
  lastError: { code: SimFlinksCode; message: string; at: number } | null;
  /** UTC date whose nightly slot a forced `runNightlyJob()` already covered. */
  forcedNight: string | null;
}

/** The JSON view of a card (admin API). */
export interface SimCard {
  loginId: string;
  scenario: Scenario;
  scenarioOptions: ScenarioOptions;
  institution: string;
  username: string;
  scheduledRefresh: boolean;
  createdAt: string;
  lastSuccessfulRefreshAt: string | null;
  lastCachedCallAt: string | null;
  lastRefreshAttemptAt: string | null;
  lastRefreshState: RefreshState | null;
  lastError: { code: string; message: string; at: string } | null;
}

export type IneligibleReason =
  | 'scheduled-refresh-off'
  | 'no-successful-refresh-in-7-days'
  | 'no-cached-call-in-7-days'
  | 'authorize-error';

export interface Eligibility {
  eligible: boolean;
  ineligibleReason: IneligibleReason | null;
}

export function within(windowMs: number, at: number | null, now: number): boolean {
  return at !== null && now - at <= windowMs;
}

/** The guide's eligibility criteria, evaluated for `card` at `now`. */
export function eligibility(card: CardState, now: number, opts: { webhooks: boolean }): Eligibility {
  const reason = ineligibleReason(card, now, opts);
  return { eligible: reason === null, ineligibleReason: reason };
}

function ineligibleReason(card: CardState, now: number, opts: { webhooks: boolean }): IneligibleReason | null {
  if (!card.scheduledRefresh) return 'scheduled-refresh-off';
  if (!within(ELIGIBILITY_WINDOW_MS, card.lastSuccessfulRefreshAt, now)) return 'no-successful-refresh-in-7-days';
  if (!opts.webhooks && !within(ELIGIBILITY_WINDOW_MS, card.lastCachedCallAt, now)) return 'no-cached-call-in-7-days';
  if (card.lastError !== null && !keepsEligibility(card.lastError.code)) return 'authorize-error';
  return null;
}

export function recordSuccess(card: CardState, at: number): void {
  card.lastSuccessfulRefreshAt = at;
  card.lastRefreshAttemptAt = at;
  card.lastRefreshState = 'Completed';
  card.lastError = null;
}

export function recordRefreshError(
  card: CardState,
  error: { code: SimFlinksCode; message: string; state: RefreshState },
  at: number,
): void {
  card.lastRefreshAttemptAt = at;
  card.lastRefreshState = error.state;
  card.lastError = { code: error.code, message: error.message, at };
}

export function recordCachedCall(card: CardState, at: number): void {
  card.lastCachedCallAt = at;
}

export function toSimCard(card: CardState): SimCard {
  return {
    loginId: card.loginId,
    scenario: card.scenario,
    scenarioOptions: { ...card.scenarioOptions },
    institution: card.institution,
    username: card.username,
    scheduledRefresh: card.scheduledRefresh,
    createdAt: new Date(card.createdAt).toISOString(),
    lastSuccessfulRefreshAt: toIso(card.lastSuccessfulRefreshAt),
    lastCachedCallAt: toIso(card.lastCachedCallAt),
    lastRefreshAttemptAt: toIso(card.lastRefreshAttemptAt),
    lastRefreshState: card.lastRefreshState,
    lastError: card.lastError && { ...card.lastError, at: new Date(card.lastError.at).toISOString() },
  };
}

/** The bank of cards, keyed by loginId (compared case-insensitively, as GUIDs are). */
export class CardStore {
  private readonly cards = new Map<string, CardState>();

  add(card: CardState): void {
    this.cards.set(card.loginId.toLowerCase(), card);
  }

  get(loginId: string): CardState | undefined {
    return this.cards.get(loginId.toLowerCase());
  }

  delete(loginId: string): boolean {
    return this.cards.delete(loginId.toLowerCase());
  }

  list(): CardState[] {
    return [...this.cards.values()];
  }
}
