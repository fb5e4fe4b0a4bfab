// Signals, updates and queries of the workflows: defined once, shared by workflows, client, API and CLI.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { type CardPolicyOverrides } from '../domain/card-policy';
import {
  type CardInput,
  type CardView,
  type DisconnectSignal,
  type NightlyStatusSignal,
  type ReconnectedSignal,
  type RefreshNowResult,
  type SetScheduledRefreshSignal,
  type WebhookRefreshSignal,
} from '../domain/card-messages';

/** Workflow type names, for code that starts or lists workflows without loading their code. */
export const CARD_WORKFLOW_TYPE = 'cardLifecycle';
export const NIGHTLY_ROUTINE_WORKFLOW_TYPE = 'nightlyRoutine';

export const CARD_WORKFLOW_ID_PREFIX = 'flinks-card-';
export const cardWorkflowId = (loginId: string): string =>
  `${CARD_WORKFLOW_ID_PREFIX}${loginId.toLowerCase()}`;

export const reconnectedSignal = defineSignal<[ReconnectedSignal]>('reconnected');
export const nightlyStatusSignal = defineSignal<[NightlyStatusSignal]>('nightlyStatus');
export const setScheduledRefreshSignal = defineSignal<[SetScheduledRefreshSignal]>('setScheduledRefresh');
export const webhookRefreshSignal = defineSignal<[WebhookRefreshSignal]>('webhookRefresh');
export const disconnectSignal = defineSignal<[DisconnectSignal]>('disconnect');

/** The contract's `{}`: the user is present, nothing else to say. */
export type RefreshNowRequest = Record<string, unknown>;

/**
 * Failure type of a refreshNow that the card could not answer within its bound (policy.refreshNowAnswerWithinMs):
 * the refresh goes on, and a press in the next few minutes gets its outcome without a second live login.
 */
export const REFRESH_NOW_PENDING_ERROR = 'RefreshNowPendingError';

export const refreshNowUpdate = defineUpdate<RefreshNowResult, [RefreshNowRequest]>('refreshNow');

/**
 * `connect`: the card is connected (again). A running card answers `already-connected`; a card that is closing (its
 * disconnect done or waiting its turn) answers `restarting` and continues as a new card once it has closed.
 */
export interface ConnectAnswer {
  outcome: 'already-connected' | 'restarting';
}
export type ConnectRequest = CardInput & { policy?: CardPolicyOverrides; flinksTaskQueue?: string };
export const connectUpdate = defineUpdate<ConnectAnswer, [ConnectRequest]>('connect');

export const stateQuery = defineQuery<CardView>('state');
