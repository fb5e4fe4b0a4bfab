// A live Authorize logs the user in at the bank, and may prompt them for MFA: one live-refresh activity sends it at
// most once, over all its attempts. Each attempt's heartbeats say whether it may have sent it, and say so before it
// can have been sent, so a later attempt (after a crash, a heartbeat timeout, a lost answer) knows not to send another.
import { activityInfo, Context } from '@temporalio/activity';
import { type FlinksFailure } from '../domain/refresh-outcomes';
import { type AuthorizeResult, type FlinksClient } from '../flinks';
import { neverReachedFlinks } from '../flinks/never-reached-flinks';
import { flinksStep, retryableFailure } from './flinks-failure';
import { withHeartbeats } from './heartbeats';

/** The heartbeat details of a live-refresh attempt. */
export interface LiveLoginProgress {
  /** The live session Flinks opened, once its answer arrived: a later attempt resumes it. */
  requestId: string | null;
  /** This attempt may have sent the live Authorize: no later attempt sends another. */
  authorizeSent: boolean;
}

const NOTHING_SENT: LiveLoginProgress = { requestId: null, authorizeSent: false };

/**
 * What earlier attempts of this activity recorded. Details without `authorizeSent` come from before it existed, when an
 * attempt heartbeated only once Flinks had answered its Authorize (`{ requestId }`, or `{ requestId: null }` once that
 * session had died): a login was made either way.
 */
export function earlierLiveLogin(attempt: number, details: unknown): LiveLoginProgress {
  if (attempt <= 1 || typeof details !== 'object' || details === null) return NOTHING_SENT;
  const { requestId, authorizeSent } = details as { requestId?: unknown; authorizeSent?: unknown };
  const session = typeof requestId === 'string' && requestId.length > 0 ? requestId : null;
  const sent = typeof authorizeSent === 'boolean' ? authorizeSent : 'requestId' in details;
  return { requestId: session, authorizeSent: sent || session !== null };
}

/**
 * Answers that prove the Authorize opened no session (throttled, the card busy): it may be sent again. Any other answer
 * came from the bank (RETRY_LATER, AGGREGATION_ERROR, maintenance, a garbled body) and retrying would log the user in
 * again; no answer at all (a reset, a timeout) after it was sent means Flinks may have logged in already.
 */
const REFUSED_BEFORE_LOGIN_CODES = new Set(['TOO_MANY_REQUESTS', 'CONCURRENT_SESSION', 'CARD_IN_USE']);

/** Whether a transient failure of a live login may be retried, given whether its Authorize may have reached Flinks. */
export function retryLiveLogin(failure: FlinksFailure, authorizeMayHaveArrived: boolean): boolean {
  if (!authorizeMayHaveArrived) return true;
  return failure.httpStatus !== null && REFUSED_BEFORE_LOGIN_CODES.has(failure.code);
}

/** The failure of a retried attempt whose predecessor may have logged in: it sends nothing. */
export function lostLiveSession(attempt: number): FlinksFailure {
  return {
    code: 'LIVE_SESSION_LOST',
    message:
      `An earlier attempt of this live refresh (this is attempt ${attempt}) may have sent its live Authorize, whose ` +
      'answer never reached Temporal: not logging in again tonight',
    httpStatus: null,
    requestId: null,
    stage: 'authorize',
  };
}

/**
 * Sends this attempt's live Authorize, heartbeating from before the rate limiter's wait until Flinks answers. A
 * transient failure is thrown for a retry only when nothing this attempt sent can have logged in.
 */
export async function sendLiveAuthorize(
  flinks: FlinksClient,
  loginId: string,
  signal: AbortSignal,
): Promise<AuthorizeResult | { kind: 'failed'; error: FlinksFailure }> {
  const ctx = Context.current();
  let handedOver = false;
  let thrown: unknown = null;
  // Recorded as this attempt's first heartbeat, which the SDK sends at once (later ones wait out its throttle, 80% of
  // the heartbeat timeout): it is on its way to Temporal before the token call, and the Authorize only goes after
  // that call's round trip. Should the process die before the Authorize is answered, the next attempt sees it.
  const progress: LiveLoginProgress = { requestId: null, authorizeSent: true };
  const auth = await withHeartbeats(
    () => progress,
    () =>
      flinksStep('authorize', () =>
        flinks
          .authorize(
            { loginId, mostRecentCached: false, save: true },
            {
              signal,
              onSend: () => {
                handedOver = true;
              },
            },
          )
          .catch((error: unknown) => {
            thrown = error;
            throw error;
          }),
      ),
    { recordNow: true },
  ).catch((error: unknown) => {
    // Cancelled (or a bug) before the Authorize left: a retry after a worker shutdown may log in.
    if (!handedOver) ctx.heartbeat(NOTHING_SENT);
    throw error;
  });
  if (auth.ok) return auth.value;
  const { failure } = auth;
  if (failure.code === 'CONCURRENT_SESSION' && activityInfo().attempt > 1) {
    // Still busy on a retry: most likely a live session of ours whose requestId never reached Temporal (an attempt
    // from before the marker, or one whose marker was lost). Logging in again once it expires (8 minutes) would be
    // a second live login tonight; retrying until then would only end later.
    return {
      kind: 'failed',
      error: {
        ...failure,
        code: 'LIVE_SESSION_LOST',
        message: `${failure.message} (most likely the live session an earlier attempt opened, whose requestId was lost)`,
      },
    };
  }
  const mayHaveArrived = handedOver && !neverReachedFlinks(thrown);
  if (auth.transient && retryLiveLogin(failure, mayHaveArrived)) {
    // A failure heartbeats its last details to Temporal with it: the next attempt knows it may log in.
    ctx.heartbeat(NOTHING_SENT);
    throw retryableFailure(failure);
  }
  if (auth.transient && failure.httpStatus === null) {
    return {
      kind: 'failed',
      error: {
        ...failure,
        message: `${failure.message}; not retried: Flinks may have logged in at the bank`,
      },
    };
  }
  return { kind: 'failed', error: failure };
}
