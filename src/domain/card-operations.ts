// The Flinks work a card can ask for. The workflow runs at most one at a time, so a card never has two
// Flinks sessions open: that is what keeps the user from being asked for MFA twice.

export type LiveRefreshPurpose =
  'routine-listed' | 'stale-data' | 'window-expired' | 'refresh-now' | 'replayed-error';

export type Operation =
  | {
      kind: 'cached-call';
      /** `redeliver`: data the sink refused, read again from the latest cached session (never a live refresh). */
      purpose: 'keep-alive' | 'routine' | 'lapse' | 'redeliver';
      maxDataAgeMs: number | null;
    }
  | { kind: 'live-refresh'; purpose: LiveRefreshPurpose }
  | { kind: 'fetch'; requestId: string; purpose: 'connected' | 'reconnected' }
  | { kind: 'set-scheduled-refresh'; enabled: boolean; purpose: 'request' | 'abandon' | 'reconnected' }
  | { kind: 'disconnect'; deleteData: boolean };

/** One line for the Web UI's timeline. */
export function describeOperation(op: Operation): string {
  switch (op.kind) {
    case 'cached-call':
      if (op.purpose === 'routine')
        return 'Cached call for the daily routine: read LastRefresh and collect new data';
      if (op.purpose === 'redeliver')
        return 'Cached call to redeliver: the sink refused the data; read the latest cached session and deliver it';
      return `Cached call (${op.purpose}): keep the cached-call window open and read LastRefresh`;
    case 'live-refresh':
      return `Manual live refresh (${op.purpose}): MostRecentCached=false, Save=true, then fetch data`;
    case 'fetch':
      return `Fetch data with the ${op.purpose === 'connected' ? 'Connect' : 'reconnect'} session's requestId`;
    case 'set-scheduled-refresh':
      return `Turn Flinks scheduled refresh ${op.enabled ? 'on' : 'off'} (${op.purpose})`;
    case 'disconnect':
      return op.deleteData
        ? 'Delete the card and its data at Flinks'
        : 'Turn scheduled refresh off before disconnecting';
  }
}
