// Flinks faults: a nightly routine while the simulator answers 10% of requests 500 AGGREGATION_ERROR, holds 5% past
// the client's timeout, cuts 2% of JSON bodies in half, sends bursts of 401 TOO_MANY_REQUESTS and expires requestIds
// mid-poll, from the routine's start until its cards' first calls and first retries are over. The routine completes;
// each card ends where its scenario leads or `errored` with the code of a fault that was injected; none is left
// `refreshing`.
import { type Faults } from '../../src/simulator';
import { createRoutineWorld, type RoutineWorld } from '../routine/routine-world';
import { faultReport, printFaultReport } from './fault-report';
import { cardsLost, deployFleet, type Fleet, fleetProblems, liveRefreshTotal } from './fleet';
import { type FleetRoutine, fleetRoutineResult, startFleetRoutine } from './fleet-routine';
import { describeHealth, workflowHealth } from './workflow-health';

const CARDS = 200;
const SEED = Number(process.env.FAULTS_SEED ?? 20_261_126);
/** The client gives up on a request after this long; a hang lasts longer. */
const REQUEST_TIMEOUT = '2s';
const FAULTS: Faults = {
  errorRate: 0.1,
  hangRate: 0.05,
  hangMs: 30_000,
  malformedRate: 0.02,
  expireRequestIdsMidPollRate: 0.1,
};
/** A burst of TOO_MANY_REQUESTS this long after every BURST_EVERY requests. */
const BURST = 10;
const BURST_EVERY = 150;
/**
 * Faults stay on while the routine signals the cards and this long after: every card's first calls, and the first
 * retries of those that failed (10 s later), meet them. Then Flinks recovers, as outages do: a card whose every
 * attempt met a fault would otherwise hold the run for 2.5 minutes (5 attempts, backoff from 10 s doubling).
 */
const FAULTS_AFTER_ROUTINE_MS = 20_000;
/** What each injected fault looks like to the product: the codes an errored card may carry. */
const INJECTED_CODES = new Set([
  'AGGREGATION_ERROR', // 500 AGGREGATION_ERROR
  'TIMEOUT', // a hang past FLINKS_REQUEST_TIMEOUT
  'MALFORMED_RESPONSE', // JSON cut in half
  'TOO_MANY_REQUESTS', // a burst
  'SESSION_NONEXISTENT', // a requestId expired mid-poll
]);

let world: RoutineWorld;
let fleet: Fleet;
const report = faultReport('Flinks faults', CARDS);

beforeAll(async () => {
  world = await createRoutineWorld({
    env: { FLINKS_REQUEST_TIMEOUT: REQUEST_TIMEOUT, FLINKS_POLL_INTERVAL: '50ms' },
    // One 202 before every 200, so data calls poll the Async endpoint, where requestIds can expire.
    simulator: { seed: SEED, pollsBeforeReady: 1 },
  });
  ({ fleet } = await deployFleet(world, CARDS, report));
}, 120_000);

afterAll(async () => {
  await printFaultReport(report, world?.sim);
  await world?.close();
});

test('under injected Flinks faults the routine completes and every card lands in its status or errored with the fault', async () => {
  await world.sim.admin.setFaults(FAULTS);
  report.disruptions =
    `faults armed ${JSON.stringify(FAULTS)}, ${BURST} TOO_MANY_REQUESTS after every ${BURST_EVERY} requests, ` +
    `client timeout ${REQUEST_TIMEOUT}, seed ${SEED}, from the routine's start until ${FAULTS_AFTER_ROUTINE_MS} ms ` +
    'after its end';
  // A burst of TOO_MANY_REQUESTS after every BURST_EVERY requests: tied to traffic, so a lone request waiting out
  // its backoff is not met by a burst every time it comes back.
  let bursts = 0;
  let nextBurstAt = BURST_EVERY;
  let armed = true;
  let lastBurst: Promise<unknown> = Promise.resolve();
  const burster = setInterval(() => {
    void world.sim.admin.counters().then(({ total }) => {
      if (!armed || total < nextBurstAt) return;
      nextBurstAt = total + BURST_EVERY;
      bursts += 1;
      lastBurst = world.sim.admin.setFaults({ ...FAULTS, tooManyRequestsBurst: BURST });
    });
  }, 200);
  let routine: FleetRoutine;
  try {
    routine = await startFleetRoutine(world, 'flinks-faults', { cardsPerShard: 13, pageSize: 25 });
    expect(await routine.handle.result()).toMatchObject(fleetRoutineResult(fleet, routine.routineId));
    report.mark('routine done');
    await new Promise((resolve) => setTimeout(resolve, FAULTS_AFTER_ROUTINE_MS));
  } finally {
    armed = false;
    clearInterval(burster);
    await lastBurst;
    await world.sim.admin.clearFaults();
  }
  report.mark('faults cleared');
  const views = await world.settled(fleet.loginIds, routine.routineId, 240_000);
  report.mark('cards settled');

  const { routineId } = routine;
  const counters = await world.sim.admin.counters();
  const health = await workflowHealth(world.env.client, `TaskQueue = '${world.taskQueue}'`);
  report.cardsLost = cardsLost(fleet, views, health.running, routineId);
  report.notes.push(...describeHealth(health));
  const injected = counters.faultsInjected;
  report.notes.push(`${counters.total} Flinks requests, ${bursts} bursts`);
  const errored: Record<string, number> = {};
  const withError: Record<string, number> = {};
  for (const view of views.values()) {
    const code = view.lastError?.code;
    if (code === undefined) continue;
    const tally = view.status === 'errored' ? errored : withError;
    tally[code] = (tally[code] ?? 0) + 1;
  }
  report.notes.push(
    `errored cards by code ${JSON.stringify(errored)}`,
    `cards in their scenario's status with an error recorded ${JSON.stringify(withError)}`,
    `${liveRefreshTotal(counters.liveRefreshesByCardAndNight)} live refreshes`,
  );
  // Every kind of fault was met, or the run proved nothing about it.
  const kinds = [
    'aggregation-error',
    'hang',
    'malformed',
    'too-many-requests',
    'expired-request-id',
  ] as const;
  expect(kinds.filter((kind) => !injected[kind])).toEqual([]);
  expect([...views.values()].filter((v) => v.status === 'refreshing')).toEqual([]);
  expect(
    fleetProblems(fleet, views, counters.liveRefreshesByCardAndNight, routineId, {
      erroredAllowed: (code) => INJECTED_CODES.has(code),
      exactLiveRefreshes: false,
    }),
  ).toEqual([]);

  expect(health.failedRuns).toEqual([]);
  expect(health.nonDeterministic).toEqual([]);
  expect(report.cardsLost).toBe(0);
}, 420_000);
