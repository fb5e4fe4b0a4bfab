// The activities that talk to Flinks. Each is one small, idempotent step of a card's life; each returns a
// summary (never bank data) and hands fetched data to the sink. They run on the rate-limited Flinks queue.
import { activityInfo, ApplicationFailure, Context } from '@temporalio/activity';
import {
  type ApiCallOutcome,
  type CachedCallOutcome,
  type DeliveryResult,
  type FetchOutcome,
  type LiveRefreshOutcome,
} from '../domain/refresh-outcomes';
import { packIneligible, type PackedIneligibleList } from '../domain/routine-shards';
import {
  type AccountsDetail,
  type AccountsDetailSummary,
  type DataSink,
  DataSinkError,
  deliverAccountsDetail,
  type FlinksClient,
  summarizeAccountsDetailOf,
} from '../flinks';
import { flinksStep, retryableFailure } from './flinks-failure';
import { withHeartbeats } from './heartbeats';
import { earlierLiveLogin, type LiveLoginProgress, lostLiveSession, sendLiveAuthorize } from './live-login';

export interface FlinksActivityDeps {
  flinks: FlinksClient;
  sink: DataSink;
}

/** Under Temporal's 2 MB payload limit, with room for the envelope. */
const MAX_NIGHTLY_LIST_BYTES = 1_900_000;

/** Codes that mean a requestId is gone: retrying with it cannot help. */
const DEAD_SESSION_CODES = new Set(['SESSION_NONEXISTENT', 'SESSION_EXPIRED']);

