// What the nightly routine counts, shard by shard, and the summary it returns. The counts add up:
//   cards      = signalled + gone + signalFailed.count  (live cards the routine found)
//   signalled  = signalledWithEntry + signalledWithNull
//   ineligible = signalledWithEntry + signalFailed.withEntry + listedWithoutCard.count   (every loginId on Flinks' list)

/** At most this many loginIds are reported by ID (the count is always exact). */
export const MAX_REPORTED_LOGIN_IDS = 500;
/**
 * At most this many cards whose signal kept failing are reported by ID, per shard and for the routine: each shard's
 * list travels in the routine's history, so it stays small even if every card of every shard failed.
 */
export const MAX_REPORTED_FAILED_CARDS = 50;

export interface ShardCounts {
  /** Live (not disconnected) card workflows found. */
  cards: number;
  signalledWithEntry: number;
  signalledWithNull: number;
  /** Closed between the listing and the signal (disconnected, terminated): nothing to do. */
  gone: number;
  /** Still running, but disconnected (finishing its last notification): not signalled. */
  disconnected: number;
  /** Live cards whose signal kept failing (e.g. a run at the server's signal limit): not signalled tonight. */
  signalFailed: number;
  /** Of those, the ones on Flinks' list. */
  signalFailedWithEntry: number;
  /** Live cards by FlinksCardStatus at the time they were listed. */
  byStatus: Record<string, number>;
  pages: number;
}

/** One shard's answer; also the heartbeat of a shard in progress. */
export interface ShardResult extends ShardCounts {
  shard: string;
  /** The shard's listed loginIds that no live card answered to (first MAX_REPORTED_LOGIN_IDS). */
  listedWithoutCard: string[];
  listedWithoutCardCount: number;
  /** The loginIds of the shard's cards whose signal kept failing (first MAX_REPORTED_FAILED_CARDS). */
  signalFailedCards: string[];
}

export interface RoutineResult {
  routineId: string;
  /** Live cards found. */
  cards: number;
  /** Entries in Flinks' GetNightlyRefreshStatus list. */
  ineligible: number;
  /** nightlyStatus signals delivered. */
  signalled: number;
  outcomes: {
    signalledWithEntry: number;
    signalledWithNull: number;
    gone: number;
    disconnected: number;
  };
  byStatus: Record<string, number>;
  listedWithoutCard: { count: number; loginIds: string[]; truncated: boolean };
  /** Live cards whose nightlyStatus signal kept failing: not signalled tonight (first MAX_REPORTED_FAILED_CARDS). */
  signalFailed: { count: number; withEntry: number; loginIds: string[]; truncated: boolean };
  maxDataAgeMs: number | null;
  shards: number;
  /** Shards whose activity gave up (their cards were not all signalled): re-run the same routineId. */
  failedShards: string[];
  pages: number;
  startedAt: string;
  finishedAt: string;
}

export function emptyShardCounts(): ShardCounts {
  return {
    cards: 0,
    signalledWithEntry: 0,
    signalledWithNull: 0,
    gone: 0,
    disconnected: 0,
    signalFailed: 0,
    signalFailedWithEntry: 0,
    byStatus: {},
    pages: 0,
  };
}

export function addCounts(a: ShardCounts, b: ShardCounts): ShardCounts {
  const byStatus = { ...a.byStatus };
  for (const [status, n] of Object.entries(b.byStatus)) byStatus[status] = (byStatus[status] ?? 0) + n;
  return {
    cards: a.cards + b.cards,
    signalledWithEntry: a.signalledWithEntry + b.signalledWithEntry,
    signalledWithNull: a.signalledWithNull + b.signalledWithNull,
    gone: a.gone + b.gone,
    disconnected: a.disconnected + b.disconnected,
    // A shard result written before these counts existed has none.
    signalFailed: (a.signalFailed ?? 0) + (b.signalFailed ?? 0),
    signalFailedWithEntry: (a.signalFailedWithEntry ?? 0) + (b.signalFailedWithEntry ?? 0),
    byStatus,
    pages: a.pages + b.pages,
  };
}

/** The listed loginIds a shard did not find among its live cards, bounded. */
export function listedWithoutCard(
  listed: Iterable<string>,
  found: ReadonlySet<string>,
): { loginIds: string[]; count: number } {
  const loginIds: string[] = [];
  let count = 0;
  for (const loginId of listed) {
    if (found.has(loginId)) continue;
    count += 1;
    if (loginIds.length < MAX_REPORTED_LOGIN_IDS) loginIds.push(loginId);
  }
  return { loginIds, count };
}

