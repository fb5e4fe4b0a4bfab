// Reading card workflows from visibility: one row per card, from its search attributes (no query, no worker).
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { CARD_WORKFLOW_ID_PREFIX } from '../workflows/definitions';
import {
  FlinksCardStatus,
  FlinksEligibleUntil,
  FlinksErrorCode,
  FlinksLastRefreshAt,
  FlinksLoginId,
} from '../workflows/search-attributes';

/** A card as visibility sees it (search attributes lag the card by a moment; `getCard` asks the card itself). */
export interface CardSummary {
  loginId: string;
  workflowId: string;
  runId: string;
  status: string | null;
  lastRefreshAt: string | null;
  eligibleUntil: string | null;
  errorCode: string | null;
  startedAt: string | null;
  /** The workflow has closed (a disconnected card). */
  closed: boolean;
}

/** A Keyword or Datetime search attribute as text (Datetime values are ISO strings on the wire). */
export function searchAttributeText(payload: Payload | null | undefined): string | null {
  if (!payload) return null;
  const value: unknown = defaultPayloadConverter.fromPayload(payload);
  // Older servers hand back a Keyword as a one-element list.
  const single = Array.isArray(value) ? (value[0] as unknown) : value;
  return typeof single === 'string' ? single : null;
}

export function cardSummary(execution: temporal.api.workflow.v1.IWorkflowExecutionInfo): CardSummary {
  const fields = execution.searchAttributes?.indexedFields ?? {};
  const text = (name: string): string | null => searchAttributeText(fields[name]);
  const workflowId = execution.execution?.workflowId ?? '';
  const startedMs = optionalTsToMs(execution.startTime);
  return {
    loginId: text(FlinksLoginId.name) ?? workflowId.slice(CARD_WORKFLOW_ID_PREFIX.length),
    workflowId,
    runId: execution.execution?.runId ?? '',
    status: text(FlinksCardStatus.name),
    lastRefreshAt: text(FlinksLastRefreshAt.name),
    eligibleUntil: text(FlinksEligibleUntil.name),
    errorCode: text(FlinksErrorCode.name),
    startedAt: startedMs === undefined ? null : new Date(startedMs).toISOString(),
    closed:
      execution.status !== temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
  };
}
