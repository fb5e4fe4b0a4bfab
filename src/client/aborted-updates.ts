// Temporal aborts an update whose workflow task it refuses, for instance when a signal lands while the card
// continues-as-new (UNHANDLED_COMMAND): the server answers FAILED_PRECONDITION "unexpected workflow task failure".
// Nothing reached the card, so the update can be sent again; the handle has no runId, so it reaches the new run.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, isGrpcServiceError, ServiceError } from '@temporalio/client';
import { type UpdateDefinition } from '@temporalio/common';
import { cardWorkflowId } from '../workflows/definitions';
import { CardUpdateAbortedError } from './errors';

/** gRPC FAILED_PRECONDITION: how the server reports WorkflowNotReady. */
const FAILED_PRECONDITION = 9;

export interface AbortedUpdateRetry {
  /** Sends in all, the first included. */
  attempts: number;
  /** Pause before the second send; doubles after each. */
  firstDelayMs: number;
  /** Called before each resend: the fuzz suites count them. */
  onAborted?: (attempt: number) => void;
}

/** About 3 s in all: the refused task is retried at once, so the next send finds the card ready. */
export const abortedUpdateRetry: AbortedUpdateRetry = { attempts: 5, firstDelayMs: 200 };

/** Temporal aborted the update because a workflow task failed under it (nothing reached the workflow). */
export function abortedUpdateReason(error: unknown): string | null {
  const grpc = error instanceof ServiceError ? error.cause : error;
  if (!isGrpcServiceError(grpc) || grpc.code !== FAILED_PRECONDITION) return null;
  const reason = grpc.details || grpc.message;
  return /workflow task failure/i.test(reason) ? reason : null;
}

/**
 * Executes an update on the card's current run, sent again (same updateId) when Temporal aborts it, at most
 * `retry.attempts` times; then CardUpdateAbortedError. Only for updates that are safe to send twice.
 */
export async function executeCardUpdate<Ret>(
  temporal: Client,
  loginId: string,
  update: UpdateDefinition<Ret, [unknown]> | string,
  args: unknown[],
  retry: AbortedUpdateRetry = abortedUpdateRetry,
): Promise<Ret> {
  const handle = temporal.workflow.getHandle(cardWorkflowId(loginId));
  const updateId = randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      return await handle.executeUpdate<Ret, [unknown]>(update, { args: args as [unknown], updateId });
    } catch (error) {
      const reason = abortedUpdateReason(error);
      if (reason === null) throw error;
      const name = typeof update === 'string' ? update : update.name;
      if (attempt >= retry.attempts) throw new CardUpdateAbortedError(loginId, name, attempt, reason);
      retry.onAborted?.(attempt);
      await sleep(retry.firstDelayMs * 2 ** (attempt - 1));
    }
  }
}
