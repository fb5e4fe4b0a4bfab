// What the Flinks activities report back to a card. Summaries only: no bank data, no secrets.

/** A Flinks failure as a card remembers it. */
export interface FlinksFailure {
  code: string;
  message: string;
  httpStatus: number | null;
  /** Some failures still carry a usable session (the cached-mode replay, an MFA prompt). */
  requestId: string | null;
  /** Which call failed: only Authorize errors count against Flinks' eligibility rules. */
  stage: 'authorize' | 'data' | 'api';
}

/** What reached the data sink: counts, never the data. */
export interface DeliveredData {
  requestId: string;
  lastRefresh: string | null;
  accounts: number;
  transactions: number;
  location: string;
}

export type CachedCallOutcome =
  | {
      kind: 'ok';
      requestId: string;
      lastRefresh: string | null;
      isScheduledRefresh: boolean | null;
      /** Null when the data was already delivered for this LastRefresh. */
      delivered: DeliveredData | null;
    }
  /** Flinks replayed the last refresh's error; the cached call still counted, and its session's data
   * (when it could be read) still says when the last successful refresh was. */
  | {
      kind: 'replayed-error';
      error: FlinksFailure;
      lastRefresh: string | null;
      delivered: DeliveredData | null;
    }
  | { kind: 'failed'; error: FlinksFailure };

export type LiveRefreshOutcome =
  | { kind: 'refreshed'; requestId: string; lastRefresh: string | null; delivered: DeliveredData }
  | { kind: 'mfa-required'; requestId: string }
  | { kind: 'failed'; error: FlinksFailure };

export type FetchOutcome =
  | { kind: 'refreshed'; requestId: string; lastRefresh: string | null; delivered: DeliveredData }
  | { kind: 'failed'; error: FlinksFailure };

export type ApiCallOutcome = { kind: 'ok' } | { kind: 'failed'; error: FlinksFailure };
