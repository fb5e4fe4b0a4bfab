// The contract's five search attributes, registered on the shared dev server.
// Kept local until the harness imports `cardSearchAttributes` from src/workflows/search-attributes.ts.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const FlinksCardStatusKey = defineSearchAttributeKey('FlinksCardStatus', SearchAttributeType.KEYWORD);

export const contractSearchAttributes = [
  defineSearchAttributeKey('FlinksLoginId', SearchAttributeType.KEYWORD),
  FlinksCardStatusKey,
  defineSearchAttributeKey('FlinksLastRefreshAt', SearchAttributeType.DATETIME),
  defineSearchAttributeKey('FlinksEligibleUntil', SearchAttributeType.DATETIME),
  defineSearchAttributeKey('FlinksErrorCode', SearchAttributeType.KEYWORD),
];
