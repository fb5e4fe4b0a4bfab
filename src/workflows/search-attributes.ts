// The contract's search attributes: registered wherever the product starts a server, upserted by cards.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const FlinksLoginId = defineSearchAttributeKey('FlinksLoginId', SearchAttributeType.KEYWORD);
export const FlinksCardStatus = defineSearchAttributeKey('FlinksCardStatus', SearchAttributeType.KEYWORD);
export const FlinksLastRefreshAt = defineSearchAttributeKey(
  'FlinksLastRefreshAt',
  SearchAttributeType.DATETIME,
);
export const FlinksEligibleUntil = defineSearchAttributeKey(
  'FlinksEligibleUntil',
  SearchAttributeType.DATETIME,
);
export const FlinksErrorCode = defineSearchAttributeKey('FlinksErrorCode', SearchAttributeType.KEYWORD);

export const cardSearchAttributes = [
  FlinksLoginId,
  FlinksCardStatus,
  FlinksLastRefreshAt,
  FlinksEligibleUntil,
  FlinksErrorCode,
] as const;
