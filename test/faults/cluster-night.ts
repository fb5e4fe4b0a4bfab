// A night on the real cluster, for the cluster fault suites: Temporal's four services in processes of their own on
// PostgreSQL (tools/cluster, 'services'), three worker processes (`npm run worker`'s command), the simulator, and a
// mixed fleet. It says when a fault may strike (the routine signalling cards while cards have Flinks calls in
// flight), and checks, once for every fault, what the night must leave: every card handled, none stuck in
// `refreshing`, no second live login in a night, no failed run or workflow task, no non-determinism, and no
// cluster part that died unasked.
import { type KnownFlinksCode } from '../../src/domain/flinks-codes';
import { shardPrefixes } from '../../src/domain/routine-shards';
import { activityQueuePollers } from '../../src/temporal/task-queue-pollers';
import { type Cluster, startCluster } from '../../tools/cluster/cluster';
import { waitFor } from '../harness/wait-for';
import {
  completedShards,
  createRoutineWorld,
  type RoutineWorld,
  type WorkerProcess,
} from '../routine/routine-world';
import { type FaultReport, faultReport, printFaultReport } from './fault-report';
import {
  cardsLost,
  createFleet,
  type Fleet,
  fleetProblems,
  liveRefreshTotal,
  secondLiveLogins,
  stuckInRefreshing,
} from './fleet';
import { type FleetRoutine, fleetRoutineResult, type ShardKnobs, startFleetRoutine } from './fleet-routine';
import { describeHealth, workflowHealth } from './workflow-health';
import { CLUSTER_START_TIMEOUT_MS, describeOnCluster } from '../harness/cluster-suite';

export const WORKER_PROCESSES = 3;
const WORKER_POLL_TIMEOUT_MS = 120_000;
/**
 * Every Flinks request takes this long at the simulator, so that at any moment of the night some are in flight (at
 * 0 ms a fault would meet none).
 */
const FLINKS_LATENCY_MS = 200;
/**
 * Besides its scenario's status, the one a fault may leave: a live Authorize had left for Flinks when its worker
 * died (or its heartbeat with the requestId could not reach Temporal), and the retry found that session open and
 * stopped rather than log in twice. One login at most, the card errored until the next night.
 */
const LOST_SESSION: KnownFlinksCode = 'LIVE_SESSION_LOST';
/** Requests that concern no card: the token an Authorize spends, and the routine's own list. */
const NOT_A_CARD_CALL = new Set(['GenerateAuthorizeToken', 'GetNightlyRefreshStatus']);

export interface ClusterNight {
  cluster: Cluster;
  world: RoutineWorld;
  /** The worker processes running now: a suite that replaces one puts its replacement here. */
  workers: WorkerProcess[];
  fleet: Fleet;
  report: FaultReport;
  /** Cluster parts that exited while nobody asked them to. */
  unexpectedExits: string[];
  knobs: ShardKnobs;
  /** The fault report, then the workers, the simulator and the cluster; whatever happened. */
  close(): Promise<void>;
}

export interface ClusterNightOptions {
  /** The fault report's name. */
  suite: string;
  /** A multiple of 10. */
  cards: number;
  /** Fleet-wide Flinks requests a second: low enough that the cards' calls outlast the fault. */
  maxRps: number;
  knobs: ShardKnobs;
}

/** The cluster, the world on it with three worker processes (each polling) and the fleet, connected. */
/**
 * A suite around one cluster night: skipped where no cluster can start, the cluster, workers and fleet opened
 * before its tests (`opened()` returns them) and closed after.
 */
export function describeClusterNight(
  title: string,
  options: ClusterNightOptions,
  tests: (opened: () => ClusterNight) => void,
): void {
  describeOnCluster(title, () => {
    let night: ClusterNight | undefined;
    beforeAll(async () => {
      night = await openClusterNight(options);
    }, CLUSTER_START_TIMEOUT_MS);
    afterAll(async () => {
      await night?.close();
    }, 120_000);
    tests(() => {
      if (!night) throw new Error(`the cluster night of '${title}' did not open (see beforeAll)`);
      return night;
    });
  });
}

