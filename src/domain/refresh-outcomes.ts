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

/**
 * Flinks handed over the data and the sink refused it (an HTTP sink's 413 or 500, a full disk): a delivery
 * outage, not a Flinks failure. What Flinks did still counts; the card redelivers on its own.
 */
export interface DeliveryFailure {
  /** The DataSinkError's message: it names the sink and the status or errno, never the record or a secret. */
  reason: string;
  /** The HTTP sink's status, null for a directory sink or no answer. */
  httpStatus: number | null;
  /** When the sink refused, ISO-8601. */
  at: string;
  requestId: string;
  /** The LastRefresh of the data that did not reach the sink. */
  lastRefresh: string | null;
}

/**
 * What the data step did with the sink. Exactly one of `delivered` / `deliveryFailed` is set when the data was
 * handed to the sink; both are null when there was nothing new to hand over. `deliveryFailed` is absent from
 * results recorded before delivery outages were told apart from Flinks failures.
 */
export interface DeliveryResult {
  delivered: DeliveredData | null;
  deliveryFailed?: DeliveryFailure | null;
}

export type CachedCallOutcome =
  /** Nothing delivered (both null) when the sink already has this LastRefresh. */
  | ({
      kind: 'ok';
      requestId: string;
      lastRefresh: string | null;
      isScheduledRefresh: boolean | null;
    } & DeliveryResult)
  /** Flinks replayed the last refresh's error; the cached call still counted, and its session's data
   * (when it could be read) still says when the last successful refresh was. */
  | ({
      kind: 'replayed-error';
      error: FlinksFailure;
      lastRefresh: string | null;
    } & DeliveryResult)
  | { kind: 'failed'; error: FlinksFailure };

export type LiveRefreshOutcome =
  | ({ kind: 'refreshed'; requestId: string; lastRefresh: string | null } & DeliveryResult)
  | { kind: 'mfa-required'; requestId: string }
  | { kind: 'failed'; error: FlinksFailure };

export type FetchOutcome =
  | ({ kind: 'refreshed'; requestId: string; lastRefresh: string | null } & DeliveryResult)
  | { kind: 'failed'; error: FlinksFailure };

export type ApiCallOutcome = { kind: 'ok' } | { kind: 'failed'; error: FlinksFailure };
