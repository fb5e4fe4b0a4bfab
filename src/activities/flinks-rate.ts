// How FLINKS_MAX_RPS (HTTP requests a second to Flinks, for the whole fleet) becomes Temporal limits.
//
// Temporal can only limit activities, fleet-wide (`maxTaskQueueActivitiesPerSecond`, enforced by the server for
// every worker polling the Flinks queue). One Flinks activity sends up to three requests back to back
// (GenerateAuthorizeToken, Authorize, the first data call); after that, only polls of a data call that answered
// 202, one per FLINKS_POLL_INTERVAL (10 s). So:
//   - the queue starts at most FLINKS_MAX_RPS / 3 activities a second: their opening bursts fit the budget
//     however many workers run;
//   - each process's Flinks client also lets at most FLINKS_MAX_RPS requests a second through, polls included,
//     so with one Flinks worker process the bound is strict;
//   - with N processes, polls are the only traffic outside the server-side budget: at most
//     N × FLINKS_MAX_CONCURRENCY / poll interval (1 request a second per process with the defaults).

/** The requests one Flinks activity may send within its first second. */
export const FLINKS_REQUESTS_PER_ACTIVITY = 3;

/** The Flinks task queue's server-side activity rate for a fleet-wide budget of `maxRps` requests a second. */
export function flinksActivitiesPerSecond(maxRps: number): number {
  return maxRps / FLINKS_REQUESTS_PER_ACTIVITY;
}
