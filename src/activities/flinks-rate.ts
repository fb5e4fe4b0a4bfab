// How FLINKS_MAX_RPS (HTTP requests a second to Flinks, for the whole fleet) becomes limits. Pure: no Temporal here.
//
// Temporal limits activities, not requests, and one Flinks activity sends up to three requests back to back
// (GenerateAuthorizeToken, Authorize, the first data call), then a poll every FLINKS_POLL_INTERVAL while a data
// call answers 202. Its server-side task-queue limit is also a token bucket that spends about a second's worth at
// once after an idle spell. So the strict bound is per request, in each process, and the processes share it:
//   - every process that polls the Flinks queue lets at most floor(FLINKS_MAX_RPS / N) requests start in any
//     sliding second, polls included, where N is the number of processes polling that queue (Temporal lists
//     them: DescribeTaskQueue). The shares add up to at most FLINKS_MAX_RPS at every instant;
//   - a process that joins a running fleet sends nothing until the others have counted it (a warm-up of two
//     refreshes and one window), so no second ever sees an old share and a new one added up;
//   - a process that leaves is counted until its last poll is `staleAfterMs` old: its share is lost for that
//     long, never exceeded;
//   - the queue's server-side limit, FLINKS_MAX_RPS / 3 activities a second, keeps the backlog in Temporal rather
//     than in the workers' memory.

/** The requests one Flinks activity may send within its first second. */
export const FLINKS_REQUESTS_PER_ACTIVITY = 3;

/** The Flinks task queue's server-side activity rate for a fleet-wide budget of `maxRps` requests a second. */
export function flinksActivitiesPerSecond(maxRps: number): number {
  return maxRps / FLINKS_REQUESTS_PER_ACTIVITY;
}

export interface FleetTiming {
  /** How often each process lists the Flinks queue's pollers. */
  refreshMs: number;
  /** A poller whose last poll is this much older than the newest one has left (a live one polls every minute). */
  staleAfterMs: number;
  /** A process that never sees itself listed (a server that lists some partitions only) joins after this long. */
  joinAnywayAfterMs: number;
}

export const FLEET_TIMING: FleetTiming = {
  refreshMs: 5_000,
  staleAfterMs: 120_000,
  joinAnywayAfterMs: 30_000,
};

/** How long a joining process waits: every other process refreshes at least once, and its window drains. */
export function fleetWarmupMs(timing: FleetTiming): number {
  return 2 * timing.refreshMs + 1_000;
}

/** One poller of the Flinks queue as Temporal lists it. */
export interface FleetPoller {
  identity: string;
  /** Server time of its latest poll; null when the server did not say (counted as live). */
  lastAccessMs: number | null;
}

/** What one process knows of the fleet polling the Flinks queue. */
export interface FleetView {
  /** Processes polling the Flinks queue, this one included once it has joined. */
  members: number;
  /** When this process joined (saw itself listed); it sends nothing before. */
  joinedAtMs: number | null;
  /** It sends nothing before this instant either: the processes already there must count it first. */
  holdUntilMs: number;
  /** Local time of its first look, for `joinAnywayAfterMs`. */
  firstLookAtMs: number | null;
}

export const NEW_FLEET_VIEW: FleetView = {
  members: 1,
  joinedAtMs: null,
  holdUntilMs: 0,
  firstLookAtMs: null,
};

/** The live identities among `pollers`: staleness is measured against the newest poll (server time, no skew). */
export function livePollers(pollers: readonly FleetPoller[], staleAfterMs: number): Set<string> {
  const times = pollers.map((p) => p.lastAccessMs).filter((t): t is number => t !== null);
  const newest = times.length > 0 ? Math.max(...times) : 0;
  return new Set(
    pollers
      .filter((p) => p.lastAccessMs === null || p.lastAccessMs >= newest - staleAfterMs)
      .map((p) => p.identity),
  );
}

/** The view after one look at the queue's pollers (`pollers` null: the look failed, the fleet's size stands). */
export function observeFleet(
  view: FleetView,
  look: { self: string; pollers: readonly FleetPoller[] | null; atMs: number },
  timing: FleetTiming = FLEET_TIMING,
): FleetView {
  const firstLookAtMs = view.firstLookAtMs ?? look.atMs;
  const live = look.pollers === null ? null : livePollers(look.pollers, timing.staleAfterMs);
  const joinNow =
    view.joinedAtMs === null &&
    ((live?.has(look.self) ?? false) || look.atMs - firstLookAtMs >= timing.joinAnywayAfterMs);
  if (live !== null && (view.joinedAtMs !== null || joinNow)) live.add(look.self);
  const next = { ...view, firstLookAtMs, members: live === null ? view.members : Math.max(1, live.size) };
  if (!joinNow) return next;
  // Joining alone needs no warm-up: a process that starts later sees this one and waits for it instead.
  return {
    ...next,
    joinedAtMs: look.atMs,
    holdUntilMs: next.members > 1 ? look.atMs + fleetWarmupMs(timing) : look.atMs,
  };
}

/** Requests this process may start in any sliding second now: 0 until it has joined and warmed up. */
export function fleetShare(view: FleetView, maxRps: number, nowMs: number): number {
  if (view.joinedAtMs === null || nowMs < view.holdUntilMs) return 0;
  return Math.max(1, Math.floor(maxRps / view.members));
}

/** True when the fleet is too large for a strict bound: each process keeps 1 request a second. */
export function fleetOversubscribed(view: FleetView, maxRps: number): boolean {
  return Math.floor(maxRps / view.members) < 1;
}