/** The routine's running totals: shards done so far plus the loginIds no shard could hold. */
export interface RoutineTotals {
  counts: ShardCounts;
  listedWithoutCard: string[];
  listedWithoutCardCount: number;
  signalFailedCards: string[];
  shardsDone: number;
}

export function startTotals(unassigned: readonly string[]): RoutineTotals {
  return {
    counts: emptyShardCounts(),
    listedWithoutCard: unassigned.slice(0, MAX_REPORTED_LOGIN_IDS),
    listedWithoutCardCount: unassigned.length,
    signalFailedCards: [],
    shardsDone: 0,
  };
}

export function addShard(totals: RoutineTotals, shard: ShardResult): RoutineTotals {
  return {
    counts: addCounts(totals.counts, shard),
    listedWithoutCard: appendBounded(
      totals.listedWithoutCard,
      shard.listedWithoutCard,
      MAX_REPORTED_LOGIN_IDS,
    ),
    listedWithoutCardCount: totals.listedWithoutCardCount + shard.listedWithoutCardCount,
    signalFailedCards: appendBounded(
      totals.signalFailedCards ?? [],
      shard.signalFailedCards ?? [],
      MAX_REPORTED_FAILED_CARDS,
    ),
    shardsDone: totals.shardsDone + 1,
  };
}

/** `list` plus as many of `more` as fit under `max`. */
export function appendBounded(list: readonly string[], more: readonly string[], max: number): string[] {
  return [...list, ...more.slice(0, Math.max(0, max - list.length))];
}

export function routineResult(
  totals: RoutineTotals,
  run: {
    routineId: string;
    ineligible: number;
    maxDataAgeMs: number | null;
    shards: number;
    failedShards: readonly string[];
    startedAt: string;
    finishedAt: string;
  },
): RoutineResult {
  const { counts } = totals;
  return {
    routineId: run.routineId,
    cards: counts.cards,
    ineligible: run.ineligible,
    signalled: counts.signalledWithEntry + counts.signalledWithNull,
    outcomes: {
      signalledWithEntry: counts.signalledWithEntry,
      signalledWithNull: counts.signalledWithNull,
      gone: counts.gone,
      disconnected: counts.disconnected,
    },
    byStatus: counts.byStatus,
    listedWithoutCard: {
      count: totals.listedWithoutCardCount,
      loginIds: [...totals.listedWithoutCard].sort(),
      truncated: totals.listedWithoutCardCount > totals.listedWithoutCard.length,
    },
    signalFailed: {
      count: counts.signalFailed,
      withEntry: counts.signalFailedWithEntry,
      loginIds: [...totals.signalFailedCards].sort(),
      truncated: counts.signalFailed > totals.signalFailedCards.length,
    },
    maxDataAgeMs: run.maxDataAgeMs,
    shards: run.shards,
    failedShards: [...run.failedShards].sort(),
    pages: counts.pages,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

/** The Web UI's current details while the routine runs. */
export function describeRoutineProgress(progress: {
  routineId: string;
  step: 'flinks-list' | 'counting' | 'signalling' | 'done';
  ineligible: number | null;
  shards: number;
  totals: RoutineTotals;
}): string {
  const { counts } = progress.totals;
  const signalled = counts.signalledWithEntry + counts.signalledWithNull;
  const head = `**Nightly routine ${progress.routineId}**`;
  switch (progress.step) {
    case 'flinks-list':
      return `${head}\nStep 1: asking Flinks which logins it will not refresh (GetNightlyRefreshStatus).`;
    case 'counting':
      return `${head}\nFlinks lists ${progress.ineligible ?? 0} ineligible logins. Counting the live cards to plan the shards.`;
    case 'signalling':
    case 'done':
      return [
        head,
        `${progress.step === 'done' ? 'Done' : 'Step 2: signalling the cards'}: ${progress.totals.shardsDone}/${progress.shards} shards, ` +
          `${counts.cards} live cards found, ${signalled} signalled (${counts.signalledWithEntry} with their Flinks entry).`,
        `Flinks lists ${progress.ineligible ?? 0} ineligible logins; ${progress.totals.listedWithoutCardCount} have no live card. ` +
          `${counts.gone} cards closed before their signal.`,
        ...(counts.signalFailed > 0
          ? [
              `${counts.signalFailed} cards could not be signalled: ${progress.totals.signalFailedCards.slice(0, 10).join(', ')}` +
                `${counts.signalFailed > 10 ? ' …' : ''} (the result lists up to ${MAX_REPORTED_FAILED_CARDS}).`,
            ]
          : []),
      ].join('\n');
  }
}
