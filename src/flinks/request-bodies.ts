// The JSON bodies the client sends: our camelCase options to Flinks' PascalCase fields, nothing undefined.
import { type AccountsDetailOptions, type AccountsSummaryOptions, type AuthorizeRequest } from './types';

export function authorizeBody(request: AuthorizeRequest): Record<string, unknown> {
  if ('requestId' in request) {
    requireId('requestId', request.requestId);
    const responses: Record<string, string[]> = {};
    for (const [prompt, answer] of Object.entries(request.securityResponses)) {
      responses[prompt] = typeof answer === 'string' ? [answer] : [...answer];
    }
    return { RequestId: request.requestId, SecurityResponses: responses };
  }
  requireId('loginId', request.loginId);
  const body: Record<string, unknown> = {
    LoginId: request.loginId,
    MostRecentCached: request.mostRecentCached,
  };
  if (!request.mostRecentCached) body['Save'] = request.save ?? true;
  if (request.language !== undefined) body['Language'] = request.language;
  if (request.tag !== undefined) body['Tag'] = request.tag;
  return body;
}

export function detailBody(requestId: string, o: AccountsDetailOptions): Record<string, unknown> {
  return compact({
    RequestId: requestId,
    WithTransactions: o.withTransactions,
    WithBalance: o.withBalance,
    WithAccountIdentity: o.withAccountIdentity,
    WithKYC: o.withKyc,
    DaysOfTransactions: o.daysOfTransactions,
    AccountsFilter: o.accountsFilter,
    DateFrom: o.dateFrom,
    DateTo: o.dateTo,
    RefreshDelta: o.refreshDelta?.map((d) => ({ AccountId: d.accountId, TransactionId: d.transactionId })),
    MostRecentCached: o.mostRecentCached,
  });
}

export function summaryBody(requestId: string, o: AccountsSummaryOptions): Record<string, unknown> {
  return compact({
    RequestId: requestId,
    WithBalance: o.withBalance,
    WithAccountIdentity: o.withAccountIdentity,
  });
}

function compact(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

export function requireId(name: string, value: string): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`FlinksClient: ${name} must be a non-empty string`);
  }
}
