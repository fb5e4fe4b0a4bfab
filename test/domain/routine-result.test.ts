import {
  addShard,
  describeRoutineProgress,
  emptyShardCounts,
  listedWithoutCard,
  MAX_REPORTED_FAILED_CARDS,
  MAX_REPORTED_LOGIN_IDS,
  routineResult,
  type ShardResult,
  startTotals,
} from '../../src/domain/routine-result';

function shard(partial: Partial<ShardResult> & { shard: string }): ShardResult {
  return {
    ...emptyShardCounts(),
    pages: 1,
    listedWithoutCard: [],
    listedWithoutCardCount: 0,
    signalFailedCards: [],
    ...partial,
  };
}

const run = {
  routineId: 'nightly-2026-03-04',
  maxDataAgeMs: null,
  shards: 2,
  failedShards: [],
  startedAt: '2026-03-04T08:30:00.000Z',
  finishedAt: '2026-03-04T08:31:00.000Z',
};

describe('routine accounting', () => {
  test('sums shards into counts that add up', () => {
    let totals = startTotals(['not-a-uuid']);
    totals = addShard(
      totals,
      shard({
        shard: '0',
        cards: 5,
        signalledWithEntry: 2,
        signalledWithNull: 2,
        gone: 1,
        byStatus: { scheduled: 4, errored: 1 },
        listedWithoutCard: ['0b'],
        listedWithoutCardCount: 1,
      }),
    );
    totals = addShard(
      totals,
      shard({
        shard: '1',
        cards: 3,
        signalledWithNull: 3,
        disconnected: 1,
        byStatus: { scheduled: 3 },
        pages: 2,
      }),
    );
    const result = routineResult(totals, { ...run, ineligible: 4 });

    expect(result).toMatchObject({
      routineId: 'nightly-2026-03-04',
      cards: 8,
      ineligible: 4,
      signalled: 7,
      outcomes: { signalledWithEntry: 2, signalledWithNull: 5, gone: 1, disconnected: 1 },
      byStatus: { scheduled: 7, errored: 1 },
      listedWithoutCard: { count: 2, loginIds: ['0b', 'not-a-uuid'], truncated: false },
      shards: 2,
      pages: 3,
      failedShards: [],
    });
    expect(result.cards).toBe(result.signalled + result.outcomes.gone);
    expect(result.ineligible).toBe(result.outcomes.signalledWithEntry + result.listedWithoutCard.count);
  });

  test('reports loginIds by ID up to a bound, and always counts them all', () => {
    const ids = Array.from({ length: MAX_REPORTED_LOGIN_IDS + 20 }, (_, i) => `id-${i}`);
    const half = listedWithoutCard(ids, new Set(['id-0']));
    expect(half.count).toBe(MAX_REPORTED_LOGIN_IDS + 19);
    expect(half.loginIds).toHaveLength(MAX_REPORTED_LOGIN_IDS);

    let totals = startTotals(ids.slice(0, 10));
    totals = addShard(
      totals,
      shard({ shard: 'a', listedWithoutCard: half.loginIds, listedWithoutCardCount: half.count }),
    );
    const result = routineResult(totals, { ...run, ineligible: 0 });
    expect(result.listedWithoutCard.count).toBe(10 + MAX_REPORTED_LOGIN_IDS + 19);
    expect(result.listedWithoutCard.loginIds).toHaveLength(MAX_REPORTED_LOGIN_IDS);
    expect(result.listedWithoutCard.truncated).toBe(true);
  });

  test('cards whose signal failed: counted, reported by ID up to a bound, and the counts still add up', () => {
    const failedIn = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
    let totals = startTotals([]);
    totals = addShard(
      totals,
      shard({
        shard: '0',
        cards: 40,
        signalledWithNull: 10,
        signalFailed: 30,
        signalFailedWithEntry: 2,
        signalFailedCards: failedIn('0', 30),
        listedWithoutCardCount: 1,
        listedWithoutCard: ['0x'],
      }),
    );
    totals = addShard(
      totals,
      shard({ shard: '1', cards: 40, signalFailed: 40, signalFailedCards: failedIn('1', 40) }),
    );
    const result = routineResult(totals, { ...run, ineligible: 3 });
    expect(result.signalFailed).toMatchObject({ count: 70, withEntry: 2, truncated: true });
    expect(result.signalFailed.loginIds).toHaveLength(MAX_REPORTED_FAILED_CARDS);
    expect(result.signalFailed.loginIds).toEqual([...result.signalFailed.loginIds].sort());
    expect(result.cards).toBe(result.signalled + result.outcomes.gone + result.signalFailed.count);
    expect(result.ineligible).toBe(
      result.outcomes.signalledWithEntry + result.signalFailed.withEntry + result.listedWithoutCard.count,
    );
    expect(
      describeRoutineProgress({ routineId: 'r', ineligible: 3, shards: 2, totals, step: 'done' }),
    ).toContain(
      '70 cards could not be signalled: 0-0, 0-1, 0-2, 0-3, 0-4, 0-5, 0-6, 0-7, 0-8, 0-9 … (the result lists up to 50).',
    );
  });

  test('a shard result written before failed signals were counted adds as none', () => {
    const old = shard({ shard: '0', cards: 2, signalledWithNull: 2 }) as Partial<ShardResult>;
    delete old.signalFailed;
    delete old.signalFailedWithEntry;
    delete old.signalFailedCards;
    const result = routineResult(addShard(startTotals([]), old as ShardResult), { ...run, ineligible: 0 });
    expect(result.signalFailed).toEqual({ count: 0, withEntry: 0, loginIds: [], truncated: false });
    expect(result.signalled).toBe(2);
  });

  test('describes progress for the Web UI at every step', () => {
    const totals = addShard(
      startTotals([]),
      shard({ shard: '0', cards: 3, signalledWithNull: 2, signalledWithEntry: 1 }),
    );
    const base = { routineId: 'r', ineligible: 1, shards: 16, totals };
    expect(describeRoutineProgress({ ...base, step: 'flinks-list' })).toContain('Step 1');
    expect(describeRoutineProgress({ ...base, step: 'counting' })).toContain(
      'Flinks lists 1 ineligible logins',
    );
    expect(describeRoutineProgress({ ...base, step: 'signalling' })).toContain(
      'Step 2: signalling the cards: 1/16 shards, 3 live cards found, 3 signalled (1 with their Flinks entry).',
    );
    expect(describeRoutineProgress({ ...base, step: 'done' })).toMatch(
      /^\*\*Nightly routine r\*\*\nDone: 1\/16 shards/,
    );
  });
});
