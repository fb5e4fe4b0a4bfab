// Long Flinks calls (a sync data call may take minutes, a live login waits for the rate limiter and then the bank)
// keep heartbeating, so a dead worker is noticed within the heartbeat timeout while a slow bank is not mistaken for one.
import { Context } from '@temporalio/activity';

const MAX_HEARTBEAT_EVERY_MS = 10_000;
const MIN_HEARTBEAT_EVERY_MS = 50;

/**
 * How often a pending call heartbeats. The SDK sends at most one heartbeat per 80% of the heartbeat timeout (the latest
 * recorded): recording one every third of the timeout puts one in every such window, so Temporal hears from the
 * attempt well within its timeout.
 */
export function heartbeatEveryMs(heartbeatTimeoutMs: number | undefined): number {
  if (heartbeatTimeoutMs === undefined || heartbeatTimeoutMs <= 0) return MAX_HEARTBEAT_EVERY_MS;
  return Math.min(
    MAX_HEARTBEAT_EVERY_MS,
    Math.max(MIN_HEARTBEAT_EVERY_MS, Math.floor(heartbeatTimeoutMs / 3)),
  );
}

/**
 * Heartbeats `details()` while `run()` is pending. `recordNow`: heartbeat at once, before the call. A live session's
 * requestId must reach Temporal before anything can go wrong, so a retry resumes it; a cached call has nothing to
 * resume, and every heartbeat is a billable action.
 */
export async function withHeartbeats<T>(
  details: () => unknown,
  run: () => Promise<T>,
  { recordNow }: { recordNow: boolean },
): Promise<T> {
  const ctx = Context.current();
  if (recordNow) ctx.heartbeat(details());
  const timer = setInterval(() => ctx.heartbeat(details()), heartbeatEveryMs(ctx.info.heartbeatTimeoutMs));
  try {
    return await run();
  } finally {
    clearInterval(timer);
  }
}
