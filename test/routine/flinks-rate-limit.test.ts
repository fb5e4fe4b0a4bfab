// FLINKS_MAX_RPS under a burst: a routine wakes every card at once (each makes a cached call and then a live
// refresh, 3 requests each) and the simulator's request log is counted second by second.
import { temporal } from '@temporalio/proto';
import { flinksActivitiesPerSecond } from '../../src/activities/flinks-rate';
import { forEachBounded } from '../../src/domain/for-each-bounded';
import { runRoutineNow } from '../../src/schedule';
import { waitFor } from '../harness/wait-for';
import { createRoutineWorld, peakRequestsPerSecond, type RoutineWorld } from './routine-world';

const MAX_RPS = 12;
const CARDS = 8;
/** GetNightlyRefreshStatus, then token + Authorize + data call, twice for each card. */
const REQUESTS = 1 + CARDS * 6;

/** Each test has a world (task queue, simulator) of its own: a routine signals every card on its queue. */
let world: RoutineWorld;

beforeEach(async () => {
  world = await createRoutineWorld({ env: { FLINKS_MAX_RPS: String(MAX_RPS), FLINKS_MAX_CONCURRENCY: '4' } });
});

afterEach(async () => {
  await world?.close();
});

/** The Flinks queue's pollers, once `count` distinct processes poll it. */
async function flinksPollers(count: number) {
  return waitFor(async () => {
    const { pollers } = await world.env.client.workflowService.describeTaskQueue({
      namespace: world.env.namespace ?? 'default',
      taskQueue: { name: world.config.flinks.taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    });
    return new Set((pollers ?? []).map((p) => p.identity)).size >= count ? (pollers ?? []) : undefined;
  });
}

/** Runs a routine over fresh cards with maxDataAge 1 ms; returns the request arrival times and their span. */
async function burst(name: string): Promise<{ arrivals: number[]; spanMs: number }> {
  const loginIds: string[] = [];
  for (let i = 0; i < CARDS; i++)
    loginIds.push((await world.sim.admin.createCard({ scenario: 'healthy' })).loginId);
  await forEachBounded(loginIds, 25, (id) => world.cards.connect(id).then(() => undefined));
  // Let the server's bucket refill, as after a quiet night: the burst allowance is part of what is measured.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await world.sim.admin.resetCounters();
  const routine = await runRoutineNow(world.env.client, {
    taskQueue: world.taskQueue,
    flinksTaskQueue: world.config.flinks.taskQueue,
    routineId: `${name}-${Date.now()}`,
    maxDataAge: '1 ms',
  });
  await routine.handle.result();
  // Wait quietly (the simulator's in-process counters): polling the cards meanwhile would keep this process's
  // event loop busy and delay the simulator's arrival stamps.
  await waitFor(async () => ((await world.sim.admin.counters()).total >= REQUESTS ? true : undefined), {
    timeoutMs: 60_000,
    intervalMs: 1_000,
  });
  await world.settled(loginIds, routine.routineId);
  const log = await world.sim.admin.requestLog();
  expect(log).toHaveLength(REQUESTS);
  const arrivals = log.map((entry) => entry.at);
  return { arrivals, spanMs: Math.max(...arrivals) - Math.min(...arrivals) };
}

test('one Flinks worker process: never more than FLINKS_MAX_RPS requests in any sliding second', async () => {
  const { workers } = await world.startWorkers();
  expect(workers.flinks.options.maxTaskQueueActivitiesPerSecond).toBe(flinksActivitiesPerSecond(MAX_RPS));
  expect((await flinksPollers(1))[0]?.ratePerSecond).toBeCloseTo(flinksActivitiesPerSecond(MAX_RPS));

  const { arrivals, spanMs } = await burst('one-process');

  expect(peakRequestsPerSecond(arrivals)).toBeLessThanOrEqual(MAX_RPS);
  // The limit is what paced the work: it took about as long as the budget says.
  expect(spanMs).toBeGreaterThanOrEqual(((REQUESTS - MAX_RPS) / MAX_RPS) * 1_000);
});

test('two Flinks worker processes: the shared queue limit paces the fleet to the budget, bursts at most twice it', async () => {
  await world.startWorkers();
  await world.startWorkerProcess();
  expect((await flinksPollers(2)).length).toBeGreaterThanOrEqual(2);

  const { arrivals, spanMs } = await burst('two-processes');

  // Each process alone could send MAX_RPS; together they are still paced by the shared queue limit.
  expect(spanMs).toBeGreaterThanOrEqual(((REQUESTS - 2 * MAX_RPS) / MAX_RPS) * 1_000);
  // The server's token bucket may spend about a second's worth at once when the queue has been idle: short
  // windows can see up to twice the budget, never more (see src/activities/flinks-rate.ts).
  expect(peakRequestsPerSecond(arrivals)).toBeLessThanOrEqual(2 * MAX_RPS);
});
