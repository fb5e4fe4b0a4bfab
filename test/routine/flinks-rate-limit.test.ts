// FLINKS_MAX_RPS under a burst, with one, two and a joining Flinks worker process, and two that are both pid 1: a routine
// wakes every card at once (each makes a cached call and then a live refresh, 3 requests each, after an idle second
// that refills the server's token bucket) and the requests are counted second by second, as the senders logged them
// and as the simulator received them. Then how the fleet gate holds when a process's slots are all busy, and when
// DescribeTaskQueue fails.
import { spawnSync } from 'node:child_process';
import { temporal } from '@temporalio/proto';
import {
  FLEET_FLOOR_RPS,
  FLEET_TIMING,
  flinksActivitiesPerSecond,
  fleetViewTrustMs,
} from '../../src/activities/flinks-rate';
import { flinksFleetOnTemporal } from '../../src/temporal/flinks-fleet';
import { activityQueuePollers } from '../../src/temporal/task-queue-pollers';
import { startGrpcFaultProxy, workflowServicePath } from '../harness/grpc-fault-proxy';
import { waitFor } from '../harness/wait-for';
import { type FlinksRefreshWorkers } from '../../src/worker';
import {
  burst as burstIn,
  connectedCards as connectedCardsIn,
  expectWithinBudget as expectWithinBudgetOf,
  logged,
  loggedBudgets,
  requestsFor,
  startSender as startSenderIn,
  type Burst,
} from './flinks-rate-burst';
import {
  cardHandle,
  createRoutineWorld,
  peakRequestsPerSecond,
  type RoutineWorld,
  type WorkerProcess,
} from './routine-world';

const MAX_RPS = 12;
const CARDS = 8;
/** Each test has a world (task queue, simulator) of its own: a routine signals every card on its queue. */
let world: RoutineWorld;
const connectedCards = (count: number) => connectedCardsIn(world, count);
const burst = (name: string, loginIds: readonly string[]) => burstIn(world, name, loginIds);
const startSender = (launcher?: readonly string[]) => startSenderIn(world, launcher);
const expectWithinBudget = (name: string, run: Burst, children: readonly WorkerProcess[]) =>
  void expectWithinBudgetOf(name, run, children, MAX_RPS);

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

/**
 * Runs a worker as pid 1 of a pid namespace of its own, under this host's name: two containers of one image on hosts
 * of one name, where the SDK's identity `pid@host` is `1@host` for both. Null where this host cannot make one.
 */
const PID_1_LAUNCHER =
  [
    ['unshare', '--pid', '--fork', '--kill-child=SIGTERM'],
    ['unshare', '--user', '--map-root-user', '--pid', '--fork', '--kill-child=SIGTERM'],
  ].find(
    ([command, ...args]) =>
      spawnSync(command as string, [
        ...args,
        process.execPath,
        '-e',
        'process.exit(process.pid === 1 ? 0 : 1)',
      ]).status === 0,
  ) ?? null;
if (PID_1_LAUNCHER === null)
  console.warn('[rate] no pid namespaces on this host: the pid-1 fleet test is skipped');

(PID_1_LAUNCHER ? test : test.skip)(
  'two worker processes that are both pid 1 on one hostname count as two: never more than FLINKS_MAX_RPS',
  async () => {
    const children = [await startSender(PID_1_LAUNCHER ?? []), await startSender(PID_1_LAUNCHER ?? [])];
    try {
      // Both would be `1@<host>`: each would count one process and take the whole budget.
      for (const child of children) await logged(child, { budget: MAX_RPS / 2, processes: 2 });

      const run = await burst('pid-1', await connectedCards(CARDS));

      expectWithinBudget('two pid-1 processes', run, children);
    } finally {
      // The launcher passes SIGKILL on to its worker as SIGTERM (it ignores SIGTERM itself).
      await Promise.all(children.map((child) => child.kill()));
    }
  },
);

/** How old the newest listed poll of the process `pid` is (the dev server runs on this machine: one clock). */
function pollAgeOf(listed: { identity: string; lastAccessMs: number | null }[], pid: number): number {
  const times = listed.filter((p) => p.identity.startsWith(`${pid}@`)).map((p) => p.lastAccessMs ?? 0);
  return Date.now() - Math.max(0, ...times);
}

