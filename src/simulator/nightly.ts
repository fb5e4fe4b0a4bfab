import { type CardState, type CardStore, eligibility, recordRefreshError, recordSuccess } from './cards';
import { defaultMessages } from './codes';
import { type Counters } from './counters';
import { hashString, type Prng } from './random';
import { nightlyOutcome } from './scenarios';
import { DAY_MS, HOUR_MS, startOfUtcDay, utcDate } from './time';

// Flinks' nightly job runs 04:00-08:00 UTC. The simulator runs it lazily: before anything reads or
// changes state, every card's slot that is due (and not yet run) runs in time order, at its own
// slot time. No timers, so a borrowed clock that jumps (time-skipping tests) works unchanged.

const WINDOW_START_MS = 4 * HOUR_MS;
const WINDOW_LENGTH_MS = 4 * HOUR_MS;

/** A card's fixed place in the window: 04:00 UTC + hash(loginId) mod 4 h. */
export function slotOffsetMs(loginId: string): number {
  return WINDOW_START_MS + (hashString(`nightly-slot:${loginId.toLowerCase()}`) % WINDOW_LENGTH_MS);
}

/** The card's slot in the night of the UTC day that starts at `dayStart`. */
export function slotOn(loginId: string, dayStart: number): number {
  return dayStart + slotOffsetMs(loginId);
}

export interface NightlyDeps {
  cards: CardStore;
  counters: Counters;
  prng: Prng;
  flakyRate: (card: CardState) => number;
  webhooks: boolean;
}

export type NightlyResult = { loginId: string; outcome: 'success' | 'skipped-ineligible' | string };

export class NightlyJob {
  private cursor: number;

  constructor(
    startAt: number,
    private readonly deps: NightlyDeps,
  ) {
    this.cursor = startAt;
  }

  /** Runs every slot in (cursor, now], oldest first. */
  catchUp(now: number): void {
    if (now <= this.cursor) return;
    const due: { at: number; card: CardState }[] = [];
    for (let day = startOfUtcDay(this.cursor); day <= now; day += DAY_MS) {
      const night = utcDate(day);
      for (const card of this.deps.cards.list()) {
        const at = slotOn(card.loginId, day);
        if (at > this.cursor && at <= now && at >= card.createdAt && card.forcedNight !== night) {
          due.push({ at, card });
        }
      }
    }
    due.sort((a, b) => a.at - b.at || a.card.loginId.localeCompare(b.card.loginId));
    for (const { at, card } of due) this.refresh(card, at);
    this.cursor = now;
  }

  /** After the clock was set back: slots after `now` become due again. */
  rewind(now: number): void {
    this.cursor = Math.min(this.cursor, now);
  }

  /** Forces tonight's job now: every card is tried at `now`, and its next slot is marked as done. */
  runNow(now: number): NightlyResult[] {
    this.catchUp(now);
    const cards = this.deps.cards.list().sort((a, b) => a.loginId.localeCompare(b.loginId));
    return cards.map((card) => {
      const todaySlot = slotOn(card.loginId, startOfUtcDay(now));
      card.forcedNight = utcDate(todaySlot > now ? now : now + DAY_MS);
      return { loginId: card.loginId, outcome: this.refresh(card, now) };
    });
  }

  private refresh(card: CardState, at: number): NightlyResult['outcome'] {
    if (!eligibility(card, at, { webhooks: this.deps.webhooks }).eligible) return 'skipped-ineligible';
    this.deps.counters.nightlyRefresh(card.loginId);
    const outcome = nightlyOutcome(card.scenario, this.deps.flakyRate(card), this.deps.prng);
    if (outcome.kind === 'success') {
      recordSuccess(card, at);
      return 'success';
    }
    recordRefreshError(card, { ...outcome, message: defaultMessages[outcome.code] ?? outcome.code }, at);
    return outcome.code;
  }
}
