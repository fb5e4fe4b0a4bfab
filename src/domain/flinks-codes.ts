// Every FlinksCode we know of (reference §10, the nightly-refresh guide, Flinks Connect's handled errors)
// and our own synthetic ones, with the three answers the rest of the product needs for any error.
// Pure and import-free: the client, the activities and the workflow bundle all use it.
//
// Classification goes by FlinksCode first because Flinks' sources disagree on HTTP statuses
// (INVALID_LOGIN 401 vs 400, TOO_MANY_REQUESTS 401 vs 403); the status only decides for unknown codes.

export interface FlinksErrorClass {
  /** Retrying the same operation later (with backoff) can succeed without anyone doing anything. */
  readonly transient: boolean;
  /** Only the end user can fix it, by reconnecting in Flinks Connect (MFA, changed password, bank-side action). */
  readonly userFixable: boolean;
  /** An Authorize error that still leaves the card eligible for Flinks' nightly refresh (the guide's list). */
  readonly keepsEligibility: boolean;
}

export interface FlinksCodeInfo extends FlinksErrorClass {
  /** HTTP statuses the sources document for this code (empty when no source shows one). */
  readonly documentedStatuses: readonly number[];
  /** Where the code comes from: Flinks itself, or this client (no HTTP answer, poll cap, unparseable body). */
  readonly origin: 'flinks' | 'synthetic';
  readonly meaning: string;
}

const info = (
  origin: FlinksCodeInfo['origin'],
  documentedStatuses: readonly number[],
  flags: { transient?: boolean; userFixable?: boolean; keepsEligibility?: boolean },
  meaning: string,
): FlinksCodeInfo => ({
  origin,
  documentedStatuses,
  transient: flags.transient ?? false,
  userFixable: flags.userFixable ?? false,
  keepsEligibility: flags.keepsEligibility ?? false,
  meaning,
});

/**
 * Keyed by the normalized code (see normalizeFlinksCode): `BANK MAINTENANCE_RETRY_LATER`, spelled with a space
 * in the guide, is stored as `BANK_MAINTENANCE_RETRY_LATER` and both spellings resolve to it.
 */
export const FLINKS_CODES = {
  OK: info('flinks', [200], {}, 'Success.'),
  CREATED: info('flinks', [201], {}, 'Resource created.'),

  // Not failures: the data is still being prepared. Transient so that a caller that surfaces them retries.
  OPERATION_PENDING: info('flinks', [202], { transient: true }, 'Still processing; poll the Async endpoint.'),
  OPERATION_DISPATCHED: info(
    'flinks',
    [202],
    { transient: true },
    'Sync call ran past 210 s and moved to a background queue; poll the Async endpoint.',
  ),

  // Session-level expiry: the requestId is dead, but a new Authorize opens a new session, which a retried
  // refresh (authorize, then fetch) does on its own. Both keep nightly eligibility per the guide.
  SESSION_NONEXISTENT: info(
    'flinks',
    [400],
    { transient: true, keepsEligibility: true },
    'RequestId expired (8 min of inactivity) or unknown; open a new session.',
  ),
  SESSION_EXPIRED: info(
    'flinks',
    [],
    { transient: true, keepsEligibility: true },
    'Session expired; open a new session.',
  ),
  // The card (or loginId) is busy with another operation: waiting for it to finish is the documented remedy.
  CARD_IN_USE: info('flinks', [400], { transient: true }, 'Operation while the card is still processing.'),
  CONCURRENT_SESSION: info(
    'flinks',
    [],
    { transient: true },
    'Another session is already open with this LoginId.',
  ),

  // INVALID_LOGIN is user-fixable: our loginIds come from Flinks Connect and are only removed by our own
  // DeleteCard, so on a known card it means the bank no longer accepts the stored credentials; only the
  // user can fix that, by reconnecting. (A misconfigured instance would fail every card at once and is
  // caught by ACCESS_DENIED / UNAUTHORIZED monitoring instead.)
  INVALID_LOGIN: info(
    'flinks',
    [401, 400],
    { userFixable: true },
    'Unknown LoginId for this customer, or credentials rejected.',
  ),
  INVALID_REQUEST: info('flinks', [401, 400], {}, 'Missing fields or malformed request: a bug on our side.'),
  ACCESS_DENIED: info(
    'flinks',
    [401],
    {},
    'Bad authentication credentials (secret key / token / x-api-key).',
  ),
  INVALID_USERNAME: info('flinks', [401], { userFixable: true }, 'The bank rejected the username.'),
  INVALID_PASSWORD: info('flinks', [401], { userFixable: true }, 'The bank rejected the password.'),
  INVALID_SECURITY_RESPONSE: info('flinks', [401], { userFixable: true }, 'Wrong MFA answer.'),
  INVALID_SECURITY_RESPONSE_NO_RETRY: info(
    'flinks',
    [401],
    { userFixable: true },
    'Wrong MFA answer; the bank allows no retry.',
  ),
  QUESTION_NOT_FOUND: info(
    'flinks',
    [401],
    { userFixable: true },
    'An MFA prompt has no stored answer (background or cached call); the user must answer it.',
  ),
  UNKNOWN_CHALLENGE_KEY: info(
    'flinks',
    [401],
    { userFixable: true },
    'MFA answer keyed to the wrong prompt.',
  ),
  SECURITYRESPONSES_INCOMPLETE: info(
    'flinks',
    [],
    { userFixable: true },
    'Not every MFA prompt was answered.',
  ),
  DISABLED_LOGIN: info('flinks', [401], { userFixable: true }, 'The bank disabled the online-banking login.'),
  NEW_ACCOUNT: info(
    'flinks',
    [401],
    { userFixable: true },
    'The bank requires the user to complete a setup step online.',
  ),
  RETRY_LATER: info(
    'flinks',
    [401],
    { transient: true, keepsEligibility: true },
    'Flinks could not reach the institution.',
  ),
  TOO_MANY_REQUESTS: info('flinks', [401, 403], { transient: true }, 'Rate-limited by Flinks.'),
  // In the guide's still-eligible list, so Flinks itself does not treat it as needing anyone; not retried
  // in a tight loop though: it comes from a session that was not authorized (a bug or a pending MFA).
  UNAUTHORIZED: info(
    'flinks',
    [401],
    { keepsEligibility: true },
    'Session not authorized (data call before Authorize succeeded).',
  ),
  // Institution-wide outages last hours or days: not worth an activity retry loop, but eligibility stays.
  DISABLED_INSTITUTION: info(
    'flinks',
    [405],
    { keepsEligibility: true },
    'The institution is unavailable at Flinks.',
  ),
  AGGREGATION_ERROR: info(
    'flinks',
    [500],
    { transient: true, keepsEligibility: true },
    'Unexpected error at Flinks.',
  ),
  BANK_MAINTENANCE_RETRY_LATER: info(
    'flinks',
    [],
    { transient: true, keepsEligibility: true },
    'The bank is in maintenance.',
  ),
  ALREADY_AUTHORIZED: info('flinks', [], {}, 'The session is already authorized.'),
  NO_TRANSACTION: info('flinks', [], {}, 'No transactions for the request.'),
  METHOD_NOT_AVAILABLE: info(
    'flinks',
    [],
    {},
    'The method is not available for this institution or customer.',
  ),

  // Synthetic: raised by our client, never sent by Flinks.
  NETWORK_ERROR: info(
    'synthetic',
    [],
    { transient: true },
    'No HTTP answer: connection refused/reset, DNS, TLS.',
  ),
  TIMEOUT: info('synthetic', [], { transient: true }, 'Connect, headers or body timeout.'),
  OPERATION_TIMEOUT: info(
    'synthetic',
    [],
    { transient: true },
    'Polling an Async endpoint reached the configured cap (default 30 min).',
  ),
  // Truncated JSON, HTML error pages and empty bodies come from proxies and dropped connections far more
  // often than from a lasting change at Flinks; a bounded retry is cheap.
  // (With a 3xx or plain 4xx status it is not transient: see classifyFlinksError.)
  MALFORMED_RESPONSE: info(
    'synthetic',
    [],
    { transient: true },
    'The body was not JSON or did not have the documented shape.',
  ),
  LIVE_SESSION_LOST: info(
    'synthetic',
    [],
    {},
    'A retried live refresh found the card busy (CONCURRENT_SESSION), most likely with the session its earlier ' +
      'attempt opened before its worker died, whose requestId never reached Temporal. Not logged in again tonight.',
  ),
} as const satisfies Record<string, FlinksCodeInfo>;

