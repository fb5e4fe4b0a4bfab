// The FlinksCodes the simulator emits, with the HTTP status it pairs each with.
// Documented statuses come from ../shared/reference/flinks-api.md §10 (docs.flinks.com wins over the
// help-center table where they disagree). Codes whose status Flinks never published are marked.

export const flinksCodeStatus = {
  OPERATION_PENDING: 202,
  OPERATION_DISPATCHED: 202,
  SESSION_NONEXISTENT: 400,
  CARD_IN_USE: 400,
  INVALID_LOGIN: 401,
  INVALID_REQUEST: 401,
  ACCESS_DENIED: 401,
  INVALID_PASSWORD: 401,
  INVALID_SECURITY_RESPONSE: 401,
  QUESTION_NOT_FOUND: 401,
  RETRY_LATER: 401,
  TOO_MANY_REQUESTS: 401,
  UNKNOWN_CHALLENGE_KEY: 401,
  UNAUTHORIZED: 401,
  // Undocumented statuses: 401 like every other session-level refusal of /Authorize, so a client
  // that (correctly) classifies by FlinksCode first is what the simulator rewards.
  CONCURRENT_SESSION: 401,
  ALREADY_AUTHORIZED: 401,
  SECURITYRESPONSES_INCOMPLETE: 401,
  DISABLED_INSTITUTION: 405,
  AGGREGATION_ERROR: 500,
  // Not a Flinks code: unknown paths and wrong methods.
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
} as const;

export type SimFlinksCode = keyof typeof flinksCodeStatus;

/** An expected, typed refusal: rendered as `{ HttpStatusCode, FlinksCode, Message }` (+ session fields). */
export interface FlinksFailure {
  code: SimFlinksCode;
  message: string;
}

export function failure(code: SimFlinksCode, message: string): FlinksFailure {
  return { code, message };
}

export function statusOf(code: SimFlinksCode): number {
  return flinksCodeStatus[code];
}

/** The guide's list of Authorize errors after which a card stays eligible for the nightly refresh. */
// Deliberately not imported from src/domain: the simulator is Flinks' side, and must not share the product's
// reading of the guide, or a misreading would pass its own tests.
const eligibilityKeepingCodes = new Set([
  'RETRY_LATER',
  'AGGREGATION_ERROR',
  'SESSION_EXPIRED',
  'DISABLED_INSTITUTION',
  'UNAUTHORIZED',
  'SESSION_NONEXISTENT',
  'BANK MAINTENANCE_RETRY_LATER',
  'BANK_MAINTENANCE_RETRY_LATER',
]);

export function keepsEligibility(code: string): boolean {
  return eligibilityKeepingCodes.has(code);
}

export const defaultMessages: Partial<Record<SimFlinksCode, string>> = {
  QUESTION_NOT_FOUND: 'A security question was asked during the last refresh and no stored answer was found.',
  RETRY_LATER: 'The financial institution could not be reached. Please retry later.',
  DISABLED_INSTITUTION: 'The financial institution is currently disabled.',
  INVALID_PASSWORD: 'The password provided is invalid.',
  AGGREGATION_ERROR: 'An unexpected error occurred while aggregating the data.',
  INVALID_SECURITY_RESPONSE: 'The security response provided is invalid.',
  TOO_MANY_REQUESTS: 'Too many requests. Please slow down.',
};