export async function openClusterNight(options: ClusterNightOptions): Promise<ClusterNight> {
  const report = faultReport(options.suite, options.cards);
  const unexpectedExits: string[] = [];
  const cluster = await startCluster({
    mode: 'services',
    onUnexpectedExit: (part, code, signal) => {
      unexpectedExits.push(`${part} exited (${signal ?? code})`);
      report.mark(`${part} exited unasked`);
    },
  });
  report.mark('cluster up');
  let world: RoutineWorld | undefined;
  const night: Partial<ClusterNight> = {
    cluster,
    report,
    unexpectedExits,
    knobs: options.knobs,
    workers: [],
  };
  night.close = async () => {
    await printFaultReport(report, world?.sim);
    await world?.close();
    await cluster.stop();
  };
  try {
    world = await createRoutineWorld({
      temporalAddress: cluster.address,
      env: {
        FLINKS_MAX_RPS: String(options.maxRps),
        FLINKS_MAX_CONCURRENCY: '10',
        FLINKS_POLL_INTERVAL: '50ms',
      },
    });
    night.world = world;
    const w = world;
    const [workers, fleet] = await Promise.all([
      Promise.all(Array.from({ length: WORKER_PROCESSES }, () => startPollingWorker(w))),
      createFleet(w, options.cards),
    ]);
    night.workers = workers;
    night.fleet = fleet;
    await w.sim.admin.setFaults({ latencyMs: FLINKS_LATENCY_MS });
    report.mark(`fleet and ${WORKER_PROCESSES} workers ready`);
  } catch (error) {
    await night.close();
    throw error;
  }
  return night as ClusterNight;
}

/** A worker process of `world`, once Temporal lists it polling both its activity queues (workflows' and Flinks'). */
export async function startPollingWorker(world: RoutineWorld): Promise<WorkerProcess> {
  const worker = await world.startWorkerProcess();
  const queues = [world.taskQueue, world.config.flinks.taskQueue];
  await waitFor(
    async () => {
      const polling = await Promise.all(
        queues.map((queue) =>
          activityQueuePollers(world.env.client.connection, world.env.namespace ?? 'default', [queue], 5_000)
            // The SDK's identities start with the pid (`pid@host…`).
            .then((pollers) => pollers.some((p) => p.identity.split('@')[0] === String(worker.pid)))
            .catch(() => false),
        ),
      );
      return polling.every(Boolean) ? true : undefined;
    },
    { timeoutMs: WORKER_POLL_TIMEOUT_MS, intervalMs: 250 },
  ).catch(() => {
    throw new Error(
      `worker ${worker.pid} did not poll ${queues.join(' and ')} within ${WORKER_POLL_TIMEOUT_MS / 1000} s: ${worker.output().slice(-2_000)}`,
    );
  });
  return worker;
}

export function startNightRoutine(night: ClusterNight, name: string): Promise<FleetRoutine> {
  return startFleetRoutine(night.world, name, night.knobs);
}

export interface NightMoment {
  shardsSignalled: number;
  shards: number;
  /** Cards' requests unanswered at the simulator. */
  cardCallsInFlight: number;
  /** Cards that have made a Flinks request tonight. */
  cardsCalled: number;
  /** All of it in words, for the report. */
  text: string;
}

/** Where the night is now: the routine's shards and the cards' Flinks calls. */
export async function nightMoment(night: ClusterNight, routine: FleetRoutine): Promise<NightMoment> {
  const cards = night.fleet.loginIds.length;
  const shards = shardPrefixes(cards, night.knobs.cardsPerShard ?? 0).length;
  const { completed } = await completedShards(routine.handle);
  const log = await night.world.sim.admin.requestLog();
  const now = Date.now();
  // An unanswered request older than a few seconds is one whose client went away.
  const inFlight = log.filter(
    (entry) => entry.status === 0 && now - entry.at < 5_000 && !NOT_A_CARD_CALL.has(entry.endpoint),
  ).length;
  const called = new Set(log.map((entry) => entry.loginId).filter(Boolean)).size;
  return {
    shardsSignalled: completed,
    shards,
    cardCallsInFlight: inFlight,
    cardsCalled: called,
    text: `${completed}/${shards} shards signalled, ${inFlight} card calls in flight at Flinks, ${called}/${cards} cards had called`,
  };
}

/**
 * Waits for a moment a fault must strike: at least `minInFlight` cards' Flinks requests are unanswered at the
 * simulator, and (unless `signalling` is false) the routine has signalled two shards and has more to signal.
 */
