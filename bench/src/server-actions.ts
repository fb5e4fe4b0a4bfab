// The Temporal server's own count of billable actions: its `action` counter (Prometheus, /metrics), which
// Temporal documents for estimating Cloud usage from a self-hosted server. Unlike counting history events it
// also sees what histories do not record, such as activity heartbeats and queries.

export type ActionCounts = Record<string, number>;

/**
 * The counter's current values for one namespace, by action type, summed over the server's processes (a cluster's
 * services each count the actions they handle).
 */
export async function scrapeActions(
  metricsUrls: readonly string[],
  namespace: string,
): Promise<ActionCounts> {
  const counts: ActionCounts = {};
  for (const url of metricsUrls) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    countActions(await response.text(), namespace, counts);
  }
  return counts;
}

function countActions(text: string, namespace: string, counts: ActionCounts): void {
  for (const line of text.split('\n')) {
    if (!line.startsWith('action{')) continue;
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1] as string, match[2] as string]),
    );
    if (labels.namespace !== namespace) continue;
    const type = labels.action_type ?? 'unknown';
    counts[type] = (counts[type] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
}

/** What happened between two scrapes (types that did not move are left out). */
export function actionsBetween(before: ActionCounts, after: ActionCounts): ActionCounts {
  const delta: ActionCounts = {};
  for (const [type, value] of Object.entries(after)) {
    const moved = value - (before[type] ?? 0);
    if (moved > 0) delta[type] = moved;
  }
  return delta;
}

export function totalActions(counts: ActionCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}
