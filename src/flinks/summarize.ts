import { normalizeFlinksDateTime } from './flinks-datetime';
import { RequestLoginMismatchError } from './request-login-mismatch-error';
import { type AccountsDetail } from './schemas';

/** What a workflow may keep of a refresh: counts and ids, never balances or account numbers. */
export interface AccountsDetailSummary {
  loginId: string;
  /** ISO-8601 UTC with 'Z', or null when Flinks sent none. */
  lastRefresh: string | null;
  accounts: number;
  transactions: number;
  requestId: string;
}

export function summarizeAccountsDetail(body: AccountsDetail): AccountsDetailSummary {
  const raw = body.Login.LastRefresh;
  return {
    loginId: body.Login.Id,
    lastRefresh: typeof raw === 'string' ? normalizeFlinksDateTime(raw) : null,
    accounts: body.Accounts.length,
    transactions: body.Accounts.reduce((sum, account) => sum + (account.Transactions?.length ?? 0), 0),
    requestId: body.RequestId,
  };
}

/**
 * The summary of data fetched for `loginId` with `requestId`; data of another login (Login.Id, compared as GUIDs
 * are, case-insensitively) throws RequestLoginMismatchError, so nothing of it is used or stored.
 */
export function summarizeAccountsDetailOf(
  loginId: string,
  requestId: string,
  body: AccountsDetail,
): AccountsDetailSummary {
  const summary = summarizeAccountsDetail(body);
  if (summary.loginId.toLowerCase() !== loginId.toLowerCase()) {
    throw new RequestLoginMismatchError({
      requestId,
      expectedLoginId: loginId,
      actualLoginId: summary.loginId,
    });
  }
  return summary;
}
