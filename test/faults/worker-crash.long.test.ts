// Worker crash: a nightly routine over 1,000 simulator cards while the worker process (`npm run worker`'s command,
// a real child process) is killed with SIGKILL at seeded random points, five times, and restarted each time. Every
// card still ends where its scenario leads, no card is refreshed live twice in a night, no workflow fails, and no
// workflow task fails for non-determinism.
import { type WorkflowHandle } from '@temporalio/client';
import { Prng } from '../../src/simulator/random';
import { waitFor } from '../harness/wait-for';
import { createRoutineWorld, type RoutineWorld, type WorkerProcess } from '../routine/routine-world';
import { faultReport, printFaultReport } from './fault-report';
import { cardsLost, deployFleet, type Fleet, fleetProblems, liveRefreshTotal } from './fleet';
import { fleetRoutineResult, startFleetRoutine } from './fleet-routine';
import { describeHealth, workflowHealth } from './workflow-health';

const CARDS = 1_000;
const KILLS = 5;
/** FAULTS_SEED picks other kill points; the default keeps runs comparable. */
const SEED = Number(process.env.FAULTS_SEED ?? 20_261_126);
/** How long a (re)started worker runs before it is killed: seeded, uniform in this range. */
const UPTIME_MS: [number, number] = [1_000, 3_000];
/**
 * The one outcome a kill may leave besides the scenario's: the worker died after Flinks opened a card's live
 * session and before its requestId reached Temporal. The retry finds that session open and stops rather than log
 * in a second time; the card is refreshed once, and errored until the next routine.
 */
const LOST_SESSION = 'LIVE_SESSION_LOST';

let world: RoutineWorld;
let fleet: Fleet;
let worker: WorkerProcess;
const report = faultReport('worker crash', CARDS);

beforeAll(async () => {
  world = await createRoutineWorld({
    // 30 Flinks activities a second for the whole queue: the cards' calls outlast the five kills.
    env: { FLINKS_MAX_RPS: '90', FLINKS_MAX_CONCURRENCY: '20', FLINKS_POLL_INTERVAL: '50ms' },
  });
  ({ worker, fleet } = await deployFleet(world, CARDS, report));
}, 180_000);

afterAll(async () => {
  await printFaultReport(report, world?.sim);
  await world?.close();
});

/** Whether the routine still has work in flight: its own run, or a card still owing Flinks its call of the night. */
async function workRemains(handle: WorkflowHandle): Promise<boolean> {
  const { status } = await handle.describe();
  if (status.name === 'RUNNING') return true;
  const counters = await world.sim.admin.counters();
  return fleet.loginIds.some((loginId) => {
    const group = fleet.groupOf.get(loginId);
    const calls = counters.byCard[loginId] ?? {};
    if (group?.liveRefreshes) return (calls['accounts-detail'] ?? 0) === 0;
    return !group?.listed && (calls['authorize-cached'] ?? 0) === 0;
  });
}

test(`${KILLS} SIGKILLs of the worker process during a routine over ${CARDS} cards lose nothing`, async () => {
  // 16 shards of ~63 cards, signalled a few at a time: the routine's own run is caught mid-way by the first kills.
  const { routineId, handle } = await startFleetRoutine(world, 'worker-crash', {
    cardsPerShard: 64,
    pageSize: 20,
    shardConcurrency: 2,
    signalConcurrency: 4,
  });
  // Step 1 (GetNightlyRefreshStatus) does not heartbeat: a kill there would wait out its 5-minute timeout, which
  // says nothing about crash safety. The kills start once the routine signals cards.
  await waitFor(
    async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      return events.some(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'signalCardShard',
      )
        ? true
        : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  report.mark('signalling');

  const prng = new Prng(SEED);
  const uptimes: number[] = [];
  for (let kill = 1; kill <= KILLS; kill++) {
    const uptime = prng.int(...UPTIME_MS);
    await new Promise((resolve) => setTimeout(resolve, uptime));
    if (!(await workRemains(handle))) {
      throw new Error(`the routine's work was over before kill ${kill}: slow the routine or the cards down`);
    }
    await worker.kill();
    uptimes.push(uptime);
    report.mark(`kill ${kill}`);
    report.disruptions = `${uptimes.length} worker SIGKILLs survived (after ${uptimes.join(', ')} ms up, seed ${SEED})`;
    worker = await world.startWorkerProcess();
  }

  const result = await handle.result();
  report.mark('routine done');
  expect(result).toMatchObject(fleetRoutineResult(fleet, routineId));

  // Activities cut off by a kill come back after their heartbeat timeout (a minute for Flinks calls).
  const views = await world.settled(fleet.loginIds, routineId, 240_000);
  report.mark('cards settled');
  const counters = await world.sim.admin.counters();
  const health = await workflowHealth(world.env.client, `TaskQueue = '${world.taskQueue}'`);
  report.cardsLost = cardsLost(fleet, views, health.running, routineId);
  report.mark('histories checked');
  report.notes.push(...describeHealth(health));
  const lostSessions = [...views.values()].filter((v) => v.lastError?.code === LOST_SESSION).length;
  report.notes.push(
    `${liveRefreshTotal(counters.liveRefreshesByCardAndNight)} live refreshes`,
    `${lostSessions} cards errored ${LOST_SESSION} (killed after the live Authorize may have left: at most one login, maybe none)`,
  );
  expect(
    fleetProblems(fleet, views, counters.liveRefreshesByCardAndNight, routineId, {
      erroredAllowed: (code) => code === LOST_SESSION,
    }),
  ).toEqual([]);

  expect(health.failedRuns).toEqual([]);
  expect(health.nonDeterministic).toEqual([]);
  expect(health.runs).toBeGreaterThanOrEqual(CARDS + 1);
  expect(report.cardsLost).toBe(0);
}, 420_000);
