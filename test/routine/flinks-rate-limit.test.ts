// FLINKS_MAX_RPS under a burst, with one, two and a joining Flinks worker process: a routine wakes every card at
// once (each makes a cached call and then a live refresh, 3 requests each, after an idle second that refills the
// server's token bucket) and the requests are counted second by second, as the senders logged them and as the
// simulator received them.
import { temporal } from '@temporalio/proto';
import { flinksActivitiesPerSecond } from '../../src/activities/flinks-rate';
import { forEachBounded } from '../../src/domain/for-each-bounded';
import { runRoutineNow } from '../../src/schedule';
import { waitFor } from '../harness/wait-for';
import { type FlinksRefreshWorkers } from '../../src/worker';
import {
  createRoutineWorld,
  peakRequestsPerSecond,
  type RoutineWorld,
  type WorkerProcess,
} from './routine-world';

const MAX_RPS = 12;
const CARDS = 8;
/** GetNightlyRefreshStatus, then token + Authorize + data call, twice for each card. */
const requestsFor = (cards: number): number => 1 + cards * 6;

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

/** `count` fresh healthy cards, connected (their first calls made), then an idle second as after a quiet night. */
async function connectedCards(count: number): Promise<string[]> {
  const loginIds: string[] = [];
  for (let i = 0; i < count; i++)
    loginIds.push((await world.sim.admin.createCard({ scenario: 'healthy' })).loginId);
  await forEachBounded(loginIds, 25, (id) => world.cards.connect(id).then(() => undefined));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return loginIds;
}

interface Burst {
  /** When the simulator's counters were reset (this machine's clock, as the senders'). */
  fromMs: number;
  /** Simulator arrival stamps. */
  arrivals: number[];
  spanMs: number;
}

/** Runs a routine with maxDataAge 1 ms over `loginIds`, and waits until each card has done its night's work. */
async function burst(name: string, loginIds: readonly string[]): Promise<Burst> {
  const requests = requestsFor(loginIds.length);
  await world.sim.admin.resetCounters();
  const fromMs = Date.now();
  const routine = await runRoutineNow(world.env.client, {
    taskQueue: world.taskQueue,
    flinksTaskQueue: world.config.flinks.taskQueue,
    routineId: `${name}-${Date.now()}`,
    maxDataAge: '1 ms',
  });
  await routine.handle.result();
  // Wait quietly (the simulator's in-process counters): polling the cards meanwhile would keep this process's
  // event loop busy and delay the simulator's arrival stamps.
  await waitFor(async () => ((await world.sim.admin.counters()).total >= requests ? true : undefined), {
    timeoutMs: 90_000,
    intervalMs: 1_000,
  });
  await world.settled(loginIds, routine.routineId);
  const log = await world.sim.admin.requestLog();
  expect(log).toHaveLength(requests);
  const arrivals = log.map((entry) => entry.at);
  return { fromMs, arrivals, spanMs: Math.max(...arrivals) - Math.min(...arrivals) };
}

/**
 * This process's request budget, once its fleet gate has settled on `perSecond`. Processes that Temporal first
 * lists together both warm up (two of the gate's looks and a second) before they send.
 */
async function budgetOf(workers: FlinksRefreshWorkers, perSecond: number): Promise<number> {
  return waitFor(
    async () => {
      const now = workers.activities.flinksLimiter?.requestsPerSecond;
      return now === perSecond ? now : undefined;
    },
    { timeoutMs: 30_000 },
  );
}

/** A child worker's logged budgets and fleet sizes, e.g. `{ budget: 6, processes: 2 }` in a fleet of two. */
function loggedBudgets(child: WorkerProcess): { budget: number; processes: number }[] {
  return [
    ...child
      .output()
      .matchAll(
        /Flinks request budget of this process[\s\S]*?requestsPerSecond\W+(\d+)\W+processes\W+(\d+)/g,
      ),
  ].map((m) => ({ budget: Number(m[1]), processes: Number(m[2]) }));
}

/** Waits until a child worker has logged `entry` (a budget and a fleet size). */
async function logged(child: WorkerProcess, entry: { budget: number; processes: number }): Promise<void> {
  await waitFor(
    async () =>
      loggedBudgets(child).some((e) => e.budget === entry.budget && e.processes === entry.processes)
        ? true
        : undefined,
    { timeoutMs: 30_000, intervalMs: 100 },
  );
}

