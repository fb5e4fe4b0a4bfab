import { abortableSleep } from './abortable-sleep';
import { type FlinksEndpoint } from './endpoints';
import { FlinksApiError } from './flinks-api-error';
import { type DataResult, type PendingInfo } from './types';

export interface PollPlan<T> {
  /** The Async endpoint, named in the OPERATION_TIMEOUT error. */
  endpoint: FlinksEndpoint;
  requestId: string;
  first: () => Promise<DataResult<T>>;
  next: () => Promise<DataResult<T>>;
  intervalMs: number;
  timeoutMs: number;
  now: () => number;
  signal?: AbortSignal;
  onPending?: (info: PendingInfo) => void;
}

/**
 * Runs `first`, then `next` every `intervalMs` while the answer is 202, until data arrives or
 * `timeoutMs` has passed since the start (then one last poll at the cap, then OPERATION_TIMEOUT).
 * The wait between polls rejects as soon as the signal aborts.
 */
export async function pollUntilData<T>(plan: PollPlan<T>): Promise<T> {
  const started = plan.now();
  let attempt = 1;
  let result = await plan.first();
  while (result.kind === 'pending') {
    const elapsedMs = plan.now() - started;
    plan.onPending?.({ requestId: plan.requestId, flinksCode: result.flinksCode, attempt, elapsedMs });
    const remaining = plan.timeoutMs - elapsedMs;
    if (remaining <= 0) {
      throw new FlinksApiError({
        endpoint: plan.endpoint,
        httpStatus: null,
        flinksCode: 'OPERATION_TIMEOUT',
        message: `Flinks ${plan.endpoint} still answered ${result.flinksCode} after ${attempt} attempts over ${elapsedMs} ms (cap ${plan.timeoutMs} ms)`,
        requestId: plan.requestId,
      });
    }
    await abortableSleep(Math.min(plan.intervalMs, remaining), plan.signal);
    attempt += 1;
    result = await plan.next();
  }
  return result.data;
}