test('a process whose slots are all busy stays counted: its presence poll goes on while its Flinks poll stops', async () => {
  // One slot, held by a refresh whose data call answers 202 for longer than the test: the activity polls Flinks
  // (at the process's share) and the SDK, with no free slot, stops polling the Flinks queue.
  const busy = await world.startWorkerProcess({ env: { FLINKS_MAX_CONCURRENCY: '1' } });
  await logged(busy, { budget: MAX_RPS, processes: 1 });
  const { loginId } = await world.sim.admin.createCard({
    scenario: 'healthy',
    scenarioOptions: { pollsBeforeReady: 10_000 },
  });
  await world.cards.connect(loginId);
  const refreshing = world.cards.refreshNow(loginId).catch(() => undefined);
  await waitFor(async () => ((await world.sim.admin.counters()).total >= 3 ? true : undefined), {
    timeoutMs: 30_000,
  });
  const other = await startSender();
  await logged(other, { budget: MAX_RPS / 2, processes: 2 });

  const namespace = world.env.namespace ?? 'default';
  const flinksQueue = world.config.flinks.taskQueue;
  // What every fleet gate lists (the Flinks queue and the presence queue), and the Flinks queue alone.
  const fleet = flinksFleetOnTemporal(world.env.nativeConnection, namespace, flinksQueue, 'observer');
  const ages: { fleet: number; flinksQueue: number }[] = [];
  for (let look = 0; look < 4; look++) {
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const flinksOnly = await activityQueuePollers(
      world.env.nativeConnection,
      namespace,
      [flinksQueue],
      5_000,
    );
    ages.push({
      fleet: pollAgeOf(await fleet.listPollers(), busy.pid),
      flinksQueue: pollAgeOf(flinksOnly, busy.pid),
    });
  }
  const requests = (await world.sim.admin.counters()).total;
  console.log(
    `[rate] busy process, age of its newest poll every 5 s (ms): ${JSON.stringify(ages)}; ${requests} requests`,
  );
  // Measured: its Flinks-queue poll is as old as its slot is busy (counted by it alone, it would be dropped after
  // staleAfterMs, 2 minutes, while still sending); its presence poll is never older than one presence poll.
  expect(ages.at(-1)?.flinksQueue).toBeGreaterThan(30_000);
  for (const age of ages) expect(age.fleet).toBeLessThan(20_000);
  // It was sending all along, and the other process counted it all along.
  expect(requests).toBeGreaterThan(30);
  const budgets = loggedBudgets(other);
  const joined = budgets.findIndex((entry) => entry.processes === 2);
  expect(budgets.slice(joined).filter((entry) => entry.processes !== 2)).toEqual([]);
  // Ends the refresh (and the update waiting for it) before the world closes its client.
  await cardHandle(world, loginId).terminate('the test is over');
  await refreshing;
});

test('DescribeTaskQueue failing: the count stands 11 s, then 1 request a second, one warning, until it answers', async () => {
  const proxy = await startGrpcFaultProxy(world.env.address);
  const child = await world.startWorkerProcess({ env: { TEMPORAL_ADDRESS: proxy.address } });
  try {
    await logged(child, { budget: MAX_RPS, processes: 1 });
    // DEADLINE_EXCEEDED: transient, and not retried by Core, so every look fails at once.
    const describe = workflowServicePath('DescribeTaskQueue');
    proxy.setRule((call) =>
      call.path === describe ? { code: 4, message: 'injected DEADLINE_EXCEEDED' } : null,
    );
    const failingFromMs = Date.now();
    await logged(child, { budget: FLEET_FLOOR_RPS, processes: 1 });
    expect(Date.now() - failingFromMs).toBeLessThan(fleetViewTrustMs(FLEET_TIMING) + 2_000);
    // More looks fail: no more warnings.
    const failedSoFar = proxy.calls.filter((call) => call.faulted).length;
    await waitFor(
      async () => (proxy.calls.filter((call) => call.faulted).length >= failedSoFar + 4 ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const warnings = (text: string) => child.output().split(text).length - 1;
    expect(warnings('Could not list the Flinks queue pollers')).toBe(1);
    expect(warnings('Flinks fleet unknown')).toBe(1);

    proxy.setRule(null);
    await waitFor(
      async () => {
        const last = loggedBudgets(child).at(-1);
        return last?.budget === MAX_RPS && last.processes === 1 ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(warnings('Flinks fleet counted again')).toBe(1);
  } finally {
    await child.stop();
    await proxy.close();
  }
});
