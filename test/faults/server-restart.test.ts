// Server restart: the Temporal dev server, on a SQLite file of its own, goes down twice in the middle of a routine
// (a SIGKILL crash while the routine signals cards, then a clean stop while cards call Flinks) and comes back on the
// same file and port. The worker process and the client reconnect by themselves; every card and the routine resume
// with nothing lost: each card ends where its scenario leads, the routine completes and its counts add up.
import { waitFor } from '../harness/wait-for';
import { completedShards, createRoutineWorld, type RoutineWorld } from '../routine/routine-world';
import { faultReport, printFaultReport } from './fault-report';
import { cardsLost, deployFleet, type Fleet, fleetProblems, liveRefreshTotal } from './fleet';
import { fleetRoutineResult, startFleetRoutine } from './fleet-routine';
import { type RestartableDevServer, startRestartableDevServer } from './restartable-dev-server';
import { describeHealth, workflowHealth } from './workflow-health';

const CARDS = 200;
const SHARDS = 16;

let server: RestartableDevServer;
let world: RoutineWorld;
let fleet: Fleet;
const report = faultReport('server restart', CARDS);

beforeAll(async () => {
  server = await startRestartableDevServer();
  world = await createRoutineWorld({ temporalAddress: server.address });
  ({ fleet } = await deployFleet(world, CARDS, report));
}, 120_000);

afterAll(async () => {
  await printFaultReport(report, world?.sim);
  await world?.close();
  await server?.stop();
});

test('a dev server killed and restarted twice mid-routine: every card and the routine resume, nothing lost', async () => {
  // 16 shards of ~13 cards, one signal at a time: the first restart lands while shards are still to come.
  const { routineId, handle } = await startFleetRoutine(world, 'server-restart', {
    cardsPerShard: 13,
    pageSize: 5,
    shardConcurrency: 1,
    signalConcurrency: 1,
  });

  // 1. A crash while the routine signals cards.
  const beforeCrash = await waitFor(
    async () => {
      const shards = await completedShards(handle);
      return shards.completed >= 3 ? shards : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 50 },
  );
  const crash = await server.restart('SIGKILL');
  report.mark(`SIGKILL + restart (${beforeCrash.completed}/${SHARDS} shards done)`);
  report.disruptions = `1 dev-server SIGKILL + restart on the same SQLite file survived (down ${crash.downMs} ms)`;

  // 2. A clean stop once the routine is done or nearly so, while the cards it signalled call Flinks.
  const beforeStop = await waitFor(
    async () => {
      // The client's connection comes back on its own; a call while it does may fail.
      const shards = await completedShards(handle).catch(() => undefined);
      return shards && shards.completed >= SHARDS - 4 ? shards : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 50 },
  );
  const flinksCallsBeforeStop = (await world.sim.admin.counters()).total;
  const stop = await server.restart('SIGTERM');
  report.mark(`SIGTERM + restart (${beforeStop.completed}/${SHARDS} shards done)`);
  report.disruptions =
    `2 dev-server restarts on the same SQLite file survived (SIGKILL: down ${crash.downMs} ms; ` +
    `SIGTERM: down ${stop.downMs} ms, after ${flinksCallsBeforeStop} Flinks calls)`;

  const result = await handle.result();
  report.mark('routine done');
  expect(result).toMatchObject({ ...fleetRoutineResult(fleet, routineId), shards: SHARDS });
  expect(Object.values(result.byStatus).reduce((a, b) => a + b, 0)).toBe(CARDS);
  // Replay kept the shards done before each restart: none was scheduled twice.
  expect(await completedShards(handle)).toMatchObject({ scheduled: SHARDS, completed: SHARDS });

  const views = await world.settled(fleet.loginIds, routineId, 180_000);
  report.mark('cards settled');
  const after = await world.sim.admin.counters();
  const health = await workflowHealth(world.env.client, `TaskQueue = '${world.taskQueue}'`);
  report.cardsLost = cardsLost(fleet, views, health.running, routineId);
  report.notes.push(...describeHealth(health));
  report.notes.push(`${liveRefreshTotal(after.liveRefreshesByCardAndNight)} live refreshes`);
  expect(fleetProblems(fleet, views, after.liveRefreshesByCardAndNight, routineId)).toEqual([]);

  expect(health.failedRuns).toEqual([]);
  expect(health.nonDeterministic).toEqual([]);
  expect(health.runs).toBe(CARDS + 1);
  expect(report.cardsLost).toBe(0);
}, 300_000);
