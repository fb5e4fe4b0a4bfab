// The activities that talk to Flinks. Each is one small, idempotent step of a card's life; each returns a
// summary (never bank data) and hands fetched data to the sink. They run on the rate-limited Flinks queue.
import { activityInfo, ApplicationFailure, Context } from '@temporalio/activity';
import {
  type ApiCallOutcome,
  type CachedCallOutcome,
  type DeliveredData,
  type FetchOutcome,
  type LiveRefreshOutcome,
} from '../domain/refresh-outcomes';
import { packIneligible, type PackedIneligibleList } from '../domain/routine-shards';
import { type DataSink, deliverAccountsDetail, type FlinksClient, summarizeAccountsDetail } from '../flinks';
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

  /** Fetches the data of an authorized session and hands it to the sink; only counts come back. */
  async function deliver(requestId: string): Promise<DeliveredData> {
    const body = await fetchData(requestId);
    const { summary, location } = await deliverAccountsDetail(sink, body, { signal: signal() });
    return {
      requestId,
      lastRefresh: summary.lastRefresh,
      accounts: summary.accounts,
      transactions: summary.transactions,
      location,
    };
  }

  function fetchData(requestId: string) {
    return flinks.fetchAccountsDetail(requestId, undefined, {
      signal: signal(),
      onPending: () => Context.current().heartbeat({ requestId }),
    });
  }

  /**
   * Reads a cached session's data: its Login.LastRefresh tells when Flinks last refreshed the card, and
   * only data newer than what the sink already has is delivered again.
   */
  async function readCachedSession(
    requestId: string,
    deliveredRefreshAt: string | null,
  ): Promise<{ lastRefresh: string | null; delivered: DeliveredData | null }> {
    const body = await fetchData(requestId);
    const { lastRefresh } = summarizeAccountsDetail(body);
    const isNew =
      lastRefresh !== null &&
      (deliveredRefreshAt === null || Date.parse(lastRefresh) > Date.parse(deliveredRefreshAt));
    if (!isNew) return { lastRefresh, delivered: null };
    const { summary, location } = await deliverAccountsDetail(sink, body, { signal: signal() });
    return {
      lastRefresh,
      delivered: {
        requestId,
        lastRefresh,
        accounts: summary.accounts,
        transactions: summary.transactions,
        location,
      },
    };
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
          () => flinksStep('data', () => readCachedSession(replayedRequestId, input.deliveredRefreshAt)),
          { recordNow: false },
        );
        return {
          kind: 'replayed-error',
          error: auth.failure,
          lastRefresh: data.ok ? data.value.lastRefresh : null,
          delivered: data.ok ? data.value.delivered : null,
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
      const isNew =
        login.lastRefresh !== null &&
        (input.deliveredRefreshAt === null ||
          Date.parse(login.lastRefresh) > Date.parse(input.deliveredRefreshAt));
      let delivered: DeliveredData | null = null;
      if (isNew) {
        const data = await withHeartbeats(
          () => ({ requestId }),
          () => flinksStep('data', () => deliver(requestId)),
          { recordNow: false },
        );
        if (!data.ok) {
          if (data.transient) throw retryableFailure(data.failure);
          return { kind: 'failed', error: data.failure };
        }
        delivered = data.value;
      }
      return {
        kind: 'ok',
        requestId,
        lastRefresh: login.lastRefresh,
        isScheduledRefresh: login.isScheduledRefresh,
        delivered,
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
        () => flinksStep('data', () => deliver(sessionId)),
        { recordNow: true },
      );
      if (!data.ok) {
        // A dead session cannot be polled again, and a new one would be a second login at the bank tonight.
        if (data.transient && !DEAD_SESSION_CODES.has(data.failure.code))
          throw retryableFailure(data.failure);
        return { kind: 'failed', error: data.failure };
      }
      return {
        kind: 'refreshed',
        requestId: sessionId,
        lastRefresh: data.value.lastRefresh,
        delivered: data.value,
      };
    },

    /** Fetches data with a requestId the user's Flinks Connect session produced (connect or reconnect). */
    async flinksFetchWithRequestId(input: { loginId: string; requestId: string }): Promise<FetchOutcome> {
      const data = await withHeartbeats(
        () => ({ requestId: input.requestId }),
        () => flinksStep('data', () => deliver(input.requestId)),
        { recordNow: false },
      );
      if (!data.ok) {
        if (data.transient && !DEAD_SESSION_CODES.has(data.failure.code))
          throw retryableFailure(data.failure);
        return { kind: 'failed', error: data.failure };
      }
      return {
        kind: 'refreshed',
        requestId: input.requestId,
        lastRefresh: data.value.lastRefresh,
        delivered: data.value,
      };
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
