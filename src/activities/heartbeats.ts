// Long Flinks calls (a sync data call may take minutes) keep heartbeating, so a dead worker is noticed
// within the heartbeat timeout while a slow bank is not mistaken for one.
import { Context } from '@temporalio/activity';

const HEARTBEAT_EVERY_MS = 10_000;

/**
 * `recordNow`: heartbeat at once, before the call. A live session's requestId must reach Temporal before anything
 * can go wrong, so a retry resumes it; a cached call has nothing to resume, and every heartbeat is a billable action.
 */
export async function withHeartbeats<T>(
  details: () => unknown,
  run: () => Promise<T>,
  { recordNow }: { recordNow: boolean },
): Promise<T> {
  const ctx = Context.current();
  if (recordNow) ctx.heartbeat(details());
  const timer = setInterval(() => ctx.heartbeat(details()), HEARTBEAT_EVERY_MS);
  try {
    return await run();
  } finally {
    clearInterval(timer);
  }
}
