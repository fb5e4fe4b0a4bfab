// Turning client errors into what a card records, and into Temporal failures that retry only when useful.
import { ApplicationFailure } from '@temporalio/activity';
import { classifyFlinksError } from '../domain/flinks-codes';
import { type FlinksFailure } from '../domain/refresh-outcomes';
import { FlinksApiError } from '../flinks';

/** The failure type name every Flinks activity reports: workflows match on it. */
export const FLINKS_FAILURE_TYPE = 'FlinksApiError';

export function toFlinksFailure(error: unknown, stage: FlinksFailure['stage']): FlinksFailure {
  if (error instanceof FlinksApiError) {
    return {
      code: error.flinksCode,
      message: error.message,
      httpStatus: error.httpStatus,
      requestId: error.requestId,
      stage,
    };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { code: 'UNEXPECTED_ERROR', message, httpStatus: null, requestId: null, stage };
}

export function isTransient(error: unknown): boolean {
  if (!(error instanceof FlinksApiError)) return false;
  return classifyFlinksError({ flinksCode: error.flinksCode, httpStatus: error.httpStatus }).transient;
}

/** Thrown for transient errors so the activity's bounded retry policy takes over. */
export function retryableFailure(failure: FlinksFailure): ApplicationFailure {
  return ApplicationFailure.create({
    type: FLINKS_FAILURE_TYPE,
    message: `${failure.code}: ${failure.message}`,
    details: [failure],
    nonRetryable: false,
  });
}

/**
 * Runs a Flinks step: expected failures come back as values, transient ones are thrown to be retried,
 * and anything that is not a Flinks error (a bug) propagates as is.
 */
export async function flinksStep<T>(
  stage: FlinksFailure['stage'],
  run: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; failure: FlinksFailure; transient: boolean }> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (!(error instanceof FlinksApiError)) throw error;
    return { ok: false, failure: toFlinksFailure(error, stage), transient: isTransient(error) };
  }
}