export type KnownFlinksCode = keyof typeof FLINKS_CODES;

/** The guide's seven still-eligible codes as spelled there, plus the underscore spelling of the bank one. */
export const ELIGIBILITY_KEEPING_CODES = [
  'RETRY_LATER',
  'AGGREGATION_ERROR',
  'SESSION_EXPIRED',
  'DISABLED_INSTITUTION',
  'UNAUTHORIZED',
  'SESSION_NONEXISTENT',
  'BANK MAINTENANCE_RETRY_LATER',
  'BANK_MAINTENANCE_RETRY_LATER',
] as const;

/** Upper-case, trimmed, inner whitespace runs as one underscore: `bank maintenance_retry_later` → `BANK_MAINTENANCE_RETRY_LATER`. */
export function normalizeFlinksCode(code: string): string {
  return code.trim().toUpperCase().replace(/\s+/g, '_');
}

export function lookupFlinksCode(code: string | null | undefined): FlinksCodeInfo | undefined {
  if (code === null || code === undefined) return undefined;
  const key = normalizeFlinksCode(code);
  return Object.prototype.hasOwnProperty.call(FLINKS_CODES, key)
    ? FLINKS_CODES[key as KnownFlinksCode]
    : undefined;
}

export function isEligibilityKeeping(code: string | null | undefined): boolean {
  return lookupFlinksCode(code)?.keepsEligibility ?? false;
}

export function classifyFlinksError(error: {
  flinksCode: string | null | undefined;
  httpStatus: number | null | undefined;
}): FlinksErrorClass {
  const status = error.httpStatus;
  const known = lookupFlinksCode(error.flinksCode);
  // An unreadable body says nothing, so its status decides: an HTML 404/401 page or a redirect is a
  // configuration problem that retrying will not fix, while a garbled 200 or a gateway's 502 page
  // usually is transient.
  if (
    known === FLINKS_CODES.MALFORMED_RESPONSE &&
    typeof status === 'number' &&
    isConfigurationStatus(status)
  ) {
    return { transient: false, userFixable: false, keepsEligibility: false };
  }
  if (known) {
    return {
      transient: known.transient,
      userFixable: known.userFixable,
      keepsEligibility: known.keepsEligibility,
    };
  }
  // Unknown code: 5xx, 408 and 429 are retryable by HTTP semantics; any other 4xx is a request Flinks will
  // keep refusing (not transient, and nothing says the user can fix it). No status and no known code means
  // the caller built the error by hand: treat as permanent rather than retry blindly.
  const transient = typeof status === 'number' && (status >= 500 || status === 408 || status === 429);
  return { transient, userFixable: false, keepsEligibility: false };
}

/** 3xx (undici does not follow redirects: a wrong base URL) and 4xx other than 408 / 429. */
function isConfigurationStatus(status: number): boolean {
  return status >= 300 && status < 500 && status !== 408 && status !== 429;
}
