// The benchmark's cards: mostly healthy, the rest spread over the simulator's other scenarios in a known
// proportion, with exact counts and a seeded order so two runs with the same seed open the same cards.
import { deterministicGuid, Prng } from '../../src/simulator/random';
import { type Scenario, scenarios } from '../../src/simulator/scenarios';

/** Percent of cards per scenario; the shares add up to 100. */
export type ScenarioMix = Partial<Record<Scenario, number>>;

export const DEFAULT_MIX: ScenarioMix = {
  healthy: 90,
  flaky: 3,
  'retry-later': 2,
  'mfa-on-live': 2,
  'invalid-credentials': 1,
  'disabled-institution': 1,
  slow: 1,
};

export interface BenchCard {
  loginId: string;
  scenario: Scenario;
}

/** 'healthy=90,slow=10' → { healthy: 90, slow: 10 }. */
export function parseMix(text: string): ScenarioMix {
  const mix: ScenarioMix = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, share] = part.split('=').map((p) => p.trim());
    if (!scenarios.includes(name as Scenario)) {
      throw new RangeError(`unknown scenario '${name}' (one of ${scenarios.join(', ')})`);
    }
    const value = Number(share);
    if (share === undefined || share === '' || !Number.isFinite(value) || value <= 0) {
      throw new RangeError(`${name} needs a positive share, e.g. ${name}=5`);
    }
    mix[name as Scenario] = value;
  }
  const total = Object.values(mix).reduce((sum, v) => sum + v, 0);
  if (Math.abs(total - 100) > 1e-9) throw new RangeError(`the shares add up to ${total}, not 100`);
  return mix;
}

/** Exact counts per scenario for `count` cards (largest remainder), so small runs keep the proportion too. */
export function scenarioCounts(count: number, mix: ScenarioMix): Map<Scenario, number> {
  const entries = Object.entries(mix) as [Scenario, number][];
  const exact = entries.map(([scenario, share]) => ({ scenario, value: (count * share) / 100 }));
  const counts = new Map(exact.map(({ scenario, value }) => [scenario, Math.floor(value)]));
  let left = count - [...counts.values()].reduce((sum, n) => sum + n, 0);
  const byRemainder = [...exact].sort((a, b) => (b.value % 1) - (a.value % 1));
  for (const { scenario } of byRemainder) {
    if (left === 0) break;
    counts.set(scenario, (counts.get(scenario) ?? 0) + 1);
    left -= 1;
  }
  return counts;
}

/** The cards of one run: seeded loginIds, scenarios in a seeded shuffle. */
export function benchCards(count: number, mix: ScenarioMix, seed: number): BenchCard[] {
  const prng = new Prng(seed);
  const list: Scenario[] = [];
  for (const [scenario, n] of scenarioCounts(count, mix)) {
    for (let i = 0; i < n; i++) list.push(scenario);
  }
  for (let i = list.length - 1; i > 0; i--) {
    const j = prng.int(0, i);
    [list[i], list[j]] = [list[j] as Scenario, list[i] as Scenario];
  }
  return list.map((scenario) => ({ loginId: deterministicGuid(prng), scenario }));
}
