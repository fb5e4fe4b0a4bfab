import { describeOperation, type Operation } from '../../src/domain/card-operations';

describe('describeOperation', () => {
  test.each<[Operation, string]>([
    [
      { kind: 'cached-call', purpose: 'routine', maxDataAgeMs: 86_400_000 },
      'Cached call for the daily routine: read LastRefresh and collect new data',
    ],
    [
      { kind: 'cached-call', purpose: 'keep-alive', maxDataAgeMs: null },
      'Cached call (keep-alive): keep the cached-call window open and read LastRefresh',
    ],
    [
      { kind: 'cached-call', purpose: 'lapse', maxDataAgeMs: null },
      'Cached call (lapse): keep the cached-call window open and read LastRefresh',
    ],
    [
      { kind: 'live-refresh', purpose: 'stale-data' },
      'Manual live refresh (stale-data): MostRecentCached=false, Save=true, then fetch data',
    ],
    [
      { kind: 'fetch', requestId: 'r', purpose: 'connected' },
      "Fetch data with the Connect session's requestId",
    ],
    [
      { kind: 'fetch', requestId: 'r', purpose: 'reconnected' },
      "Fetch data with the reconnect session's requestId",
    ],
    [
      { kind: 'set-scheduled-refresh', enabled: true, purpose: 'reconnected' },
      'Turn Flinks scheduled refresh on (reconnected)',
    ],
    [
      { kind: 'set-scheduled-refresh', enabled: false, purpose: 'abandon' },
      'Turn Flinks scheduled refresh off (abandon)',
    ],
    [{ kind: 'disconnect', deleteData: true }, 'Delete the card and its data at Flinks'],
    [{ kind: 'disconnect', deleteData: false }, 'Turn scheduled refresh off before disconnecting'],
  ])('%j reads "%s"', (op, text) => {
    expect(describeOperation(op)).toBe(text);
  });

  test.each(['routine-listed', 'stale-data', 'window-expired', 'refresh-now', 'replayed-error'] as const)(
    'a live refresh names its purpose %s',
    (purpose) => {
      expect(describeOperation({ kind: 'live-refresh', purpose })).toContain(`(${purpose})`);
    },
  );
});
