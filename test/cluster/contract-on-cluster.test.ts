// The product on the production topology, as a backend uses it: the four Temporal services in separate processes on
// PostgreSQL (persistence and visibility), three `npm run worker` processes, and a backend that knows only the
// contract. It connects 500 cards in mixed scenarios with its own @temporalio/client, runs a nightly routine (which
// finds the cards by visibility on PostgreSQL), presses Refresh, forwards the users' reconnects, disconnects cards,
// and asks visibility by every Flinks search attribute. Then the fleet-wide Flinks rate bound with three worker
// processes, counted at the simulator. One cluster serves both tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { type CardView, type RefreshNowResult } from '../../src/domain/card-messages';
import { forEachBounded } from '../../src/domain/for-each-bounded';
import { CARD_WORKFLOW_TYPE, cardWorkflowId } from '../../src/workflows/definitions';
import { CLUSTER_START_TIMEOUT_MS, describeOnCluster } from '../harness/cluster-suite';
import { type Cluster, startCluster } from '../../tools/cluster/cluster';
import { processesInGroups } from '../../tools/cluster/managed-process';
import { faultReport, printFaultReport } from '../faults/fault-report';
import { cardsLost, createFleet, type Fleet, fleetProblems, liveRefreshTotal } from '../faults/fleet';
import { fleetRoutineResult } from '../faults/fleet-routine';
import { describeHealth, workflowHealth } from '../faults/workflow-health';
import { contractVars, startContractCard, startContractWorker } from '../harness/contract-backend';
import { waitFor } from '../harness/wait-for';
import {
  burst,
  connectedCards,
  expectWithinBudget,
  logged,
  requestsFor,
  sendTimes,
  startSender,
} from '../routine/flinks-rate-burst';
import { createRoutineWorld, type RoutineWorld, SECRET, type WorkerProcess } from '../routine/routine-world';

const WORKER_PROCESSES = 3;
const CARDS = 500;
/** Cards of a group that the backend presses Refresh on, forwards a reconnect for, or disconnects. */
const SAMPLE = 10;
/** The rate test's bound and night: 1 + 6 requests a card, about 15 s at 12 a second. */
const MAX_RPS = 12;
const RATE_CARDS = 30;