export function createFlinksActivities({ flinks, sink }: FlinksActivityDeps) {
  const signal = (): AbortSignal => Context.current().cancellationSignal;

  /**
   * Fetches the data of an authorized session of `loginId` and hands it to the sink; only counts come back. Data of
   * another login is refused before anything uses it (RequestLoginMismatchError, a permanent Flinks failure).
   */
  async function deliver(
    loginId: string,
    requestId: string,
  ): Promise<{ lastRefresh: string | null } & DeliveryResult> {
    const { body, summary } = await fetchOwnData(loginId, requestId);
    return { lastRefresh: summary.lastRefresh, ...(await toSink(loginId, body, summary)) };
  }

  async function fetchOwnData(
    loginId: string,
    requestId: string,
  ): Promise<{ body: AccountsDetail; summary: AccountsDetailSummary }> {
    const body = await flinks.fetchAccountsDetail(requestId, undefined, {
      signal: signal(),
      onPending: () => Context.current().heartbeat({ requestId }),
    });
    return { body, summary: summarizeAccountsDetailOf(loginId, requestId, body) };
  }

  /**
   * A sink that refuses (after its own bounded retries: the HTTP sink retries 5xx, 429 and timeouts) is a delivery
   * outage, not a Flinks failure: Flinks' answer is returned all the same, with why the sink refused. Retrying the
   * activity would only call Flinks again; the card redelivers on its own backoff instead.
   */
  async function toSink(
    loginId: string,
    body: AccountsDetail,
    summary: AccountsDetailSummary,
  ): Promise<DeliveryResult> {
    try {
      const { location } = await deliverAccountsDetail(sink, body, { loginId, signal: signal() });
      const { requestId, lastRefresh, accounts, transactions } = summary;
      return {
        delivered: { requestId, lastRefresh, accounts, transactions, location },
        deliveryFailed: null,
      };
    } catch (error) {
      if (!(error instanceof DataSinkError)) throw error;
      return {
        delivered: null,
        deliveryFailed: {
          reason: error.message,
          httpStatus: error.httpStatus,
          at: new Date().toISOString(),
          requestId: summary.requestId,
          lastRefresh: summary.lastRefresh,
        },
      };
    }
  }

  /**
   * Reads a cached session's data: its Login.LastRefresh tells when Flinks last refreshed the card, and
   * only data newer than what the sink already has is delivered again.
   */
  async function readCachedSession(
    loginId: string,
    requestId: string,
    deliveredRefreshAt: string | null,
  ): Promise<{ lastRefresh: string | null } & DeliveryResult> {
    const { body, summary } = await fetchOwnData(loginId, requestId);
    const { lastRefresh } = summary;
    if (!isNewer(lastRefresh, deliveredRefreshAt))
      return { lastRefresh, delivered: null, deliveryFailed: null };
    return { lastRefresh, ...(await toSink(loginId, body, summary)) };
  }

  return {
    /**
     * A cached Authorize (no bank contact, never MFA): keeps Flinks' cached-call window open and reads
     * Login.LastRefresh. New data since `deliveredRefreshAt` goes to the sink.
     */
    async flinksCachedCall(input: {
      loginId: string;
      deliveredRefreshAt: string | null;
    }): Promise<CachedCallOutcome> {
      const auth = await flinksStep('authorize', () =>
        flinks.authorize({ loginId: input.loginId, mostRecentCached: true }, { signal: signal() }),
      );
      if (!auth.ok) {
        const replayedRequestId = auth.failure.requestId;
        if (replayedRequestId === null) {
          if (auth.transient) throw retryableFailure(auth.failure);
          return { kind: 'failed', error: auth.failure };
        }
        // Flinks replays the last refresh's error on a cached call, with a usable RequestId: that is the
        // answer, not a failure of this call, so it is not retried. The session's data still says when
        // the card was last refreshed successfully.
        const data = await withHeartbeats(
          () => ({ requestId: replayedRequestId }),
          () =>
            flinksStep('data', () =>
              readCachedSession(input.loginId, replayedRequestId, input.deliveredRefreshAt),
            ),
          { recordNow: false },
        );
        return {
          kind: 'replayed-error',
          error: auth.failure,
          lastRefresh: data.ok ? data.value.lastRefresh : null,
          delivered: data.ok ? data.value.delivered : null,
          deliveryFailed: data.ok ? (data.value.deliveryFailed ?? null) : null,
        };
      }
      if (auth.value.kind === 'mfa-required') {
        return {
          kind: 'failed',
          error: {
            code: 'MFA_REQUIRED',
            message: 'A cached Authorize asked for MFA',
            httpStatus: 203,
            requestId: auth.value.requestId,
            stage: 'authorize',
          },
        };
      }
      const { requestId, login } = auth.value;
      let delivery: DeliveryResult = { delivered: null, deliveryFailed: null };
      if (isNewer(login.lastRefresh, input.deliveredRefreshAt)) {
        const data = await withHeartbeats(
          () => ({ requestId }),
          () => flinksStep('data', () => deliver(input.loginId, requestId)),
          { recordNow: false },
        );
        if (!data.ok) {
          if (data.transient) throw retryableFailure(data.failure);
          return { kind: 'failed', error: data.failure };
        }
        delivery = { delivered: data.value.delivered, deliveryFailed: data.value.deliveryFailed ?? null };
      }
      return {
        kind: 'ok',
        requestId,
        lastRefresh: login.lastRefresh,
        isScheduledRefresh: login.isScheduledRefresh,
        ...delivery,
      };
    },

    /**
     * A manual (live) refresh: Authorize with MostRecentCached=false and Save=true, then the data call. The live
     * Authorize is sent at most once over all attempts (see live-login.ts); the session's requestId is heartbeated, so
     * a retry after a worker crash resumes polling that same session instead of opening a second one at the bank.
     */
    async flinksLiveRefresh(input: { loginId: string }): Promise<LiveRefreshOutcome> {
      const { attempt, heartbeatDetails } = activityInfo();
      const earlier = earlierLiveLogin(attempt, heartbeatDetails);
      let requestId = earlier.requestId;
      if (requestId === null) {
        if (earlier.authorizeSent) return { kind: 'failed', error: lostLiveSession(attempt) };
        const auth = await sendLiveAuthorize(flinks, input.loginId, signal());
        if (auth.kind === 'failed') return auth;
        if (auth.kind === 'mfa-required') return { kind: 'mfa-required', requestId: auth.requestId };
        requestId = auth.requestId;
      }
      const sessionId = requestId;
      const data = await withHeartbeats(
        (): LiveLoginProgress => ({ requestId: sessionId, authorizeSent: true }),
        () => flinksStep('data', () => deliver(input.loginId, sessionId)),
        { recordNow: true },
      );
      if (!data.ok) {
        // A dead session cannot be polled again, and a new one would be a second login at the bank tonight.
        if (data.transient && !DEAD_SESSION_CODES.has(data.failure.code))
          throw retryableFailure(data.failure);
        return { kind: 'failed', error: data.failure };
      }
      return { kind: 'refreshed', requestId: sessionId, ...data.value };
    },

    /** Fetches data with a requestId the user's Flinks Connect session produced (connect or reconnect). */
    async flinksFetchWithRequestId(input: { loginId: string; requestId: string }): Promise<FetchOutcome> {
      const data = await withHeartbeats(
        () => ({ requestId: input.requestId }),
        () => flinksStep('data', () => deliver(input.loginId, input.requestId)),
        { recordNow: false },
      );
      if (!data.ok) {
        if (data.transient && !DEAD_SESSION_CODES.has(data.failure.code))
          throw retryableFailure(data.failure);
        return { kind: 'failed', error: data.failure };
      }
      return { kind: 'refreshed', requestId: input.requestId, ...data.value };
    },

    async flinksSetScheduledRefresh(input: { loginId: string; enabled: boolean }): Promise<ApiCallOutcome> {
      return apiCall(() => flinks.setScheduledRefresh(input.loginId, input.enabled, { signal: signal() }));
    },

    async flinksDeleteCard(input: { loginId: string }): Promise<ApiCallOutcome> {
      return apiCall(() => flinks.deleteCard(input.loginId, { signal: signal() }));
    },

    /**
     * Step 1 of the daily routine: the cards Flinks will not refresh, with why. Packed, since the whole list
     * goes through the routine's history as this one result.
     */
    async flinksNightlyRefreshStatus(): Promise<PackedIneligibleList> {
      const result = await flinksStep('api', () => flinks.getNightlyRefreshStatus({ signal: signal() }));
      if (!result.ok) throw retryableFailure(result.failure);
      const packed = packIneligible(result.value);
      const bytes = JSON.stringify(packed).length;
      if (bytes > MAX_NIGHTLY_LIST_BYTES) {
        // Temporal refuses payloads over 2 MB: say so plainly instead of failing the task at the server.
        throw ApplicationFailure.nonRetryable(
          `GetNightlyRefreshStatus listed ${packed.rows.length} logins (${bytes} bytes packed), over the ` +
            `${MAX_NIGHTLY_LIST_BYTES}-byte limit of one routine step`,
          'NightlyStatusListTooLargeError',
        );
      }
      return packed;
    },
  };
}

export type FlinksActivities = ReturnType<typeof createFlinksActivities>;

async function apiCall(run: () => Promise<unknown>): Promise<ApiCallOutcome> {
  const result = await flinksStep('api', run);
  if (result.ok) return { kind: 'ok' };
  if (result.transient) throw retryableFailure(result.failure);
  return { kind: 'failed', error: result.failure };
}

/** Data newer than what the sink already has (by Flinks' LastRefresh). */
function isNewer(lastRefresh: string | null, deliveredRefreshAt: string | null): boolean {
  return (
    lastRefresh !== null &&
    (deliveredRefreshAt === null || Date.parse(lastRefresh) > Date.parse(deliveredRefreshAt))
  );
}