/**
 * When each child's Flinks client sent its requests since `fromMs` (its debug line `Flinks POST Authorize`,
 * stamped by the sender as the limiter lets the request go): the limiter's own record, free of the network and of
 * the simulator's event loop, which stamps arrivals late when the machine is busy.
 */
function sendTimes(children: readonly WorkerProcess[], fromMs: number): number[] {
  return children
    .flatMap((child) =>
      [...child.output().matchAll(/^(\S+Z) \[DEBUG\] Flinks (?:GET|POST|PATCH|DELETE) /gm)].map((m) =>
        Date.parse(m[1] as string),
      ),
    )
    .filter((at) => at >= fromMs);
}

/** A Flinks worker in a child process that logs each request it sends (see sendTimes). */
const startSender = (): Promise<WorkerProcess> => world.startWorkerProcess({ env: { LOG_LEVEL: 'debug' } });

/**
 * Both records must hold the bound: the senders' (a few ms of tolerance: a request is logged a moment after its
 * grant) and the simulator's arrivals (a fifth of a second: two processes' requests cross a loaded machine).
 */
function expectWithinBudget(name: string, run: Burst, children: readonly WorkerProcess[]): void {
  const sent = sendTimes(children, run.fromMs);
  const peaks = { sent: peakRequestsPerSecond(sent, 25), arrived: peakRequestsPerSecond(run.arrivals, 200) };
  console.log(
    `[rate] ${name}: ${run.arrivals.length} requests in ${(run.spanMs / 1_000).toFixed(1)} s from ${children.length} processes; most in any second: ${peaks.sent} sent, ${peaks.arrived} received (FLINKS_MAX_RPS ${MAX_RPS})`,
  );
  expect(sent).toHaveLength(run.arrivals.length);
  expect(peaks.sent).toBeLessThanOrEqual(MAX_RPS);
  expect(peaks.arrived).toBeLessThanOrEqual(MAX_RPS);
}

test('one Flinks worker process: never more than FLINKS_MAX_RPS requests in any sliding second', async () => {
  const { workers } = await world.startWorkers();
  expect(workers.flinks.options.maxTaskQueueActivitiesPerSecond).toBe(flinksActivitiesPerSecond(MAX_RPS));
  expect((await flinksPollers(1))[0]?.ratePerSecond).toBeCloseTo(flinksActivitiesPerSecond(MAX_RPS));
  // Alone on its queue, the process takes the whole budget as soon as Temporal lists it.
  await budgetOf(workers, MAX_RPS);

  const { arrivals, spanMs } = await burst('one-process', await connectedCards(CARDS));

  expect(peakRequestsPerSecond(arrivals)).toBeLessThanOrEqual(MAX_RPS);
  // The limit is what paced the work: it took about as long as the budget says.
  expect(spanMs).toBeGreaterThanOrEqual(((requestsFor(CARDS) - MAX_RPS) / MAX_RPS) * 1_000);
});

// With several processes, every worker runs in a child process, as in production.
test('two Flinks worker processes share FLINKS_MAX_RPS: never more than it in any sliding second', async () => {
  const children = [await startSender(), await startSender()];
  expect((await flinksPollers(2)).length).toBeGreaterThanOrEqual(2);
  for (const child of children) await logged(child, { budget: MAX_RPS / 2, processes: 2 });

  const run = await burst('two-processes', await connectedCards(CARDS));

  expectWithinBudget('two processes', run, children);
  expect(run.spanMs).toBeGreaterThanOrEqual(((requestsFor(CARDS) - MAX_RPS) / MAX_RPS) * 1_000);
});

test('a process joining just before a burst sends nothing until the fleet has counted it', async () => {
  const first = await startSender();
  await logged(first, { budget: MAX_RPS, processes: 1 });
  const loginIds = await connectedCards(CARDS);
  const joining = await startSender();
  // It has joined (Temporal lists it beside the first) and warms up: the burst starts now, when the first may
  // not have counted it yet and still sends at the whole budget. (Whether the first has looked yet is up to the
  // clocks: the seeded simulation in test/activities/flinks-rate.test.ts covers every interleaving.)
  await logged(joining, { budget: 0, processes: 2 });

  const run = await burst('joining', loginIds);

  expectWithinBudget('one joining before a burst', run, [first, joining]);
  expect(loggedBudgets(first).slice(-1)).toEqual([{ budget: MAX_RPS / 2, processes: 2 }]);
  expect(loggedBudgets(joining).slice(-1)).toEqual([{ budget: MAX_RPS / 2, processes: 2 }]);
});
