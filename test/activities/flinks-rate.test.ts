// The fleet's shares of FLINKS_MAX_RPS (pure): who counts whom, the joining warm-up, what a process sends when it
// cannot count, and a seeded simulation of processes joining, leaving, busy, and failing to list or announce while
// each sends as fast as its share allows.
import {
  FLEET_FLOOR_RPS,
  FLEET_TIMING,
  type FleetPoller,
  type FleetView,
  fleetOversubscribed,
  fleetPresenceLapseMs,
  fleetShare,
  fleetState,
  fleetStateChangesAtMs,
  fleetViewTrustMs,
  fleetWarmupMs,
  livePollers,
  NEW_FLEET_VIEW,
  observeFleet,
  observePresence,
} from '../../src/activities/flinks-rate';
import { PRESENCE_POLL_MS } from '../../src/temporal/flinks-fleet';
import { Prng } from '../../src/simulator/random';

const poller = (identity: string, lastAccessMs: number | null = 1_000): FleetPoller => ({
  identity,
  lastAccessMs,
});
const look = (view: FleetView, atMs: number, pollers: FleetPoller[] | null, self = 'me') =>
  observeFleet(view, { self, pollers, atMs });

describe('observeFleet and fleetShare', () => {
  test('nothing is sent before this process sees itself listed; alone, it then has the whole budget', () => {
    const unseen = look(NEW_FLEET_VIEW, 0, []);
    expect(fleetShare(unseen, 12, 0)).toBe(0);
    const alone = look(unseen, 250, [poller('me')]);
    expect(alone).toMatchObject({ members: 1, joinedAtMs: 250, holdUntilMs: 250 });
    expect(fleetShare(alone, 12, 250)).toBe(12);
  });

  test('joining a running fleet waits until the others have counted it, then takes its share', () => {
    const joined = look(NEW_FLEET_VIEW, 0, [poller('me'), poller('a'), poller('b')]);
    expect(joined.holdUntilMs).toBe(fleetWarmupMs(FLEET_TIMING));
    expect(fleetShare(joined, 12, joined.holdUntilMs - 1)).toBe(0);
    // The count was made at 0 and has expired by the time the warm-up ends: the next look renews it.
    const renewed = look(joined, joined.holdUntilMs, [poller('me'), poller('a'), poller('b')]);
    expect(fleetShare(renewed, 12, renewed.holdUntilMs)).toBe(4);
  });

  test('a member that sees a newcomer lowers its share at once; one that sees it leave raises it', () => {
    const alone = look(NEW_FLEET_VIEW, 0, [poller('me')]);
    const two = look(alone, 5_000, [poller('me'), poller('new')]);
    expect(fleetShare(two, 12, 5_000)).toBe(6);
    const gone = look(two, 400_000, [poller('me', 400_000), poller('new', 5_000)]);
    expect(fleetShare(gone, 12, 400_000)).toBe(12);
  });

  test('staleness is measured against the newest poll (server time); an unknown poll time counts as live', () => {
    const staleAfter = FLEET_TIMING.staleAfterMs;
    const live = livePollers(
      [
        poller('me', 500_000),
        poller('fresh', 500_000 - staleAfter),
        poller('old', 499_999 - staleAfter),
        poller('x', null),
      ],
      staleAfter,
    );
    expect([...live].sort()).toEqual(['fresh', 'me', 'x']);
  });

  test('a busy process stays counted: its stale Flinks-queue poll is outlived by its presence poll', () => {
    // The SDK stops polling the Flinks queue while every slot is busy; the presence poll goes on.
    const now = 500_000;
    const listed = [
      poller('me', now),
      poller('busy', now - 300_000),
      poller('busy', now - 5_000),
      poller('gone', now - 300_000),
    ];
    expect([...livePollers(listed, FLEET_TIMING.staleAfterMs)].sort()).toEqual(['busy', 'me']);
    const alone = look(NEW_FLEET_VIEW, 0, [poller('me', 0)]);
    expect(fleetShare(look(alone, now, listed), 12, now)).toBe(6);
  });

  test('a server that forgot its pollers (restart, partition moved): the missing are counted until they would be stale', () => {
    const three = look(NEW_FLEET_VIEW, 0, [poller('me', 0), poller('a', 0), poller('b', 0)]);
    // Only this process has polled since: a and b are not listed at all.
    const forgotten = look(three, 5_000, [poller('me', 5_000)]);
    expect(forgotten.members).toBe(3);
    const later = look(forgotten, FLEET_TIMING.staleAfterMs - 1, [poller('me', FLEET_TIMING.staleAfterMs)]);
    expect(later.members).toBe(3);
    expect(look(later, FLEET_TIMING.staleAfterMs, [poller('me', FLEET_TIMING.staleAfterMs)]).members).toBe(1);
    // Listed stale, a process has left: no memory keeps it.
    expect(look(three, 5_000, [poller('me', 200_000), poller('a', 0), poller('b', 200_000)]).members).toBe(2);
  });

  test('a failed look keeps the count until it expires; a process never listed joins after joinAnywayAfterMs, warming up', () => {
    const failing = look(look(NEW_FLEET_VIEW, 0, null), 1_000, null);
    expect(failing).toMatchObject({ joinedAtMs: null, firstLookAtMs: 0 });
    const unlisted = look(failing, FLEET_TIMING.joinAnywayAfterMs, [poller('a')]);
    expect(unlisted).toMatchObject({ members: 2, joinedAtMs: FLEET_TIMING.joinAnywayAfterMs });
    expect(fleetShare(unlisted, 12, unlisted.holdUntilMs - 1)).toBe(0);
    const counted = look(unlisted, unlisted.holdUntilMs, [poller('a'), poller('me')]);
    expect(fleetShare(counted, 12, unlisted.holdUntilMs)).toBe(6);
    // Was: a process that could never list the pollers took the whole FLINKS_MAX_RPS after 30 s, fail-open, though
    // any number of others may be sending. Now it warms up like any joiner and then sends the floor, which a fleet of
    // up to FLINKS_MAX_RPS processes can afford.
    const stillFailing = look(failing, FLEET_TIMING.joinAnywayAfterMs, null);
    expect(stillFailing.joinedAtMs).toBe(FLEET_TIMING.joinAnywayAfterMs);
    expect(fleetShare(stillFailing, 12, stillFailing.holdUntilMs - 1)).toBe(0);
    expect(fleetState(stillFailing, stillFailing.holdUntilMs)).toBe('fleet-unknown');
    expect(fleetShare(stillFailing, 12, stillFailing.holdUntilMs)).toBe(FLEET_FLOOR_RPS);
  });

  test('a count stands for fleetViewTrustMs after its look was asked, then the floor until a look succeeds', () => {
    const askedAtMs = 10_000;
    const three = observeFleet(look(NEW_FLEET_VIEW, 0, [poller('me')]), {
      self: 'me',
      pollers: [poller('me'), poller('a'), poller('b')],
      atMs: askedAtMs + 300,
      askedAtMs,
    });
    const expiresAt = askedAtMs + fleetViewTrustMs(FLEET_TIMING);
    expect(fleetStateChangesAtMs(three, askedAtMs + 300)).toBe(expiresAt);
    // Looks keep failing (DescribeTaskQueue unavailable): the count stands, then expires.
    let view = three;
    for (let t = askedAtMs + 5_000; t < askedAtMs + 600_000; t += 5_000) view = look(view, t, null);
    expect(fleetShare(view, 12, expiresAt - 1)).toBe(4);
    expect(fleetState(view, expiresAt)).toBe('fleet-unknown');
    expect(fleetShare(view, 12, expiresAt)).toBe(FLEET_FLOOR_RPS);
    expect(fleetShare(view, 12, askedAtMs + 600_000)).toBe(FLEET_FLOOR_RPS);
    const back = look(view, askedAtMs + 600_000, [poller('me'), poller('a')]);
    expect(fleetShare(back, 12, askedAtMs + 600_000)).toBe(6);
  });

  test('a process whose presence polls stop being answered sends nothing before the others can drop it', () => {
    const counted = observePresence(look(NEW_FLEET_VIEW, 0, [poller('me'), poller('a')]), 0);
    const lapse = fleetPresenceLapseMs(FLEET_TIMING);
    expect(lapse).toBeLessThan(FLEET_TIMING.staleAfterMs - 1_000);
    let view = counted;
    for (let t = 5_000; t <= lapse + 5_000; t += 5_000) view = look(view, t, [poller('me'), poller('a')]);
    expect(fleetShare(view, 12, lapse - 1)).toBe(6);
    expect(fleetState(view, lapse)).toBe('presence-lost');
    expect(fleetShare(view, 12, lapse)).toBe(0);
    expect(fleetShare(observePresence(view, lapse), 12, lapse + 5_000)).toBe(6);
  });

  test('more processes than the budget: each keeps 1 request a second, and the view says it is oversubscribed', () => {
    const crowd = look(
      NEW_FLEET_VIEW,
      0,
      ['me', 'a', 'b', 'c'].map((id) => poller(id)),
    );
    const counted = look(
      crowd,
      crowd.holdUntilMs,
      ['me', 'a', 'b', 'c'].map((id) => poller(id)),
    );
    expect(fleetShare(counted, 3, crowd.holdUntilMs)).toBe(1);
    expect(fleetOversubscribed(crowd, 3)).toBe(true);
    expect(fleetOversubscribed(crowd, 4)).toBe(false);
  });
});

