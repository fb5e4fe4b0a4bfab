// Sends one card its nightlyStatus by workflow ID, with no run ID: a card that continued-as-new since it was listed
// gets it on its current run. A signal the server keeps refusing for this card alone (its run at the signal limit,
// a workflow that cannot take it) is the card's own trouble: after a few tries the shard reports it and carries on.
// Trouble reaching Temporal at all is thrown instead, so the shard's activity retries from its last page rather
// than writing every card off.
import { Context } from '@temporalio/activity';
import { type Client, isGrpcServiceError, ServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { type NightlyStatusSignal } from '../domain/card-messages';
import { nightlyStatusSignal } from '../workflows/definitions';

export type SignalOutcome = { kind: 'signalled' } | { kind: 'gone' } | { kind: 'failed'; reason: string };

/** Tries per card, and the pauses between them (the client has already retried transient gRPC codes itself). */
export const SIGNAL_ATTEMPTS = 3;
const PAUSES_MS = [500, 2_000];

/**
 * gRPC codes that say Temporal itself cannot be reached or will not serve this worker: CANCELLED, DEADLINE_EXCEEDED,
 * PERMISSION_DENIED, UNAVAILABLE, UNAUTHENTICATED. Any other refusal is about the one workflow.
 */
const SERVICE_CODES = new Set<number>([1, 4, 7, 14, 16]);

export async function signalCard(
  client: Client,
  workflowId: string,
  payload: NightlyStatusSignal,
): Promise<SignalOutcome> {
  const ctx = Context.current();
  for (let attempt = 1; ; attempt += 1) {
    try {
      await client.workflow.getHandle(workflowId).signal(nightlyStatusSignal, payload);
      return { kind: 'signalled' };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return { kind: 'gone' };
      const grpc = error instanceof ServiceError ? error.cause : undefined;
      if (!isGrpcServiceError(grpc) || SERVICE_CODES.has(grpc.code)) throw error;
      const reason = `${grpc.code} ${grpc.details || grpc.message}`;
      if (attempt >= SIGNAL_ATTEMPTS) return { kind: 'failed', reason };
      ctx.log.info('A nightlyStatus signal was refused; trying again', { workflowId, attempt, reason });
      await ctx.sleep(PAUSES_MS[attempt - 1] ?? 2_000);
    }
  }
}
