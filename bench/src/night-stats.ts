// Cards' nights summed up: per scenario (the targets are about healthy cards) and over the whole mix.
import { actionTotal } from './billable-actions';
import { type CardNight } from './card-nights';
import { type NightStats } from './results-schema';
import { summarize } from './stats';

export function nightStats(nights: readonly CardNight[]): NightStats {
  const handled = nights.filter((n) => n.handled);
  return {
    cards: handled.length,
    events: summarize(handled.map((n) => n.events)),
    actions: summarize(handled.map((n) => actionTotal(n.actions))),
    actionsByKind: meanOf(handled.map((n) => n.actions)),
    eventTypes: meanOf(handled.map((n) => n.eventTypes)),
  };
}

export function nightStatsByScenario(nights: readonly CardNight[]): Record<string, NightStats> {
  const groups = new Map<string, CardNight[]>();
  for (const night of nights) {
    const group = groups.get(night.scenario) ?? [];
    group.push(night);
    groups.set(night.scenario, group);
  }
  return Object.fromEntries(
    [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([s, g]) => [s, nightStats(g)]),
  );
}

function meanOf(records: readonly Partial<Record<string, number>>[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const record of records) {
    for (const [key, value] of Object.entries(record)) sums[key] = (sums[key] ?? 0) + (value ?? 0);
  }
  return Object.fromEntries(
    Object.entries(sums).map(([key, sum]) => [key, sum / Math.max(1, records.length)]),
  );
}