/** What goes wrong in a simulated fleet, drawn per process from its own seeded stream. */
interface Troubles {
  /** Some processes' slots are all busy from a seeded instant on: their Flinks-queue polls stop, they keep sending. */
  busy?: boolean;
  /** Some processes' listings fail from a seeded instant, for a while or for good (all of them: `allListingsFail`). */
  listingsFail?: boolean;
  allListingsFail?: boolean;
  /** Some busy processes' presence polls stop being answered from a seeded instant on. */
  announcesFail?: boolean;
  /** The server forgets every poller at seeded instants (a restart, a partition moved): only later polls are listed. */
  historyLost?: boolean;
  /** Presence polls modelled (false: the fleet as it was before them, to show what they are for). */
  presence?: boolean;
}

/**
 * Processes join (their first polls are listed from then on) and leave at seeded times; each looks at the list every
 * refreshMs from a seeded phase, the look taking up to `lookLatencyMs`, and sends as fast as its share allows in a
 * sliding second (the RateLimiter's rule). Every sliding second of the fleet's requests must fit the budget.
 */
function simulateFleet(
  seed: number,
  troubles: Troubles = {},
): { peak: number; sent: number; maxRps: number } {
  const rng = new Prng(seed);
  const trouble = new Prng(seed + 1_000_003);
  const maxRps = rng.int(6, 40); // at least one request a second for each of up to 6 processes
  const stepMs = 10;
  const endMs = troubles.busy || troubles.announcesFail || troubles.historyLost ? 330_000 : 120_000;
  const lookLatencyMs = 200;
  const never = Number.POSITIVE_INFINITY;
  const presence = troubles.presence ?? true;
  const losses = troubles.historyLost ? [trouble.int(20_000, 150_000), trouble.int(150_000, 300_000)] : [];
  /** Since when the server remembers the polls it lists at `atMs`. */
  const remembersFrom = (atMs: number): number => Math.max(0, ...losses.filter((at) => at <= atMs));
  interface Process {
    id: string;
    polledFromMs: number;
    leavesAtMs: number;
    nextLookMs: number;
    view: FleetView;
    starts: number[];
    /** The first of `starts` within the last second. */
    inWindow: number;
    /** From then on its Flinks-queue poll is not renewed (every slot busy). */
    busyFromMs: number;
    /** Its looks fail in [from, until). */
    listingFails: { from: number; until: number };
    /** Its presence polls that start from then on are not answered. */
    announcesFailFromMs: number;
    /** The end of its presence poll in flight: it is answered (or not) then. */
    nextAnnounceMs: number;
  }
  const processes: Process[] = Array.from({ length: rng.int(1, 6) }, (_, i) => {
    const polledFromMs = rng.chance(0.5) ? 0 : rng.int(0, 60_000);
    const busy = troubles.busy === true && trouble.chance(0.5);
    const failFrom = trouble.int(0, 90_000);
    const listingFails =
      troubles.allListingsFail === true
        ? { from: failFrom, until: never }
        : troubles.listingsFail === true && trouble.chance(0.5)
          ? { from: failFrom, until: trouble.chance(0.5) ? never : failFrom + trouble.int(1_000, 40_000) }
          : { from: never, until: never };
    return {
      id: `p${i}`,
      polledFromMs,
      leavesAtMs: rng.chance(0.3) ? rng.int(polledFromMs + 1_000, 120_000) : endMs + 1,
      nextLookMs: polledFromMs + rng.int(0, 250),
      view: NEW_FLEET_VIEW,
      starts: [],
      inWindow: 0,
      busyFromMs: busy ? polledFromMs + trouble.int(0, 30_000) : never,
      listingFails,
      announcesFailFromMs:
        busy && troubles.announcesFail === true ? polledFromMs + trouble.int(0, 60_000) : never,
      nextAnnounceMs: polledFromMs + PRESENCE_POLL_MS,
    };
  });
  /** The server records a presence poll when it starts (and again when it ends, as the next one starts). */
  const lastPresenceMs = (p: Process, atMs: number): number => {
    const until = Math.min(atMs, p.leavesAtMs, p.announcesFailFromMs);
    return p.polledFromMs + Math.floor((until - p.polledFromMs) / PRESENCE_POLL_MS) * PRESENCE_POLL_MS;
  };
  const fleetStarts: number[] = [];
  let peak = 0;
  for (let t = 0; t <= endMs; t += stepMs) {
    for (const p of processes) {
      if (t < p.polledFromMs || t >= p.leavesAtMs) continue;
      if (presence && t >= p.nextAnnounceMs) {
        const startedAtMs = p.nextAnnounceMs - PRESENCE_POLL_MS;
        if (startedAtMs < p.announcesFailFromMs) p.view = observePresence(p.view, startedAtMs);
        p.nextAnnounceMs += PRESENCE_POLL_MS;
      }
      if (t >= p.nextLookMs) {
        // The list is as of the look's start, minus what the server has not seen yet; the answer lands later.
        const seenAt = t - rng.int(0, lookLatencyMs);
        const failed = t >= p.listingFails.from && t < p.listingFails.until;
        const listed = processes.filter((q) => q.polledFromMs <= seenAt);
        const pollers = failed
          ? null
          : [
              ...listed.map((q) => poller(q.id, Math.min(seenAt, q.leavesAtMs, q.busyFromMs))),
              ...(presence ? listed.map((q) => poller(q.id, lastPresenceMs(q, seenAt))) : []),
            ].filter((p) => (p.lastAccessMs as number) >= remembersFrom(seenAt));
        p.view = observeFleet(p.view, { self: p.id, pollers, atMs: t, askedAtMs: seenAt });
        p.nextLookMs = t + (p.view.joinedAtMs === null ? 250 : FLEET_TIMING.refreshMs);
      }
      const share = fleetShare(p.view, maxRps, t);
      while (p.inWindow < p.starts.length && (p.starts[p.inWindow] as number) <= t - 1_000) p.inWindow += 1;
      // Requests wait in a queue: a process sends as soon as its window has room (a busy one too: its activities
      // keep polling Flinks).
      while (p.starts.length - p.inWindow < share) {
        p.starts.push(t);
        fleetStarts.push(t);
      }
    }
    while (fleetStarts.length > 0 && (fleetStarts[0] as number) <= t - 1_000) fleetStarts.shift();
    peak = Math.max(peak, fleetStarts.length);
  }
  return { peak, sent: processes.reduce((n, p) => n + p.starts.length, 0), maxRps };
}

