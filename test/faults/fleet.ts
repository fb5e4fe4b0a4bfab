// The cards every fault suite runs its routine over: simulator cards in mixed scenarios, in known proportions, each
// group with the status the nightly routine must leave it in and the live refreshes it may cost at Flinks.
import { type CardStatus, type CardView } from '../../src/domain/card-messages';
import { forEachBounded } from '../../src/domain/for-each-bounded';
import { DAY_MS } from '../../src/domain/time';
import { cardQuery } from '../../src/domain/routine-shards';
import { type Scenario } from '../../src/simulator';
import { CARD_WORKFLOW_ID_PREFIX, CARD_WORKFLOW_TYPE, cardWorkflowId } from '../../src/workflows/definitions';
import { waitFor } from '../harness/wait-for';
import { type RoutineWorld, type WorkerProcess } from '../routine/routine-world';
import { type FaultReport } from './fault-report';

export interface FleetGroup {
  name: string;
  scenario: Scenario;
  /** Tenths of the fleet. */
  tenths: number;
  /** Flinks' own last success this long ago (default: now). */
  lastSuccessAgoMs?: number;
  /** On Flinks' GetNightlyRefreshStatus list after tonight's job. */
  listed: boolean;
  status: CardStatus;
  /** Live refreshes the routine makes for the card tonight. */
  liveRefreshes: number;
}

export const FLEET_GROUPS: readonly FleetGroup[] = [
  { name: 'healthy', scenario: 'healthy', tenths: 4, listed: false, status: 'scheduled', liveRefreshes: 0 },
  { name: 'slow', scenario: 'slow', tenths: 1, listed: false, status: 'scheduled', liveRefreshes: 0 },
  // Flinks keeps these eligible and retries them itself: the card records the error and waits.
  {
    name: 'retry-later',
    scenario: 'retry-later',
    tenths: 1,
    listed: false,
    status: 'scheduled',
    liveRefreshes: 0,
  },
  {
    name: 'disabled-institution',
    scenario: 'disabled-institution',
    tenths: 1,
    listed: false,
    status: 'scheduled',
    liveRefreshes: 0,
  },
  // Listed with an error only the user can fix: the card waits for them, without a live attempt.
  {
    name: 'mfa-on-live',
    scenario: 'mfa-on-live',
    tenths: 1,
    listed: true,
    status: 'awaiting-user-mfa',
    liveRefreshes: 0,
  },
  {
    name: 'invalid-credentials',
    scenario: 'invalid-credentials',
    tenths: 1,
    listed: true,
    status: 'awaiting-user-mfa',
    liveRefreshes: 0,
  },
  // Listed because Flinks has not refreshed them for 8 days: one manual refresh brings them back.
  {
    name: 'stale',
    scenario: 'healthy',
    tenths: 1,
    lastSuccessAgoMs: 8 * DAY_MS,
    listed: true,
    status: 'scheduled',
    liveRefreshes: 1,
  },
];

export interface Fleet {
  loginIds: string[];
  groupOf: Map<string, FleetGroup>;
  /** Cards per group name. */
  counts: Record<string, number>;
  listed: number;
}

/**
 * Creates `size` cards at the simulator (a multiple of 10), connects each through the product's client, and runs
 * Flinks' nightly job for tonight, so its list says what each scenario did without a user. Resolves once visibility
 * lists every card; the simulator's counters start at zero.
 */