describeOnCluster(
  'the contract and the Flinks rate bound on a Temporal cluster (four services, PostgreSQL)',
  () => {
    let cluster: Cluster | undefined;
    const unexpected: string[] = [];
    /** What a test started (worlds, workers, connections), stopped newest first when it ends, or in afterAll. */
    const cleanups: (() => Promise<void>)[] = [];
    const cleanUp = async () => {
      for (let next = cleanups.pop(); next; next = cleanups.pop()) await next();
    };

    beforeAll(async () => {
      const started = Date.now();
      cluster = await startCluster({
        mode: 'services',
        onUnexpectedExit: (part, code, signal) => unexpected.push(`${part} exited (${signal ?? code})`),
      });
      process.stderr.write(`[cluster] services: up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }, CLUSTER_START_TIMEOUT_MS);

    afterAll(async () => {
      await cleanUp();
      const groups = cluster?.processGroups() ?? [];
      await cluster?.stop();
      expect(processesInGroups(groups)).toEqual([]);
      expect(unexpected).toEqual([]);
    });

    async function world(options: Parameters<typeof createRoutineWorld>[0] = {}): Promise<RoutineWorld> {
      const created = await createRoutineWorld({ ...options, temporalAddress: (cluster as Cluster).address });
      cleanups.push(() => created.close());
      return created;
    }

    test(`the contract end to end over ${CARDS} cards and ${WORKER_PROCESSES} worker processes: connect, a night, Refresh, reconnect, disconnect, visibility by every search attribute`, async () => {
      const report = faultReport('contract on the cluster (services, PostgreSQL)', CARDS);
      report.disruptions = `none (${WORKER_PROCESSES} worker processes, a backend with only the contract)`;
      // The world is the test's (simulator, checks); the backend and the workers below know only the contract.
      const w = await world();
      try {
        const connection = await Connection.connect({ address: (cluster as Cluster).address });
        cleanups.push(() => connection.close());
        const backend = new Client({ connection, namespace: 'default' });
        const taskQueue = w.taskQueue;
        const sinkDir = await mkdtemp(join(tmpdir(), 'contract-cluster-sink-'));
        cleanups.push(() => rm(sinkDir, { recursive: true, force: true }));
        const vars = {
          ...contractVars({
            temporalAddress: (cluster as Cluster).address,
            namespace: 'default',
            taskQueue,
            flinksBaseUrl: w.sim.baseUrl,
            flinksSecretKey: SECRET,
          }),
          // Documented tuning an operator sets (README, Configuration), no queue or name: the default 5 requests a
          // second would make this night last minutes, a 10 s poll interval would hold each slow card 30 s, and
          // the default sink is the working directory's .data.
          FLINKS_MAX_RPS: '90',
          FLINKS_POLL_INTERVAL: '200ms',
          DATA_SINK_DIR: sinkDir,
        };
        const startWorker = async (): Promise<WorkerProcess> => {
          const worker = await startContractWorker(vars);
          cleanups.push(worker.stop);
          return worker;
        };

        // Connect: the workers boot while the backend starts every card with the contract's name and input.
        const [, fleet] = await Promise.all([
          Promise.all(Array.from({ length: WORKER_PROCESSES }, startWorker)),
          createFleet(w, CARDS, (loginId, connectedAt) =>
            startContractCard(backend, taskQueue, { loginId, institution: 'FlinksCapital', connectedAt }),
          ),
        ]);
        report.mark('fleet connected');

        // The night: the routine with the contract's input, nothing else.
        const routineId = `acme-night-${randomUUID()}`;
        const routine = await backend.workflow.start('nightlyRoutine', {
          taskQueue,
          workflowId: `acme-nightly-${routineId}`,
          args: [{ routineId }],
        });
        expect(await routine.result()).toMatchObject(fleetRoutineResult(fleet, routineId));
        report.mark('routine done');
        const night = await w.settled(fleet.loginIds, routineId, 120_000);
        report.mark('cards settled');
        const afterNight = await w.sim.admin.counters();
        expect(fleetProblems(fleet, night, afterNight.liveRefreshesByCardAndNight, routineId)).toEqual([]);

        // Refresh, reconnect, disconnect: what a backend does for users who come back.
        const refreshFrom = new Date().toISOString();
        const card = (loginId: string) => backend.workflow.getHandle(cardWorkflowId(loginId));
        const refresh = (loginId: string) =>
          card(loginId).executeUpdate<RefreshNowResult, [Record<string, never>]>('refreshNow', {
            args: [{}],
          });
        const pick = (group: string) =>
          fleet.loginIds.filter((id) => fleet.groupOf.get(id)?.name === group).slice(0, SAMPLE);
        const refreshed = await Promise.all(pick('healthy').map(refresh));
        expect(refreshed.map((r) => r.outcome)).toEqual(pick('healthy').map(() => 'refreshed'));
        const failed = await Promise.all(pick('disabled-institution').map(refresh));
        expect(failed.map((r) => r.errorCode)).toEqual(
          pick('disabled-institution').map(() => 'DISABLED_INSTITUTION'),
        );
        const prompted = await Promise.all(pick('mfa-on-live').map(refresh));
        expect(prompted.map((r) => r.outcome)).toEqual(pick('mfa-on-live').map(() => 'mfa-required'));
        report.mark('refreshes answered');

        // The user finished in Flinks Connect (resuming the prompt's requestId, or anew); the backend forwards it.
        const reconnecting = [
          ...pick('mfa-on-live').map((loginId, i) => ({ loginId, requestId: prompted[i]?.requestId })),
          ...pick('invalid-credentials').map((loginId) => ({ loginId, requestId: undefined })),
        ];
        await forEachBounded(reconnecting, 10, async ({ loginId, requestId }) => {
          const done = await w.sim.admin.completeUserReconnect(loginId, requestId);
          await card(loginId).signal('reconnected', { requestId: done.requestId });
        });
        const disconnecting = [...pick('retry-later'), ...pick('slow').slice(0, SAMPLE / 2)];
        await forEachBounded(disconnecting, 10, async (loginId) => {
          await card(loginId).signal(
            'disconnect',
            fleet.groupOf.get(loginId)?.name === 'slow' ? { deleteData: true } : {},
          );
          expect(await card(loginId).result()).toMatchObject({ status: 'disconnected' });
        });
        await forEachBounded(reconnecting, 10, async ({ loginId }) => {
          await waitFor(
            async () => ((await w.cards.getCard(loginId)).status === 'scheduled' ? true : undefined),
            { timeoutMs: 30_000, intervalMs: 250 },
          );
        });
        report.mark('reconnects and disconnects done');

        const views = new Map<string, CardView>();
        await forEachBounded(fleet.loginIds, 25, async (loginId) => {
          views.set(loginId, await w.cards.getCard(loginId));
        });
        const statuses: Record<string, number> = {};
        for (const view of views.values()) statuses[view.status] = (statuses[view.status] ?? 0) + 1;
        report.notes.push(`statuses at the end ${JSON.stringify(statuses)}`);
        const checked = await visibilityMismatches(backend, taskQueue, fleet, views, refreshFrom);
        report.mark('visibility checked');
        report.notes.push(`${checked.queries} visibility queries`);
        expect(checked.mismatches).toEqual([]);

        const counters = await w.sim.admin.counters();
        const twice = Object.entries(counters.liveRefreshesByCardAndNight).filter(([, nights]) =>
          Object.values(nights).some((n) => n > 1),
        );
        const health = await workflowHealth(w.env.client, `TaskQueue = '${taskQueue}'`);
        // A disconnected card's workflow completed on purpose: it is accounted for.
        const accounted = new Set([...health.running, ...disconnecting.map(cardWorkflowId)]);
        report.cardsLost = cardsLost(fleet, night, accounted, routineId);
        report.notes.push(
          ...describeHealth(health),
          `${liveRefreshTotal(counters.liveRefreshesByCardAndNight)} live refreshes, ${counters.total} Flinks requests`,
        );
        expect(twice).toEqual([]);
        expect(health.failedRuns).toEqual([]);
        expect(health.nonDeterministic).toEqual([]);
        expect(health.runs).toBe(CARDS + 1);
        expect(health.running.size).toBe(CARDS - disconnecting.length);
        expect(report.cardsLost).toBe(0);
        expect(views.size).toBe(CARDS);
        expect([...views.values()].filter((v) => v.status === 'refreshing')).toEqual([]);
      } finally {
        await printFaultReport(report, w.sim);
        await cleanUp();
      }
    }, 300_000);

    test(`FLINKS_MAX_RPS ${MAX_RPS} across ${WORKER_PROCESSES} worker processes on the cluster: never more in any sliding second at the simulator`, async () => {
      const report = faultReport('Flinks rate bound on the cluster (services, PostgreSQL)', RATE_CARDS);
      report.disruptions = `none (${WORKER_PROCESSES} worker processes, FLINKS_MAX_RPS ${MAX_RPS})`;
      const w = await world({ env: { FLINKS_MAX_RPS: String(MAX_RPS), FLINKS_MAX_CONCURRENCY: '4' } });
      try {
        const [children, loginIds] = await Promise.all([
          Promise.all(Array.from({ length: WORKER_PROCESSES }, () => startSender(w))),
          connectedCards(w, RATE_CARDS),
        ]);
        // Each process has counted the whole fleet before the night starts.
        const share = Math.floor(MAX_RPS / WORKER_PROCESSES);
        for (const child of children) await logged(child, { budget: share, processes: WORKER_PROCESSES });
        report.mark('workers counted each other');

        const run = await burst(w, 'cluster-rate', loginIds);
        report.mark('night done');
        const peaks = expectWithinBudget(
          `${WORKER_PROCESSES} processes on the cluster`,
          run,
          children,
          MAX_RPS,
        );
        const perProcess = children.map((child) => sendTimes([child], run.fromMs).length);
        report.cardsLost = 0;
        report.notes.push(
          `${run.arrivals.length} requests in ${(run.spanMs / 1_000).toFixed(1)} s, sent per process ${perProcess.join('/')}`,
          `peak requests/s ${peaks.arrived} received, ${peaks.sent} sent (bound ${MAX_RPS})`,
        );
        // Every process worked the night, and the bound is what paced it.
        expect(perProcess.every((n) => n > 0)).toBe(true);
        expect(run.spanMs).toBeGreaterThanOrEqual(((requestsFor(RATE_CARDS) - MAX_RPS) / MAX_RPS) * 1_000);
      } finally {
        await printFaultReport(report, w.sim);
        await cleanUp();
      }
    }, 180_000);
  },
);

/**
 * What visibility on PostgreSQL says of the fleet, against what each card says of itself (its `state` query or
 * result): a count per status, per error code and for none, per side of a datetime by both datetimes, and the
 * workflow of single loginIds and of a list of them. Visibility trails the cards a moment: asked until it agrees.
 */
async function visibilityMismatches(
  client: Client,
  taskQueue: string,
  fleet: Fleet,
  views: ReadonlyMap<string, CardView>,
  refreshFrom: string,
): Promise<{ queries: number; mismatches: unknown[] }> {
  const all = [...views.values()];
  const mine = `TaskQueue = '${taskQueue}' AND WorkflowType = '${CARD_WORKFLOW_TYPE}'`;
  const middle = (values: (string | null)[]) => {
    const sorted = values.filter((v): v is string => v !== null).sort();
    return sorted[Math.floor(sorted.length / 2)] as string;
  };
  const eligibleMiddle = middle(all.map((v) => v.eligibleUntil));
  const counts: [string, number][] = [
    ...[...new Set([...all.map((v) => v.status), 'refreshing'])].map((status): [string, number] => [
      `FlinksCardStatus = '${status}'`,
      all.filter((v) => v.status === status).length,
    ]),
    ...[...new Set(all.flatMap((v) => (v.lastError ? [v.lastError.code] : [])))].map(
      (code): [string, number] => [
        `FlinksErrorCode = '${code}'`,
        all.filter((v) => v.lastError?.code === code).length,
      ],
    ),
    ['FlinksErrorCode IS NULL', all.filter((v) => v.lastError === null).length],
    [
      `FlinksLastRefreshAt >= '${refreshFrom}'`,
      all.filter((v) => (v.lastSuccessfulRefreshAt ?? '') >= refreshFrom).length,
    ],
    [
      `FlinksLastRefreshAt < '${refreshFrom}'`,
      all.filter((v) => v.lastSuccessfulRefreshAt !== null && v.lastSuccessfulRefreshAt < refreshFrom).length,
    ],
    [
      `FlinksEligibleUntil >= '${eligibleMiddle}'`,
      all.filter((v) => v.eligibleUntil !== null && v.eligibleUntil >= eligibleMiddle).length,
    ],
    [
      `FlinksEligibleUntil < '${eligibleMiddle}'`,
      all.filter((v) => v.eligibleUntil !== null && v.eligibleUntil < eligibleMiddle).length,
    ],
    ['FlinksEligibleUntil IS NULL', all.filter((v) => v.eligibleUntil === null).length],
  ];
  // One card of each group by its loginId, and one group by a list of them.
  const byGroup = new Map([...fleet.groupOf].map(([loginId, group]) => [group.name, loginId]));
  const group = fleet.loginIds.filter((id) => fleet.groupOf.get(id)?.name === 'stale');
  const lists: [string, string[]][] = [
    ...[...byGroup.values()].map((loginId): [string, string[]] => [
      `FlinksLoginId = '${loginId}'`,
      [loginId],
    ]),
    [`FlinksLoginId IN (${group.map((id) => `'${id}'`).join(', ')})`, group],
  ];

  const mismatches: unknown[] = [];
  for (const [query, expected] of counts) {
    let found = -1;
    await waitFor(
      async () => {
        found = (await client.workflow.count(`${mine} AND ${query}`)).count;
        return found === expected ? true : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    ).catch(() => mismatches.push({ query, expected, found }));
  }
  for (const [query, loginIds] of lists) {
    const want = loginIds.map(cardWorkflowId).sort();
    let found: string[] = [];
    await waitFor(
      async () => {
        found = [];
        for await (const execution of client.workflow.list({ query: `${mine} AND ${query}` })) {
          found.push(execution.workflowId);
        }
        return found.sort().join() === want.join() ? true : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    ).catch(() => mismatches.push({ query, expected: want.length, found: found.length }));
  }
  return { queries: counts.length + lists.length, mismatches };
}
