import { type RateLimiter } from './rate-limiter';
import { type FlinksLogger } from './logger';
import { type AccountsDetail, type AccountsSummary } from './schemas';

export interface FlinksClientOptions {
  /** `https://{instance}-api.private.fin.ag/v3/{customerId}/BankingServices` */
  baseUrl: string;
  /** Sent only in `flinks-auth-key` to GenerateAuthorizeToken and as Bearer to GetNightlyRefreshStatus. */
  secretKey: string;
  /** `x-api-key` on data endpoints; unset = header not sent. */
  apiKey?: string;
  /** Wait between Async polls. Default 10 s (Flinks' documented interval). */
  pollIntervalMs?: number;
  /** Give up polling after this long with OPERATION_TIMEOUT. Default 30 min (Flinks' documented cap). */
  pollTimeoutMs?: number;
  /** Default 10 s. */
  connectTimeoutMs?: number;
  /** Default 240 s: Flinks holds sync data calls up to 210 s before answering OPERATION_DISPATCHED. */
  headersTimeoutMs?: number;
  /** Max gap between body chunks. Default 240 s. */
  bodyTimeoutMs?: number;
  /** Idle keep-alive socket lifetime. Default 30 s. */
  keepAliveTimeoutMs?: number;
  /** Requests in flight at once (also caps pool sockets); unset = unlimited. */
  maxConcurrency?: number;
  /** Requests started per second (whole number); unset = unlimited. */
  maxRps?: number;
  /** A gate of the caller's (e.g. one whose budget follows the fleet's size); replaces maxConcurrency/maxRps. */
  limiter?: RateLimiter;
  /** Largest response body accepted. Default 128 MiB (a year of transactions on many accounts). */
  maxResponseBytes?: number;
  /** Receives redacted lines only. Default: silent. */
  logger?: FlinksLogger;
  /** Clock for the poll cap; tests may inject one. Default Date.now. */
  now?: () => number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export type AuthorizeRequest =
  | { loginId: string; mostRecentCached: true; language?: 'en' | 'fr'; tag?: string }
  | { loginId: string; mostRecentCached: false; save?: boolean; language?: 'en' | 'fr'; tag?: string }
  | { requestId: string; securityResponses: Record<string, string | readonly string[]> };

export interface AuthorizedLogin {
  id: string;
  /** ISO-8601 UTC with 'Z' (Flinks sends it zoneless with 7 fractional digits); null when absent. */
  lastRefresh: string | null;
  /** null when Flinks did not say. */
  isScheduledRefresh: boolean | null;
  /** `Personal` / `Business`; null when absent. */
  type: string | null;
}

export interface SecurityChallenge {
  /** `QuestionAndAnswer` is the only documented type; others are passed through as sent. */
  type: string;
  prompt: string | null;
}

export type AuthorizeResult =
  | { kind: 'authorized'; requestId: string; institution: string | null; login: AuthorizedLogin }
  | { kind: 'mfa-required'; requestId: string; institution: string | null; challenges: SecurityChallenge[] };

export type DataResult<T> =
  { kind: 'data'; data: T } | { kind: 'pending'; requestId: string; flinksCode: string };

export interface PendingInfo {
  requestId: string;
  flinksCode: string;
  /** 1 for the answer to the first (sync) call, then one more per Async poll. */
  attempt: number;
  elapsedMs: number;
}

export interface PollOptions extends CallOptions {
  /** Called on every 202: activities heartbeat here. */
  onPending?: (info: PendingInfo) => void;
}

export interface AccountsDetailOptions {
  withTransactions?: boolean;
  withBalance?: boolean;
  withAccountIdentity?: boolean;
  withKyc?: boolean;
  /** `Days90` / `Days365` in the docs (one client uses `Days360`); passed as given. */
  daysOfTransactions?: string;
  accountsFilter?: readonly string[];
  /** `YYYY-MM-DD` */
  dateFrom?: string;
  dateTo?: string;
  refreshDelta?: readonly { accountId: string; transactionId: string }[];
  mostRecentCached?: boolean;
}

export interface AccountsSummaryOptions {
  withBalance?: boolean;
  withAccountIdentity?: boolean;
}

export interface NightlyRefreshStatusEntry {
  loginId: string;
  /** ISO-8601 UTC with 'Z'. */
  lastRefreshDate: string | null;
  lastRefreshState: string | null;
  lastRefreshErrorCode: string | null;
}

export type { AccountsDetail, AccountsSummary };
