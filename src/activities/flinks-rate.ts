// How FLINKS_MAX_RPS (HTTP requests a second to Flinks, for the whole fleet) becomes Temporal limits.
//
// Temporal limits activities, not requests. One Flinks activity sends up to three requests back to back
// (GenerateAuthorizeToken, Authorize, the first data call); after that only polls of a data call that answered
// 202, one per FLINKS_POLL_INTERVAL (10 s). Two limits together:
//   - server side, shared by every worker polling the Flinks queue: FLINKS_MAX_RPS / 3 activities a second.
//     That keeps the fleet's sustained rate within the budget however many workers run. It is a token bucket:
//     when the queue wakes from idle it may also spend about one second's worth at once (at least one task per
//     task-queue partition), so in the first second of a burst several processes together can exceed the budget;
//   - in each process, the Flinks client lets at most FLINKS_MAX_RPS requests start in any sliding second,
//     polls included. With one Flinks worker process the bound is therefore strict at every instant.
// Running one Flinks worker process (concurrency, not processes, gives it throughput) keeps the strict bound;
// with several, leave the first second's burst allowance as headroom below Flinks' real limit.

/** The requests one Flinks activity may send within its first second. */
export const FLINKS_REQUESTS_PER_ACTIVITY = 3;

/** The Flinks task queue's server-side activity rate for a fleet-wide budget of `maxRps` requests a second. */
export function flinksActivitiesPerSecond(maxRps: number): number {
  return maxRps / FLINKS_REQUESTS_PER_ACTIVITY;
}
