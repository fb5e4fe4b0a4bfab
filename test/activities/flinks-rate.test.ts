// The fleet's shares of FLINKS_MAX_RPS (pure): who counts whom, the joining warm-up, and a seeded simulation of
// processes joining and leaving while each sends as fast as its share allows.
import {
  FLEET_TIMING,
  type FleetPoller,
  type FleetView,
  fleetOversubscribed,
  fleetShare,
  fleetWarmupMs,
  livePollers,
  NEW_FLEET_VIEW,
  observeFleet,
} from '../../src/activities/flinks-rate';
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
    expect(fleetShare(joined, 12, joined.holdUntilMs)).toBe(4);
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

  test('a failed look keeps the view; a process never listed joins after joinAnywayAfterMs, warming up', () => {
    const failing = look(look(NEW_FLEET_VIEW, 0, null), 1_000, null);
    expect(failing).toMatchObject({ joinedAtMs: null, firstLookAtMs: 0 });
    const unlisted = look(failing, FLEET_TIMING.joinAnywayAfterMs, [poller('a')]);
    expect(unlisted).toMatchObject({ members: 2, joinedAtMs: FLEET_TIMING.joinAnywayAfterMs });
    expect(fleetShare(unlisted, 12, unlisted.holdUntilMs)).toBe(6);
    const stillFailing = look(failing, FLEET_TIMING.joinAnywayAfterMs, null);
    expect(stillFailing.joinedAtMs).toBe(FLEET_TIMING.joinAnywayAfterMs);
    expect(fleetShare(stillFailing, 12, FLEET_TIMING.joinAnywayAfterMs)).toBe(12);
  });

  test('more processes than the budget: each keeps 1 request a second, and the view says it is oversubscribed', () => {
    const crowd = look(
      NEW_FLEET_VIEW,
      0,
      ['me', 'a', 'b', 'c'].map((id) => poller(id)),
    );
    expect(fleetShare(crowd, 3, crowd.holdUntilMs)).toBe(1);
    expect(fleetOversubscribed(crowd, 3)).toBe(true);
    expect(fleetOversubscribed(crowd, 4)).toBe(false);
  });
});

/**
 * Processes join (their first poll is listed from then on) and leave at seeded times; each looks at the list every
 * refreshMs from a seeded phase, the look taking up to `lookLatencyMs`, and sends as fast as its share allows in a
 * sliding second (the RateLimiter's rule). Every sliding second of the fleet's requests must fit the budget.
 */
function simulateFleet(seed: number): { peak: number; sent: number; maxRps: number } {
  const rng = new Prng(seed);
  const maxRps = rng.int(6, 40); // at least one request a second for each of up to 6 processes
  const stepMs = 10;
  const endMs = 120_000;
  const lookLatencyMs = 200;
  interface Process {
    id: string;
    polledFromMs: number;
    leavesAtMs: number;
    nextLookMs: number;
    view: FleetView;
    starts: number[];
  }
  const processes: Process[] = Array.from({ length: rng.int(1, 6) }, (_, i) => {
    const polledFromMs = rng.chance(0.5) ? 0 : rng.int(0, 60_000);
    return {
      id: `p${i}`,
      polledFromMs,
      leavesAtMs: rng.chance(0.3) ? rng.int(polledFromMs + 1_000, endMs) : endMs + 1,
      nextLookMs: polledFromMs + rng.int(0, 250),
      view: NEW_FLEET_VIEW,
      starts: [],
    };
  });
  const fleetStarts: number[] = [];
  let peak = 0;
  for (let t = 0; t <= endMs; t += stepMs) {
    for (const p of processes) {
      if (t < p.polledFromMs || t >= p.leavesAtMs) continue;
      if (t >= p.nextLookMs) {
        // The list is as of the look's start, minus what the server has not seen yet; the answer lands later.
        const seenAt = t - rng.int(0, lookLatencyMs);
        const pollers = processes
          .filter((q) => q.polledFromMs <= seenAt)
          .map((q) => poller(q.id, Math.min(seenAt, q.leavesAtMs)));
        p.view = observeFleet(p.view, { self: p.id, pollers, atMs: t });
        p.nextLookMs = t + (p.view.joinedAtMs === null ? 250 : FLEET_TIMING.refreshMs);
      }
      const share = fleetShare(p.view, maxRps, t);
      p.starts = p.starts.filter((s) => s > t - 1_000);
      // Requests wait in a queue: a process sends as soon as its window has room.
      while (p.starts.length < share) {
        p.starts.push(t);
        fleetStarts.push(t);
      }
    }
    while (fleetStarts.length > 0 && (fleetStarts[0] as number) <= t - 1_000) fleetStarts.shift();
    peak = Math.max(peak, fleetStarts.length);
  }
  return { peak, sent: processes.reduce((n, p) => n + p.starts.length, 0), maxRps };
}

test('seeded fleets joining and leaving never exceed the budget in any sliding second', () => {
  for (let seed = 1; seed <= 60; seed++) {
    const { peak, maxRps } = simulateFleet(seed);
    expect({ seed, peak: Math.min(peak, maxRps) }).toEqual({ seed, peak });
  }
});
