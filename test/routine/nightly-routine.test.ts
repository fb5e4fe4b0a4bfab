// The nightly routine over a few hundred simulator cards of mixed scenarios, started by its schedule's trigger:
// every live card is signalled once, each ends where its scenario leads, and the result's counts add up.
import { randomUUID } from 'node:crypto';
import { type Scenario } from '../../src/simulator';
import { forEachBounded } from '../../src/domain/for-each-bounded';
import { applySchedule } from '../../src/schedule';
import { type RoutineResult } from '../../src/domain/routine-result';
import { DAY_MS } from '../../src/domain/time';
import { waitFor } from '../harness/wait-for';
import { cardHandle, createRoutineWorld, type RoutineWorld, signalsReceived } from './routine-world';

const PER_SCENARIO = 30;

/** What each group of cards is, in Flinks and in our app, and where the routine must leave it. */
interface Group {
  name: string;
  scenario: Scenario;
  count: number;
  /** Flinks' own last success this long ago (default: now). */
  lastSuccessAgoMs?: number;
  workflow: 'live' | 'unscheduled' | 'disconnected' | 'none';
  listed: boolean;
  status: string | null;
  liveRefreshes: number;
}

const groups: Group[] = [
  {
    name: 'healthy',
    scenario: 'healthy',
    count: PER_SCENARIO,
    workflow: 'live',
    listed: false,
    status: 'scheduled',
    liveRefreshes: 0,
  },
  {
    name: 'slow',
    scenario: 'slow',
    count: PER_SCENARIO,
    workflow: 'live',
    listed: false,
    status: 'scheduled',
    liveRefreshes: 0,
  },
  // Flinks keeps these eligible and retries them itself; the card records the error and waits.
  {
    name: 'retry-later',
    scenario: 'retry-later',
    count: PER_SCENARIO,
    workflow: 'live',
    listed: false,
    status: 'scheduled',
    liveRefreshes: 0,
  },
  {
    name: 'disabled-institution',
    scenario: 'disabled-institution',
    count: PER_SCENARIO,
    workflow: 'live',
    listed: false,
    status: 'scheduled',
    liveRefreshes: 0,
  },
  // Listed with an error only the user can fix: the card waits for them, without a live attempt.
  {
    name: 'mfa-on-live',
    scenario: 'mfa-on-live',
    count: PER_SCENARIO,
    workflow: 'live',
    listed: true,
    status: 'awaiting-user-mfa',
    liveRefreshes: 0,
  },
  {
    name: 'invalid-credentials',
    scenario: 'invalid-credentials',
    count: PER_SCENARIO,
    workflow: 'live',
    listed: true,
    status: 'awaiting-user-mfa',
    liveRefreshes: 0,
  },
  // Listed because Flinks has not refreshed them for 8 days: one manual refresh brings them back.
  {
    name: 'stale',
    scenario: 'healthy',
    count: PER_SCENARIO,
    lastSuccessAgoMs: 8 * DAY_MS,
    workflow: 'live',
    listed: true,
    status: 'scheduled',
    liveRefreshes: 1,
  },
  {
    name: 'unscheduled',
    scenario: 'healthy',
    count: 10,
    workflow: 'unscheduled',
    listed: false,
    status: 'unscheduled',
    liveRefreshes: 0,
  },
  {
    name: 'disconnected',
    scenario: 'healthy',
    count: 5,
    workflow: 'disconnected',
    listed: false,
    status: null,
    liveRefreshes: 0,
  },
  {
    name: 'listed, no card',
    scenario: 'invalid-credentials',
    count: 5,
    workflow: 'none',
    listed: true,
    status: null,
    liveRefreshes: 0,
  },
];

let world: RoutineWorld;
const members = new Map<string, string[]>();