export async function createFleet(
  world: RoutineWorld,
  size: number,
  /** How a card is connected: by default the product's client; a backend may start it with its own. */
  connect: (loginId: string, connectedAt: string) => Promise<unknown> = (loginId, connectedAt) =>
    world.cards.connect(loginId, { institution: 'FlinksCapital', connectedAt }),
): Promise<Fleet> {
  if (size % 10 !== 0) throw new Error(`a fleet is a multiple of 10 cards, not ${size}`);
  const groupOf = new Map<string, FleetGroup>();
  const counts: Record<string, number> = {};
  for (const group of FLEET_GROUPS) {
    counts[group.name] = (size * group.tenths) / 10;
    for (let i = 0; i < (size * group.tenths) / 10; i++) {
      const card = await world.sim.admin.createCard({
        scenario: group.scenario,
        ...(group.lastSuccessAgoMs ? { lastSuccessfulRefreshAt: Date.now() - group.lastSuccessAgoMs } : {}),
      });
      groupOf.set(card.loginId, group);
    }
  }
  const loginIds = [...groupOf.keys()];
  // The card believes its last refresh was recent; only Flinks' list says otherwise for the stale group.
  const connectedAt = new Date(Date.now() - 60_000).toISOString();
  await forEachBounded(loginIds, 25, async (loginId) => {
    await connect(loginId, connectedAt);
  });
  // The routine finds cards through visibility, which indexes new workflows a moment after they start.
  const query = cardQuery({
    workflowType: CARD_WORKFLOW_TYPE,
    taskQueue: world.taskQueue,
    idPrefix: CARD_WORKFLOW_ID_PREFIX,
  });
  let visible = 0;
  await waitFor(
    async () => {
      visible = (await world.env.client.workflow.count(query)).count;
      return visible === size ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  ).catch((error: unknown) => {
    throw new Error(`visibility lists ${visible} of ${size} cards: ${String(error)}`);
  });
  await world.sim.admin.runNightlyJob();
  await world.sim.admin.resetCounters();
  const listed = FLEET_GROUPS.filter((g) => g.listed).reduce((n, g) => n + (counts[g.name] ?? 0), 0);
  return { loginIds, groupOf, counts, listed };
}

/** A worker process and the fleet, side by side: the worker boots while the cards are created. */
export async function deployFleet(
  world: RoutineWorld,
  size: number,
  report: FaultReport,
): Promise<{ worker: WorkerProcess; fleet: Fleet }> {
  const [worker, fleet] = await Promise.all([world.startWorkerProcess(), createFleet(world, size)]);
  report.mark('fleet ready');
  return { worker, fleet };
}

export interface FleetExpectations {
  /** A card not where its scenario leads may instead be `errored` with a code this accepts (default: none). */
  erroredAllowed?: (code: string) => boolean;
  /**
   * Exactly its group's live refreshes, never two in a night (default). False under Flinks faults, where a live
   * attempt may be refused before the bank sees it, or its session may expire and be opened again.
   */
  exactLiveRefreshes?: boolean;
}

/**
 * One line per card that is not where its group must be after `routineId`: a wrong status, a routine it never
 * handled, or (by default) a live-refresh count other than its group's.
 */
export function fleetProblems(
  fleet: Fleet,
  views: ReadonlyMap<string, CardView>,
  liveRefreshes: Readonly<Record<string, Readonly<Record<string, number>>>>,
  routineId: string,
  { erroredAllowed = () => false, exactLiveRefreshes = true }: FleetExpectations = {},
): string[] {
  const problems: string[] = [];
  for (const [loginId, group] of fleet.groupOf) {
    const view = views.get(loginId);
    const nights = Object.values(liveRefreshes[loginId] ?? {});
    const live = nights.reduce((a, b) => a + b, 0);
    const code = view?.lastError?.code ?? null;
    const erroredAsAllowed = view?.status === 'errored' && code !== null && erroredAllowed(code);
    const statusOk = view?.status === group.status || erroredAsAllowed;
    // A card errored with an allowed code may have made fewer live refreshes (its attempt gave up before sending),
    // never more.
    const liveOk =
      !exactLiveRefreshes ||
      (nights.every((n) => n <= 1) &&
        (live === group.liveRefreshes || (erroredAsAllowed && live < group.liveRefreshes)));
    if (!view || !statusOk || view.lastRoutineId !== routineId || !liveOk) {
      problems.push(
        `${group.name} ${loginId}: ${view?.status ?? 'no card'} (${code ?? 'no error'}), routine ${
          view?.lastRoutineId ?? 'none'
        }, live refreshes by night ${JSON.stringify(liveRefreshes[loginId] ?? {})}`,
      );
    }
  }
  return problems;
}

/**
 * Cards gone missing: no running workflow among `runningWorkflowIds` (from visibility), or a card that never
 * handled `routineId` (its state went back, or the routine skipped it).
 */
export function cardsLost(
  fleet: Fleet,
  views: ReadonlyMap<string, CardView>,
  runningWorkflowIds: ReadonlySet<string>,
  routineId: string,
): number {
  return fleet.loginIds.filter(
    (id) => !runningWorkflowIds.has(cardWorkflowId(id)) || views.get(id)?.lastRoutineId !== routineId,
  ).length;
}

/** `loginId night: n` of every card Flinks saw log in live more than once in one night. */
export function secondLiveLogins(
  byCardAndNight: Readonly<Record<string, Readonly<Record<string, number>>>>,
): string[] {
  return Object.entries(byCardAndNight).flatMap(([loginId, nights]) =>
    Object.entries(nights)
      .filter(([, n]) => n > 1)
      .map(([night, n]) => `${loginId} ${night}: ${n}`),
  );
}

/**
 * Cards left `refreshing` once the night has settled: by their own view, or by visibility's FlinksCardStatus (what
 * the routine queries and the Web UI lists), which follows the card within `visibilityWaitMs`.
 */
export async function stuckInRefreshing(
  world: RoutineWorld,
  views: ReadonlyMap<string, CardView>,
  visibilityWaitMs = 15_000,
): Promise<string[]> {
  const byView = [...views]
    .filter(([, view]) => view.status === 'refreshing')
    .map(([id]) => `${id} (its view)`);
  const query = cardQuery({
    workflowType: CARD_WORKFLOW_TYPE,
    taskQueue: world.taskQueue,
    idPrefix: CARD_WORKFLOW_ID_PREFIX,
    status: 'refreshing',
  });
  let listed: string[] = [];
  await waitFor(
    async () => {
      listed = [];
      for await (const execution of world.env.client.workflow.list({ query }))
        listed.push(execution.workflowId);
      return listed.length === 0 ? true : undefined;
    },
    { timeoutMs: visibilityWaitMs, intervalMs: 500 },
  ).catch(() => undefined);
  return [...byView, ...listed.map((workflowId) => `${workflowId} (visibility)`)];
}

/** Live refreshes Flinks saw, every card and night together. */
export function liveRefreshTotal(
  byCardAndNight: Readonly<Record<string, Readonly<Record<string, number>>>>,
): number {
  return Object.values(byCardAndNight)
    .flatMap((nights) => Object.values(nights))
    .reduce((a, b) => a + b, 0);
}
