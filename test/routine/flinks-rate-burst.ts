// How the FLINKS_MAX_RPS tests measure a burst: a routine wakes every card at once (each makes a cached call and then
// a live refresh, 3 requests each, after an idle second that refills the server's token bucket), and the requests are
// counted second by second as the senders logged them and as the simulator received them. Shared by the dev-server
// rate tests (test/routine/flinks-rate-limit.test.ts) and the cluster's (test/cluster/contract-on-cluster.test.ts).
import { forEachBounded } from '../../src/domain/for-each-bounded';
import { runRoutineNow } from '../../src/schedule';
import { waitFor } from '../harness/wait-for';
import { peakRequestsPerSecond, type RoutineWorld, type WorkerProcess } from './routine-world';

/** GetNightlyRefreshStatus, then token + Authorize + data call, twice for each card. */
export const requestsFor = (cards: number): number => 1 + cards * 6;

/** `count` fresh healthy cards, connected (their first calls made), then an idle second as after a quiet night. */
export async function connectedCards(world: RoutineWorld, count: number): Promise<string[]> {
  const loginIds: string[] = [];
  for (let i = 0; i < count; i++)
    loginIds.push((await world.sim.admin.createCard({ scenario: 'healthy' })).loginId);
  await forEachBounded(loginIds, 25, (id) => world.cards.connect(id).then(() => undefined));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return loginIds;
}

export interface Burst {
  /** When the simulator's counters were reset (this machine's clock, as the senders'). */
  fromMs: number;
  /** Simulator arrival stamps. */
  arrivals: number[];
  spanMs: number;
}

/** Runs a routine with maxDataAge 1 ms over `loginIds`, and waits until each card has done its night's work. */
export async function burst(
  world: RoutineWorld,
  name: string,
  loginIds: readonly string[],
  { timeoutMs = 90_000 }: { timeoutMs?: number } = {},
): Promise<Burst> {
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
    timeoutMs,
    intervalMs: 1_000,
  });
  await world.settled(loginIds, routine.routineId);
  const log = await world.sim.admin.requestLog();
  expect(log).toHaveLength(requests);
  const arrivals = log.map((entry) => entry.at);
  return { fromMs, arrivals, spanMs: Math.max(...arrivals) - Math.min(...arrivals) };
}

/** A child worker's logged budgets and fleet sizes, e.g. `{ budget: 6, processes: 2 }` in a fleet of two. */
export function loggedBudgets(child: WorkerProcess): { budget: number; processes: number }[] {
  return [
    ...child
      .output()
      .matchAll(
        /Flinks request budget of this process[\s\S]*?requestsPerSecond\W+(\d+)\W+processes\W+(\d+)/g,
      ),
  ].map((m) => ({ budget: Number(m[1]), processes: Number(m[2]) }));
}

/** Waits until a child worker has logged `entry` (a budget and a fleet size). */
export async function logged(
  child: WorkerProcess,
  entry: { budget: number; processes: number },
  timeoutMs = 30_000,
): Promise<void> {
  await waitFor(
    async () =>
      loggedBudgets(child).some((e) => e.budget === entry.budget && e.processes === entry.processes)
        ? true
        : undefined,
    { timeoutMs, intervalMs: 100 },
  );
}

/**
 * When each child's Flinks client sent its requests since `fromMs` (its debug line `Flinks POST Authorize`,
 * stamped by the sender as the limiter lets the request go): the limiter's own record, free of the network and of
 * the simulator's event loop, which stamps arrivals late when the machine is busy.
 */
export function sendTimes(children: readonly WorkerProcess[], fromMs: number): number[] {
  return children
    .flatMap((child) =>
      [...child.output().matchAll(/^(\S+Z) \[DEBUG\] Flinks (?:GET|POST|PATCH|DELETE) /gm)].map((m) =>
        Date.parse(m[1] as string),
      ),
    )
    .filter((at) => at >= fromMs);
}

/** A Flinks worker in a child process that logs each request it sends (see sendTimes). */
export const startSender = (world: RoutineWorld, launcher?: readonly string[]): Promise<WorkerProcess> =>
  world.startWorkerProcess({ env: { LOG_LEVEL: 'debug' }, launcher });

/**
 * Both records must hold the bound: the senders' (a few ms of tolerance: a request is logged a moment after its
 * grant) and the simulator's arrivals (a fifth of a second: several processes' requests cross a loaded machine).
 * Returns the peaks, for the suite's report.
 */
export function expectWithinBudget(
  name: string,
  run: Burst,
  children: readonly WorkerProcess[],
  maxRps: number,
): { sent: number; arrived: number } {
  const sent = sendTimes(children, run.fromMs);
  const peaks = { sent: peakRequestsPerSecond(sent, 25), arrived: peakRequestsPerSecond(run.arrivals, 200) };
  console.log(
    `[rate] ${name}: ${run.arrivals.length} requests in ${(run.spanMs / 1_000).toFixed(1)} s from ${children.length} processes; most in any second: ${peaks.sent} sent, ${peaks.arrived} received (FLINKS_MAX_RPS ${maxRps})`,
  );
  expect(sent).toHaveLength(run.arrivals.length);
  expect(peaks.sent).toBeLessThanOrEqual(maxRps);
  expect(peaks.arrived).toBeLessThanOrEqual(maxRps);
  return peaks;
}