beforeAll(async () => {
  world = await createRoutineWorld();
  await world.startWorkers();
  for (const group of groups) {
    const ids: string[] = [];
    for (let i = 0; i < group.count; i++) {
      const card = await world.sim.admin.createCard({
        scenario: group.scenario,
        scheduledRefresh: group.workflow !== 'unscheduled',
        ...(group.lastSuccessAgoMs ? { lastSuccessfulRefreshAt: Date.now() - group.lastSuccessAgoMs } : {}),
      });
      ids.push(card.loginId);
    }
    members.set(group.name, ids);
  }
  const all = groups.flatMap((g) =>
    g.workflow === 'none' ? [] : (members.get(g.name) ?? []).map((id) => ({ id, g })),
  );
  await forEachBounded(all, 25, async ({ id, g }) => {
    await world.cards.connect(id, {
      institution: 'FlinksCapital',
      // The card believes its last refresh was recent; only Flinks' list says otherwise for the stale group.
      connectedAt: new Date(Date.now() - 60_000).toISOString(),
      ...(g.workflow === 'unscheduled' ? { scheduledRefresh: false } : {}),
    });
  });
  const gone = members.get('disconnected') ?? [];
  await forEachBounded(gone, 5, (id) => world.cards.disconnect(id).then(() => undefined));
  await waitFor(async () => {
    const views = await Promise.all(gone.map((id) => world.cards.getCard(id)));
    return views.every((v) => v.status === 'disconnected') ? true : undefined;
  });
  // Flinks' 04:00-08:00 job, tonight, for every card: it records what each scenario does without a user.
  await world.sim.admin.runNightlyJob();
  await world.sim.admin.resetCounters();
});

afterAll(async () => {
  await world?.close();
});

test('a triggered routine signals every live card once; each ends as its scenario dictates; the counts add up', async () => {
  const scheduleId = `routine-test-${randomUUID()}`;
  await applySchedule(world.env.client, {
    scheduleId,
    taskQueue: world.taskQueue,
    flinksTaskQueue: world.config.flinks.taskQueue,
    // Small shards and pages, so a few hundred cards exercise what 100,000 would: 16 shards, several pages each.
    routineInput: { cardsPerShard: 30, pageSize: 7 },
  });
  const schedule = world.env.client.schedule.getHandle(scheduleId);
  let result: RoutineResult;
  let routineWorkflowId: string;
  try {
    await schedule.trigger();
    routineWorkflowId = await waitFor(
      async () => (await schedule.describe()).info.recentActions[0]?.action.workflow.workflowId,
    );
    result = await world.env.client.workflow.getHandle(routineWorkflowId).result();
  } finally {
    await schedule.delete();
  }

  const today = new Date().toISOString().slice(0, 10);
  expect(routineWorkflowId).toMatch(new RegExp(`^${scheduleId}-${today}T`));
  const live = groups.filter((g) => g.workflow === 'live' || g.workflow === 'unscheduled');
  const liveCount = live.reduce((n, g) => n + g.count, 0);
  const listedWithCard = groups
    .filter((g) => g.listed && g.workflow === 'live')
    .reduce((n, g) => n + g.count, 0);
  expect(result).toMatchObject({
    routineId: `nightly-${today}`,
    cards: liveCount,
    signalled: liveCount,
    ineligible: listedWithCard + 5,
    outcomes: {
      signalledWithEntry: listedWithCard,
      signalledWithNull: liveCount - listedWithCard,
      gone: 0,
      disconnected: 0,
    },
    listedWithoutCard: {
      count: 5,
      loginIds: [...(members.get('listed, no card') ?? [])].sort(),
      truncated: false,
    },
    shards: 16,
    failedShards: [],
  });
  expect(result.pages).toBeGreaterThan(16);
  expect(Object.values(result.byStatus).reduce((a, b) => a + b, 0)).toBe(liveCount);

  const views = await world.settled(
    live.flatMap((g) => members.get(g.name) ?? []),
    result.routineId,
  );
  const counters = await world.sim.admin.counters();
  const problems: string[] = [];
  for (const group of live) {
    for (const loginId of members.get(group.name) ?? []) {
      const view = views.get(loginId);
      const signals = await signalsReceived(cardHandle(world, loginId), 'nightlyStatus');
      const liveRefreshes = Object.values(counters.liveRefreshesByCardAndNight[loginId] ?? {}).reduce(
        (a, b) => a + b,
        0,
      );
      if (view?.status !== group.status || signals !== 1 || liveRefreshes !== group.liveRefreshes) {
        problems.push(
          `${group.name} ${loginId}: ${view?.status}, ${signals} signals, ${liveRefreshes} live refreshes`,
        );
      }
    }
  }
  expect(problems).toEqual([]);

  const routineHistory = await world.env.client.workflow.getHandle(routineWorkflowId).fetchHistory();
  // 16 shards: far below the ~1,560-event ceiling the design promises at any card count.
  expect(routineHistory.events?.length).toBeLessThan(16 * 6 + 30);
});
