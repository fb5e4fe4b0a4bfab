// What a month of nights would cost on Temporal Cloud at list price: $50 per million actions
// (docs.temporal.io/cloud/pricing), before volume tiers, storage and the support plan's fee.
import { defaultCardPolicy } from '../../src/domain/card-policy';
import { DAY_MS } from '../../src/domain/time';

export const USD_PER_MILLION_ACTIONS = 50;
const NIGHTS_PER_MONTH = 30;

/**
 * A card's own timer, outside any night: it is armed for the next check (before the warning zone or the
 * keep-alive, whichever is sooner) and never cancelled; each night moves the deadline later, so the armed timer
 * fires early once per that interval and re-arms: one TimerStarted action each time.
 */
export function timerActionsPerMonth(): number {
  const p = defaultCardPolicy;
  const everyMs = Math.min(p.keepAliveAfterMs, p.eligibilityWindowMs - p.expiryWarningLeadMs);
  return (NIGHTS_PER_MONTH * DAY_MS) / everyMs;
}

export interface MonthlyCost {
  actionsPerCardPerMonth: number;
  usdPerMonth100k: number;
  usdPerMonth1M: number;
}

export function monthlyCost(actionsPerCardPerNight: number): MonthlyCost {
  const actionsPerCardPerMonth = actionsPerCardPerNight * NIGHTS_PER_MONTH + timerActionsPerMonth();
  const usd = (cards: number): number => (actionsPerCardPerMonth * cards * USD_PER_MILLION_ACTIONS) / 1e6;
  return { actionsPerCardPerMonth, usdPerMonth100k: usd(100_000), usdPerMonth1M: usd(1_000_000) };
}