/** The seeds (of 1..`seeds`) whose fleet exceeded its budget in some sliding second; `first`: stop at one. */
function overBudget(
  troubles: Troubles,
  { seeds = 40, first = false }: { seeds?: number; first?: boolean } = {},
): { seed: number; peak: number; maxRps: number }[] {
  const over = [];
  for (let seed = 1; seed <= seeds && !(first && over.length > 0); seed++) {
    const { peak, maxRps } = simulateFleet(seed, troubles);
    if (peak > maxRps) over.push({ seed, peak, maxRps });
  }
  return over;
}

test('seeded fleets joining and leaving never exceed the budget in any sliding second', () => {
  expect(overBudget({}, { seeds: 60 })).toEqual([]);
});

test('DescribeTaskQueue failing, for a while or for good, for some processes or all: never over the budget', () => {
  expect(overBudget({ listingsFail: true })).toEqual([]);
  expect(overBudget({ allListingsFail: true })).toEqual([]);
});

test('processes whose slots are all busy for minutes stay counted: never over the budget', () => {
  expect(overBudget({ busy: true, listingsFail: true })).toEqual([]);
  // Counted by their Flinks-queue polls alone, as before the presence polls, the same fleets go over.
  expect(overBudget({ busy: true, presence: false }, { first: true })).not.toEqual([]);
});

test('a server losing its poller history while processes are busy: never over the budget', () => {
  expect(overBudget({ busy: true, historyLost: true })).toEqual([]);
});

test('busy processes whose presence polls stop being answered stop sending first: never over the budget', () => {
  expect(overBudget({ busy: true, announcesFail: true })).toEqual([]);
});
