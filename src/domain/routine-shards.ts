// How the nightly routine splits the cards: by the first hex digits of the loginId in the card's workflow ID.
// A shard is a visibility query (`WorkflowId STARTS_WITH 'flinks-card-3a'`), so Flinks' ineligible list can be
// split the same way and each shard's activity gets only its own entries.
import { type IneligibleEntry } from './card-messages';

const HEX = '0123456789abcdef';
/** 16^2 = 256 shards at most: enough for millions of cards (see nightly-routine.ts for the event budget). */
export const MAX_PREFIX_LENGTH = 2;

/** The fewest shards (1, 16 or 256) that keep about `cardsPerShard` cards in each. */
export function shardPrefixes(cardCount: number, cardsPerShard: number): string[] {
  let length = 0;
  while (length < MAX_PREFIX_LENGTH && cardCount > cardsPerShard * 16 ** length) length += 1;
  let prefixes = [''];
  for (let i = 0; i < length; i++) prefixes = prefixes.flatMap((p) => [...HEX].map((digit) => p + digit));
  return prefixes;
}

/**
 * The visibility query of one task queue's card workflows: the live ones (optionally one shard, optionally one
 * status), or with status 'disconnected' the cards that ended that way.
 *
 * With `liveAt` (an ISO instant), the runs that were live at that instant instead: started before it, and still
 * running or closed since. Every card live then has exactly one such run, and the set never gains a run while it is
 * listed, so paging through it cannot miss a card. (Listing `ExecutionStatus = 'Running'` can: visibility pages
 * newest start first, so a card that continues-as-new mid-listing has its old run leave the list before the cursor
 * reaches it and its new run enter behind the cursor.) A run that closes while listed moves from the running runs,
 * which visibility lists first, to the top of the closed ones: still ahead of the cursor if not yet listed.
 */
export function cardQuery(options: {
  workflowType: string;
  taskQueue: string;
  idPrefix: string;
  shard?: string;
  status?: string;
  liveAt?: string;
}): string {
  for (const [name, value] of Object.entries(options)) {
    if (/['"\\]/.test(value))
      throw new RangeError(`cardQuery: ${name} must not contain quotes (got ${value})`);
  }
  if (options.liveAt !== undefined && Number.isNaN(Date.parse(options.liveAt)))
    throw new RangeError(`cardQuery: liveAt must be an ISO date-time (got ${options.liveAt})`);
  const clauses = [`WorkflowType = '${options.workflowType}'`, `TaskQueue = '${options.taskQueue}'`];
  if (options.liveAt !== undefined) {
    clauses.push(
      `StartTime < '${options.liveAt}'`,
      `(ExecutionStatus = 'Running' OR CloseTime >= '${options.liveAt}')`,
    );
  } else if (options.status !== 'disconnected') {
    // A disconnected card closes; every other status belongs to a running workflow.
    clauses.push(`ExecutionStatus = 'Running'`);
  }
  if (options.status) clauses.push(`FlinksCardStatus = '${options.status}'`);
  if (options.shard) clauses.push(`WorkflowId STARTS_WITH '${options.idPrefix}${options.shard}'`);
  return clauses.join(' AND ');
}

// ---------- Flinks' ineligible list, packed ----------

/**
 * GetNightlyRefreshStatus's list as it travels through the routine's history: one row per loginId, the
 * repeated state and code strings stored once. ~75 bytes a row instead of ~190 for the plain objects, so
 * about 25,000 listed cards fit in one 2 MB payload.
 */
export interface PackedIneligibleList {
  states: string[];
  codes: string[];
  /** [loginId (lower case), lastRefreshDate, index in states or -1, index in codes or -1] */
  rows: [string, string | null, number, number][];
}

/** One entry of GetNightlyRefreshStatus. */
export type ListedLogin = IneligibleEntry & { loginId: string };

export function packIneligible(entries: readonly ListedLogin[]): PackedIneligibleList {
  const states: string[] = [];
  const codes: string[] = [];
  const indexOf = (table: string[], value: string | null): number => {
    if (value === null) return -1;
    const found = table.indexOf(value);
    return found >= 0 ? found : table.push(value) - 1;
  };
  // Flinks listing a loginId twice would signal it twice: the last entry wins.
  const byLogin = new Map<string, [string, string | null, number, number]>();
  for (const entry of entries) {
    const id = entry.loginId.toLowerCase();
    byLogin.set(id, [
      id,
      entry.lastRefreshDate,
      indexOf(states, entry.lastRefreshState),
      indexOf(codes, entry.lastRefreshErrorCode),
    ]);
  }
  return { states, codes, rows: [...byLogin.values()] };
}

export function unpackIneligible(list: PackedIneligibleList): Map<string, IneligibleEntry> {
  return new Map(
    list.rows.map(([loginId, lastRefreshDate, state, code]) => [
      loginId,
      {
        lastRefreshDate,
        lastRefreshState: list.states[state] ?? null,
        lastRefreshErrorCode: list.codes[code] ?? null,
      },
    ]),
  );
}

/**
 * Each shard's part of the list (same packing, tables kept whole: they are a handful of strings), plus the
 * loginIds no shard can hold: not a hex-prefixed id, so there is no card workflow for them.
 */
export function splitIneligible(
  list: PackedIneligibleList,
  prefixes: readonly string[],
): { byShard: Map<string, PackedIneligibleList>; unassigned: string[] } {
  const length = prefixes[0]?.length ?? 0;
  const byShard = new Map(
    prefixes.map((p) => [p, { states: list.states, codes: list.codes, rows: [] } as PackedIneligibleList]),
  );
  const unassigned: string[] = [];
  for (const row of list.rows) {
    const shard = byShard.get(row[0].slice(0, length));
    if (shard) shard.rows.push(row);
    else unassigned.push(row[0]);
  }
  return { byShard, unassigned };
}
