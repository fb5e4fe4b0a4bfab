// Long Flinks calls (a sync data call may take minutes) keep heartbeating, so a dead worker is noticed
// within the heartbeat timeout while a slow bank is not mistaken for one.
import { Context } from '@temporalio/activity';

const HEARTBEAT_EVERY_MS = 10_000;

export async function withHeartbeats<T>(details: () => unknown, run: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat(details());
  const timer = setInterval(() => ctx.heartbeat(details()), HEARTBEAT_EVERY_MS);
  try {
    return await run();
  } finally {
    clearInterval(timer);
  }
}
