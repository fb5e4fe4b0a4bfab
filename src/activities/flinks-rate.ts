// How FLINKS_MAX_RPS (HTTP requests a second to Flinks, for the whole fleet) becomes limits. Pure: no Temporal here.
//
// Temporal limits activities, not requests, and one Flinks activity sends up to three requests back to back
// (GenerateAuthorizeToken, Authorize, the first data call), then a poll every FLINKS_POLL_INTERVAL while a data
// call answers 202. Its server-side task-queue limit is also a token bucket that spends about a second's worth at
// once after an idle spell. So the strict bound is per request, in each process, and the processes share it:
//   - every process that polls the Flinks queue lets at most floor(FLINKS_MAX_RPS / N) requests start in any
//     sliding second, polls included, where N is the number of processes polling that queue or the fleet's
//     presence queue (Temporal lists them: DescribeTaskQueue). The shares add up to at most FLINKS_MAX_RPS;
//   - each process keeps a poll open on the presence queue at all times (src/temporal/flinks-fleet.ts): the SDK
//     polls the Flinks queue only while it has a free slot, so a process whose slots are all busy (its activities
//     still sending) would otherwise look gone after `staleAfterMs`;
//   - a process trusts what it counted for `fleetViewTrustMs` after asking; past that (the listing keeps failing) it
//     knows nothing of who joined meanwhile and sends at most FLEET_FLOOR_RPS, which the fleet can afford as long as
//     it has no more processes than FLINKS_MAX_RPS (the rule that already stands, see fleetOversubscribed);
//   - a process that joins a running fleet sends nothing for `fleetWarmupMs` after it is listed: by then every other
//     process has counted it or distrusts its own view, and the window of its old share has drained, so no second
//     ever sees an old share and a new one added up;
//   - a process that leaves is counted until its last poll is `staleAfterMs` old: its share is lost for that
//     long, never exceeded. One the server forgets (its poller history is in memory) is counted as long. One
//     whose presence polls keep failing stops sending before the others can drop it;
//   - the queue's server-side limit, FLINKS_MAX_RPS / 3 activities a second, keeps the backlog in Temporal rather
//     than in the workers' memory.

/** The requests one Flinks activity may send within its first second. */
export const FLINKS_REQUESTS_PER_ACTIVITY = 3;

/** The Flinks task queue's server-side activity rate for a fleet-wide budget of `maxRps` requests a second. */
export function flinksActivitiesPerSecond(maxRps: number): number {
  return maxRps / FLINKS_REQUESTS_PER_ACTIVITY;
}

export interface FleetTiming {
  /** How often each process lists the pollers (and how long one listing may take). */
  refreshMs: number;
  /** A poller whose last poll is this much older than the newest one has left (a live one polls every 10-60 s). */
  staleAfterMs: number;
  /** A process that never sees itself listed (a server that lists some partitions only) joins after this long. */
  joinAnywayAfterMs: number;
}

export const FLEET_TIMING: FleetTiming = {
  refreshMs: 5_000,
  staleAfterMs: 120_000,
  joinAnywayAfterMs: 30_000,
};

/** What a process that does not know its fleet may send a second: safe for a fleet of up to FLINKS_MAX_RPS processes. */
export const FLEET_FLOOR_RPS = 1;

/**
 * How long a count stands after the look that made it was asked: one failed look and one slow one. A count is a
 * lower bound on the fleet as of the asking; a process that joins later is listed after it, and waits longer.
 */
export function fleetViewTrustMs(timing: FleetTiming): number {
  return 2 * timing.refreshMs + 1_000;
}

/** How long a joining process waits after it is listed: every other count from before has expired, its window drained. */
export function fleetWarmupMs(timing: FleetTiming): number {
  return fleetViewTrustMs(timing) + 1_000;
}

/**
 * How long after its latest recorded presence poll began a process may still send: the others drop it once that
 * poll is `staleAfterMs` old, and its last second's requests must be out of the window by then.
 */
export function fleetPresenceLapseMs(timing: FleetTiming): number {
  return timing.staleAfterMs - 2_000;
}

/** One poller of the Flinks queue (or of the fleet's presence queue) as Temporal lists it. */
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
  /** When the latest look that counted `members` (this process included) was asked; null: never. */
  countedAtMs: number | null;
  /** When this process's latest presence poll that the server answered began; null: none yet. */
  announcedAtMs: number | null;
  /**
   * Each identity a look listed live, with when (local time). One that a later list lacks altogether (the server
   * lost its poller history: a restart, a task-queue partition moved to another host) is counted until it would
   * have gone stale; one listed stale has left.
   */
  seenLiveAtMs: Readonly<Record<string, number>>;
}

