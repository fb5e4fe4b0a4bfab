// The compact table `npm start` keeps on screen: one row per card, from visibility (what the Web UI filters on).
import { type CardSummary } from '../client';
import { table } from '../cli/format';

export interface CardTableInput {
  cards: readonly CardSummary[];
  /** More cards exist than are shown. */
  more: boolean;
  /** loginId → simulator scenario, when the simulator runs (helps read the demo). */
  scenarios?: ReadonlyMap<string, string>;
  /** One line under the table (demo progress, the demo clock, Temporal unreachable, …). */
  footer?: string;
}

/** 'YYYY-MM-DD HH:MM' UTC: enough to read a refresh window at a glance. */
export function shortTime(iso: string | null): string | null {
  return iso === null ? null : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

export function renderCardTable({ cards, more, scenarios, footer }: CardTableInput): string {
  const sorted = [...cards].sort((a, b) => a.loginId.localeCompare(b.loginId));
  const rows =
    sorted.length === 0
      ? 'No cards yet.'
      : table(sorted, [
          { title: 'LOGIN ID', value: (c) => c.loginId },
          ...(scenarios
            ? [{ title: 'SIMULATED AS', value: (c: CardSummary) => scenarios.get(c.loginId) }]
            : []),
          { title: 'STATUS', value: (c) => c.status },
          { title: 'ELIGIBLE UNTIL', value: (c) => shortTime(c.eligibleUntil) },
          { title: 'LAST REFRESH', value: (c) => shortTime(c.lastRefreshAt) },
          { title: 'LAST ERROR', value: (c) => c.errorCode },
        ]);
  const counts = new Map<string, number>();
  for (const card of cards) counts.set(card.status ?? '?', (counts.get(card.status ?? '?') ?? 0) + 1);
  const summary = [...counts].map(([status, n]) => `${n} ${status}`).join(' · ');
  return [
    `Cards (UTC times)${summary ? `: ${summary}` : ''}${more ? ' (first 100 shown)' : ''}`,
    rows,
    ...(footer ? [footer] : []),
  ].join('\n');
}
