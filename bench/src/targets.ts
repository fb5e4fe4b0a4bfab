// Issue 8's targets, reported beside what was measured. Reported, never asserted: a timed test on a shared
// 2-core machine would fail on a busy day, not on a slow product.
import { type Target } from './results-schema';

export const TARGETS = {
  ratio: 1.25,
  ratioAtCards: 10_000,
  eventsPerHealthyNight: 12,
  actionsPerHealthyNight: 4,
  workerRssMb: 512,
  workerRssAtCards: 10_000,
  apiP99Ms: 50,
} as const;

/** A target `value ≤ limit` (null: nothing was measured, so it is neither met nor missed). */
function target(
  name: string,
  wanted: string,
  limit: number,
  value: number | null,
  unit: string,
  note: string,
): Target {
  return { name, target: wanted, value, unit, met: value === null ? null : value <= limit, note };
}

const cardsText = (n: number): string => n.toLocaleString('en-US');

export function ratioTarget(ratio: number | null, cards: number): Target {
  const note =
    ratio === null
      ? 'the product run did not finish before the deadline'
      : cards === TARGETS.ratioAtCards
        ? ''
        : `measured at ${cardsText(cards)} cards`;
  const wanted = `≤ ${TARGETS.ratio} at ${cardsText(TARGETS.ratioAtCards)} cards`;
  return target('product / baseline wall time', wanted, TARGETS.ratio, ratio, '×', note);
}

export function eventsTarget(maxEvents: number | null, meanEvents: number | null): Target {
  const note = meanEvents === null ? 'no healthy card in the mix' : `mean ${meanEvents.toFixed(2)}`;
  const limit = TARGETS.eventsPerHealthyNight;
  const unit = 'events (max over healthy cards)';
  return target('history events per healthy card per night', `≤ ${limit}`, limit, maxEvents, unit, note);
}

export function actionsTarget(maxActions: number | null, heartbeatsPerCard: number): Target {
  const note = `plus ${heartbeatsPerCard.toFixed(2)} activity heartbeats per card (billed, not in history; server counter)`;
  const limit = TARGETS.actionsPerHealthyNight;
  const unit = 'actions in history (max over healthy cards)';
  return target('billable actions per healthy card per night', `≤ ${limit}`, limit, maxActions, unit, note);
}

export function rssTarget(rssMb: number, cards: number, what: string): Target {
  const wanted = `≤ ${TARGETS.workerRssMb} MB with ${cardsText(TARGETS.workerRssAtCards)} open cards`;
  const note = `${what} with ${cardsText(cards)} open cards`;
  return target('worker RSS with open cards', wanted, TARGETS.workerRssMb, rssMb, 'MB', note);
}

export function apiTarget(p99s: Record<string, number>): Target {
  const [worst, value] = Object.entries(p99s).sort(([, a], [, b]) => b - a)[0] ?? ['none', 0];
  const unit = 'ms (worst of connect, reconnected, refreshNow)';
  return target('API p99', `≤ ${TARGETS.apiP99Ms} ms`, TARGETS.apiP99Ms, value, unit, `worst: ${worst}`);
}
