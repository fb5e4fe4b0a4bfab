// The Flinks endpoints this client calls, by the name Flinks gives them (and errors and logs carry).
export const FLINKS_ENDPOINTS = [
  'GenerateAuthorizeToken',
  'Authorize',
  'GetAccountsDetail',
  'GetAccountsDetailAsync',
  'GetAccountsSummary',
  'GetAccountsSummaryAsync',
  'GetNightlyRefreshStatus',
  'SetScheduledRefresh',
  'DeleteCard',
] as const;

export type FlinksEndpoint = (typeof FLINKS_ENDPOINTS)[number];
