// Keeps a card's search attributes in step with its state, upserting only what changed: every upsert is
// a history event and a billable action.
import * as wf from '@temporalio/workflow';
import { type SearchAttributePair } from '@temporalio/common';
import { type CardPolicy } from '../domain/card-policy';
import { type CardState } from '../domain/card-state';
import { eligibilityOf } from '../domain/eligibility';
import {
  FlinksCardStatus,
  FlinksEligibleUntil,
  FlinksErrorCode,
  FlinksLastRefreshAt,
  FlinksLoginId,
} from './search-attributes';

export function syncCardSearchAttributes(state: CardState, policy: CardPolicy, nowMs: number): void {
  const current = wf.workflowInfo().typedSearchAttributes;
  const { eligibleUntil } = eligibilityOf(state, policy, nowMs);
  const wanted: SearchAttributePair[] = [
    { key: FlinksLoginId, value: state.loginId },
    { key: FlinksCardStatus, value: state.status },
    { key: FlinksLastRefreshAt, value: toDate(state.lastSuccessfulRefreshAt) },
    { key: FlinksEligibleUntil, value: toDate(eligibleUntil) },
    { key: FlinksErrorCode, value: state.lastError ? keyword(state.lastError.code) : null },
  ] as SearchAttributePair[];
  const changed = wanted.filter(
    (pair) => !sameValue(current.get(pair.key) as unknown, pair.value as unknown),
  );
  if (changed.length > 0) wf.upsertSearchAttributes(changed);
}

/** A Keyword search attribute holds at most 2 KB: a longer code (Flinks sends what it sends) is cut, not fatal. */
const KEYWORD_MAX_CHARS = 200;
function keyword(value: string): string {
  return value.length > KEYWORD_MAX_CHARS ? value.slice(0, KEYWORD_MAX_CHARS) : value;
}

function toDate(iso: string | null): Date | null {
  return iso === null ? null : new Date(iso);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === undefined || a === null) return b === null || b === undefined;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}
