// Any error thrown while serving a request becomes one JSON answer. Refusals keep their message; anything
// unexpected is a 500 with a generic message and an id that is logged with the details (never a stack trace).
import { randomUUID } from 'node:crypto';
import { isGrpcServiceError } from '@temporalio/client';
import {
  CardDisconnectedError,
  CardNotFoundError,
  CardUpdateAbortedError,
  InvalidLoginIdError,
  InvalidRequestError,
  RefreshNowPendingError,
  TemporalUnavailableError,
} from '../client';
import { DataSinkError, type FlinksLogger } from '../flinks';
import { HttpError, RETRY_AFTER_SECONDS, TemporalBusyError } from './http-errors';
import { type Reply } from './router';

export function errorReply(
  error: unknown,
  log: FlinksLogger,
  context: { method: string; path: string },
): Reply {
  if (isResourceExhausted(error)) {
    log.warn('Temporal is over its limits (RESOURCE_EXHAUSTED)', { ...context, reason: String(error) });
    return errorReply(
      new TemporalBusyError(
        'Temporal refused the request as over its limits (RESOURCE_EXHAUSTED). Retry in a few seconds.',
      ),
      log,
      context,
    );
  }
  if (error instanceof HttpError) {
    return {
      status: error.status,
      headers: error.headers,
      body: { error: error.name, message: error.message, ...(error.fields ? { fields: error.fields } : {}) },
    };
  }
  if (error instanceof InvalidLoginIdError) {
    return refusal(400, error, [{ field: 'loginId', message: 'must be a UUID (a Flinks loginId)' }]);
  }
  if (error instanceof InvalidRequestError) return refusal(400, error);
  if (error instanceof CardNotFoundError) return refusal(404, error);
  // The card exists but is closed (or closing): connect it again; 409 says "not in this state".
  if (error instanceof CardDisconnectedError) return refusal(409, error);
  if (error instanceof TemporalUnavailableError) {
    log.warn('Temporal unavailable', { ...context, reason: error.message });
    return retryLater(
      error,
      'Temporal is unavailable right now; nothing was changed. Retry in a few seconds.',
    );
  }
  if (error instanceof CardUpdateAbortedError) {
    // Temporal refused the card's workflow task each time (a signal raced a continue-as-new): not the caller's
    // fault, and the same press a moment later goes through.
    log.warn('card update aborted by Temporal', { ...context, reason: error.message });
    return retryLater(error, error.message);
  }
  if (error instanceof RefreshNowPendingError) {
    // The refresh goes on in the card; the same press shortly gets its outcome.
    log.warn('refreshNow not answered within its bound', {
      ...context,
      flinksTaskQueue: error.flinksTaskQueue,
    });
    return retryLater(error, error.message);
  }
  if (error instanceof DataSinkError && error.retryable) {
    log.warn('data sink unavailable', { ...context, reason: error.message });
    return retryLater(error, 'The data could not be stored right now. Retry in a few seconds.');
  }
  const errorId = randomUUID();
  log.error('unexpected error while serving a request', {
    ...context,
    errorId,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  return {
    status: 500,
    body: {
      error: 'InternalError',
      message: `Unexpected error; quote errorId ${errorId} when reporting it.`,
      errorId,
    },
  };
}

const GRPC_RESOURCE_EXHAUSTED = 8;

/**
 * Temporal's RESOURCE_EXHAUSTED (gRPC status 8: a rate limit, a full task queue), as the client throws it: the
 * gRPC error itself or its cause (ServiceError, WorkflowUpdateFailedError, …).
 */
function isResourceExhausted(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (isGrpcServiceError(e) && e.code === GRPC_RESOURCE_EXHAUSTED) return true;
  }
  return false;
}

/** 503 with Retry-After: nothing was done, and the same request shortly will do. */
function retryLater(error: Error, message: string): Reply {
  return {
    status: 503,
    headers: { 'retry-after': RETRY_AFTER_SECONDS },
    body: { error: error.name, message },
  };
}

function refusal(status: number, error: Error, fields?: { field: string; message: string }[]): Reply {
  return { status, body: { error: error.name, message: error.message, ...(fields ? { fields } : {}) } };
}