export const NEW_FLEET_VIEW: FleetView = {
  members: 1,
  joinedAtMs: null,
  holdUntilMs: 0,
  firstLookAtMs: null,
  countedAtMs: null,
  announcedAtMs: null,
  seenLiveAtMs: {},
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

/**
 * The view after one look at the queues' pollers (`pollers` null: the look failed, the count stands until it
 * expires). `atMs` is when the answer came, `askedAtMs` when the look was sent (default `atMs`).
 */
export function observeFleet(
  view: FleetView,
  look: { self: string; pollers: readonly FleetPoller[] | null; atMs: number; askedAtMs?: number },
  timing: FleetTiming = FLEET_TIMING,
): FleetView {
  const firstLookAtMs = view.firstLookAtMs ?? look.atMs;
  const live = look.pollers === null ? null : livePollers(look.pollers, timing.staleAfterMs);
  const joinNow =
    view.joinedAtMs === null &&
    ((live?.has(look.self) ?? false) || look.atMs - firstLookAtMs >= timing.joinAnywayAfterMs);
  const counted = live !== null && (view.joinedAtMs !== null || joinNow);
  let seenLiveAtMs = view.seenLiveAtMs;
  if (live !== null && look.pollers !== null) {
    const listed = new Set(look.pollers.map((p) => p.identity));
    const missing = Object.entries(view.seenLiveAtMs).filter(
      ([identity, atMs]) => !listed.has(identity) && look.atMs - atMs < timing.staleAfterMs,
    );
    seenLiveAtMs = Object.fromEntries([...missing, ...[...live].map((identity) => [identity, look.atMs])]);
    for (const [identity] of missing) live.add(identity);
  }
  if (counted) live.add(look.self);
  const next: FleetView = {
    ...view,
    firstLookAtMs,
    members: live === null ? view.members : Math.max(1, live.size),
    countedAtMs: counted ? (look.askedAtMs ?? look.atMs) : view.countedAtMs,
    seenLiveAtMs,
  };
  if (!joinNow) return next;
  // Listed alone, it needs no warm-up: a process that starts later sees this one and waits for it instead.
  // Beside others, or joining without a list, it waits.
  const alone = counted && next.members === 1;
  return {
    ...next,
    joinedAtMs: look.atMs,
    holdUntilMs: alone ? look.atMs : look.atMs + fleetWarmupMs(timing),
  };
}

/** The view after a presence poll that began at `startedAtMs` was answered: the server recorded it then. */
export function observePresence(view: FleetView, startedAtMs: number): FleetView {
  return { ...view, announcedAtMs: Math.max(view.announcedAtMs ?? startedAtMs, startedAtMs) };
}

/**
 * - joining, warming-up: not (yet) counted by the others; sends nothing.
 * - counted: sends its share of the budget.
 * - fleet-unknown: its count has expired (the listing fails); sends FLEET_FLOOR_RPS.
 * - presence-lost: the others may have dropped it (its presence polls fail); sends nothing.
 */
export type FleetState = 'joining' | 'warming-up' | 'counted' | 'fleet-unknown' | 'presence-lost';

export function fleetState(view: FleetView, nowMs: number, timing: FleetTiming = FLEET_TIMING): FleetState {
  if (view.joinedAtMs === null) return 'joining';
  if (nowMs < view.holdUntilMs) return 'warming-up';
  if (view.announcedAtMs !== null && nowMs >= view.announcedAtMs + fleetPresenceLapseMs(timing)) {
    return 'presence-lost';
  }
  if (view.countedAtMs === null || nowMs >= view.countedAtMs + fleetViewTrustMs(timing))
    return 'fleet-unknown';
  return 'counted';
}

/** The next instant after `nowMs` at which `fleetState` changes with no new look or presence poll; null: none. */
export function fleetStateChangesAtMs(
  view: FleetView,
  nowMs: number,
  timing: FleetTiming = FLEET_TIMING,
): number | null {
  const instants = [
    view.holdUntilMs,
    view.countedAtMs === null ? null : view.countedAtMs + fleetViewTrustMs(timing),
    view.announcedAtMs === null ? null : view.announcedAtMs + fleetPresenceLapseMs(timing),
  ].filter((t): t is number => t !== null && t > nowMs);
  return instants.length > 0 ? Math.min(...instants) : null;
}

/** Requests this process may start in any sliding second now (see FleetState). */
export function fleetShare(
  view: FleetView,
  maxRps: number,
  nowMs: number,
  timing: FleetTiming = FLEET_TIMING,
): number {
  switch (fleetState(view, nowMs, timing)) {
    case 'counted':
      return Math.max(1, Math.floor(maxRps / view.members));
    case 'fleet-unknown':
      return FLEET_FLOOR_RPS;
    default:
      return 0;
  }
}

/** True when the fleet is too large for a strict bound: each process keeps 1 request a second. */
export function fleetOversubscribed(view: FleetView, maxRps: number): boolean {
  return Math.floor(maxRps / view.members) < 1;
}