export async function midNight(
  night: ClusterNight,
  routine: FleetRoutine,
  { minInFlight = 3, signalling = true }: { minInFlight?: number; signalling?: boolean } = {},
): Promise<NightMoment> {
  let seen: NightMoment | undefined;
  return waitFor(
    async () => {
      seen = await nightMoment(night, routine);
      if (signalling && seen.shardsSignalled >= seen.shards) {
        throw new Error(
          `the routine signalled every shard before a fault could strike (${seen.text}): slow it down`,
        );
      }
      const signallingNow = !signalling || seen.shardsSignalled >= 2;
      return signallingNow && seen.cardCallsInFlight >= minInFlight ? seen : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 50 },
  ).catch((error: unknown) => {
    throw error instanceof Error && error.message.includes('slow it down')
      ? error
      : new Error(`no moment for a fault within 120 s (last: ${seen?.text ?? 'none'})`);
  });
}

/** Resolves once Temporal answers for the routine again (frontend, history and PostgreSQL all back). */
export async function untilTemporalAnswers(routine: FleetRoutine, timeoutMs = 180_000): Promise<void> {
  await waitFor(
    () =>
      routine.handle.describe().then(
        () => true as const,
        () => undefined,
      ),
    {
      timeoutMs,
      intervalMs: 250,
    },
  );
}

/** The worker process running one of the routine's shard activities now (the one signalling cards). */
export async function signallingWorker(night: ClusterNight, routine: FleetRoutine): Promise<WorkerProcess> {
  return waitFor(
    async () => {
      const { raw } = await routine.handle.describe();
      const pids = (raw.pendingActivities ?? [])
        .filter((a) => a.activityType?.name === 'signalCardShard')
        .map((a) => (a.lastWorkerIdentity ?? '').split('@')[0]);
      return night.workers.find((w) => pids.includes(String(w.pid)));
    },
    { timeoutMs: 30_000, intervalMs: 50 },
  );
}

/**
 * What every fault must leave, checked after the routine's end once the cards have settled: the routine's result
 * over the whole fleet, every card where its scenario leads (or errored LIVE_SESSION_LOST), and the rest in one
 * object so that a red run shows all of it. Fills the report in.
 */
export async function expectCleanNight(
  night: ClusterNight,
  routine: FleetRoutine,
  settleTimeoutMs = 240_000,
): Promise<void> {
  const { world, fleet, report } = night;
  const { routineId } = routine;
  const result = await routine.handle.result();
  // When it closed, not when this asked (a suite may ask only after its faults).
  const { closeTime } = await routine.handle.describe();
  report.timeline.push(['routine done', closeTime?.getTime() ?? Date.now()]);
  report.timeline.sort(([, a], [, b]) => a - b);
  // Activities cut off by a fault come back after their heartbeat timeout (a minute for Flinks calls).
  const views = await world.settled(fleet.loginIds, routineId, settleTimeoutMs);
  report.mark('cards settled');
  const counters = await world.sim.admin.counters();
  const health = await workflowHealth(world.env.client, `TaskQueue = '${world.taskQueue}'`);
  report.cardsLost = cardsLost(fleet, views, health.running, routineId);
  const stuck = await stuckInRefreshing(world, views);
  report.mark('histories checked');
  const lostSessions = [...views.values()].filter((v) => v.lastError?.code === LOST_SESSION).length;
  report.notes.push(
    ...describeHealth(health),
    `${liveRefreshTotal(counters.liveRefreshesByCardAndNight)} live refreshes, ${lostSessions} cards errored ${LOST_SESSION}`,
    `${stuck.length} stuck in refreshing`,
  );

  expect(result).toMatchObject(fleetRoutineResult(fleet, routineId));
  expect({
    cardsLost: report.cardsLost,
    stuckInRefreshing: stuck,
    cardProblems: fleetProblems(fleet, views, counters.liveRefreshesByCardAndNight, routineId, {
      erroredAllowed: (code) => code === LOST_SESSION,
    }),
    secondLiveLogins: secondLiveLogins(counters.liveRefreshesByCardAndNight),
    failedRuns: health.failedRuns,
    workflowTaskFailures: health.taskFailures,
    nonDeterministic: health.nonDeterministic,
    unexpectedExits: night.unexpectedExits,
  }).toEqual({
    cardsLost: 0,
    stuckInRefreshing: [],
    cardProblems: [],
    secondLiveLogins: [],
    failedRuns: [],
    workflowTaskFailures: {},
    nonDeterministic: [],
    unexpectedExits: [],
  });
  expect(health.runs).toBeGreaterThanOrEqual(fleet.loginIds.length + 1);
}
