import {
  cardQuery,
  MAX_PREFIX_LENGTH,
  packIneligible,
  shardPrefixes,
  splitIneligible,
  unpackIneligible,
} from '../../src/domain/routine-shards';

const A = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
const B = 'a0000000-0000-4000-8000-000000000001';
const C = 'a1000000-0000-4000-8000-000000000002';

describe('shardPrefixes', () => {
  test.each([
    [0, 1],
    [1_000, 1],
    [1_001, 16],
    [16_000, 16],
    [16_001, 256],
    [100_000, 256],
    [10_000_000, 256],
  ])('%d cards at 1,000 a shard make %d shards', (cards, shards) => {
    const prefixes = shardPrefixes(cards, 1_000);
    expect(prefixes).toHaveLength(shards);
    expect(new Set(prefixes).size).toBe(shards);
  });

  test('covers every hex prefix of the chosen length, and never more than 256 shards', () => {
    expect(shardPrefixes(50, 10)).toEqual([...'0123456789abcdef']);
    const most = shardPrefixes(Number.MAX_SAFE_INTEGER, 1);
    expect(most).toHaveLength(16 ** MAX_PREFIX_LENGTH);
    expect(most[0]).toBe('00');
    expect(most[255]).toBe('ff');
  });
});

describe('cardQuery', () => {
  test('lists the cards of one task queue, optionally one shard or one status', () => {
    const base = { workflowType: 'cardLifecycle', taskQueue: 'q', idPrefix: 'flinks-card-' };
    expect(cardQuery(base)).toBe(
      "WorkflowType = 'cardLifecycle' AND TaskQueue = 'q' AND ExecutionStatus = 'Running'",
    );
    expect(cardQuery({ ...base, shard: '3a' })).toBe(
      "WorkflowType = 'cardLifecycle' AND TaskQueue = 'q' AND ExecutionStatus = 'Running' AND WorkflowId STARTS_WITH 'flinks-card-3a'",
    );
    expect(cardQuery({ ...base, shard: '' })).toBe(cardQuery(base));
    expect(cardQuery({ ...base, status: 'errored' })).toBe(
      "WorkflowType = 'cardLifecycle' AND TaskQueue = 'q' AND ExecutionStatus = 'Running' AND FlinksCardStatus = 'errored'",
    );
    // Disconnected cards have closed.
    expect(cardQuery({ ...base, status: 'disconnected' })).toBe(
      "WorkflowType = 'cardLifecycle' AND TaskQueue = 'q' AND FlinksCardStatus = 'disconnected'",
    );
  });

  test('with liveAt, the runs live at that instant: started before it, running or closed since', () => {
    const base = { workflowType: 'cardLifecycle', taskQueue: 'q', idPrefix: 'flinks-card-' };
    const liveAt = '2026-03-04T08:30:00.000Z';
    expect(cardQuery({ ...base, shard: '3a', liveAt })).toBe(
      "WorkflowType = 'cardLifecycle' AND TaskQueue = 'q' AND StartTime < '2026-03-04T08:30:00.000Z' AND " +
        "(ExecutionStatus = 'Running' OR CloseTime >= '2026-03-04T08:30:00.000Z') AND WorkflowId STARTS_WITH 'flinks-card-3a'",
    );
    expect(() => cardQuery({ ...base, liveAt: 'tonight' })).toThrow(
      'cardQuery: liveAt must be an ISO date-time (got tonight)',
    );
  });

  test('refuses a quote that would change the query', () => {
    expect(() =>
      cardQuery({ workflowType: 'cardLifecycle', taskQueue: "q' OR 'x'='x", idPrefix: 'p' }),
    ).toThrow("cardQuery: taskQueue must not contain quotes (got q' OR 'x'='x)");
  });
});

describe('the packed ineligible list', () => {
  const entries = [
    {
      loginId: A.toUpperCase(),
      lastRefreshDate: '2026-03-01T05:00:00.000Z',
      lastRefreshState: 'Failed',
      lastRefreshErrorCode: 'INVALID_PASSWORD',
    },
    {
      loginId: B,
      lastRefreshDate: null,
      lastRefreshState: 'AnsweringSecurityChallenge',
      lastRefreshErrorCode: null,
    },
    {
      loginId: C,
      lastRefreshDate: '2026-03-02T05:00:00.000Z',
      lastRefreshState: 'Failed',
      lastRefreshErrorCode: 'INVALID_PASSWORD',
    },
  ];

  test('round-trips every entry, keyed by the lower-case loginId, storing repeated strings once', () => {
    const packed = packIneligible(entries);
    expect(packed.states).toEqual(['Failed', 'AnsweringSecurityChallenge']);
    expect(packed.codes).toEqual(['INVALID_PASSWORD']);
    const unpacked = unpackIneligible(packed);
    expect(unpacked.get(A)).toEqual({
      lastRefreshDate: '2026-03-01T05:00:00.000Z',
      lastRefreshState: 'Failed',
      lastRefreshErrorCode: 'INVALID_PASSWORD',
    });
    expect(unpacked.get(B)).toEqual({
      lastRefreshDate: null,
      lastRefreshState: 'AnsweringSecurityChallenge',
      lastRefreshErrorCode: null,
    });
    expect(unpacked.size).toBe(3);
  });

  test('keeps one row per loginId when Flinks lists one twice (the last wins)', () => {
    const packed = packIneligible([...entries, { ...entries[0]!, lastRefreshErrorCode: 'RETRY_LATER' }]);
    expect(packed.rows).toHaveLength(3);
    expect(unpackIneligible(packed).get(A)?.lastRefreshErrorCode).toBe('RETRY_LATER');
  });

  test('is about 75 bytes a row: 25,000 listed logins fit under 2 MB', () => {
    const many = Array.from({ length: 25_000 }, (_, i) => ({
      loginId: `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
      lastRefreshDate: '2026-03-01T05:00:00.123Z',
      lastRefreshState: 'AnsweringSecurityChallenge',
      lastRefreshErrorCode: 'QUESTION_NOT_FOUND',
    }));
    expect(JSON.stringify(packIneligible(many)).length).toBeLessThan(1_900_000);
  });

  test('splits by shard; a loginId no shard can hold is reported apart', () => {
    const packed = packIneligible([
      ...entries,
      { loginId: 'not-a-uuid', lastRefreshDate: null, lastRefreshState: null, lastRefreshErrorCode: null },
    ]);
    const { byShard, unassigned } = splitIneligible(packed, shardPrefixes(100, 10));
    expect(byShard.get('3')?.rows.map((r) => r[0])).toEqual([A]);
    expect(byShard.get('a')?.rows.map((r) => r[0])).toEqual([B, C]);
    expect(byShard.get('0')?.rows).toEqual([]);
    expect(unassigned).toEqual(['not-a-uuid']);
    expect(unpackIneligible(byShard.get('a')!).get(C)?.lastRefreshErrorCode).toBe('INVALID_PASSWORD');

    const single = splitIneligible(packed, ['']);
    expect(single.byShard.get('')?.rows).toHaveLength(4);
    expect(single.unassigned).toEqual([]);
  });
});
