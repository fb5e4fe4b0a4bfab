// A routine whose worker dies mid-way finishes on a new worker without a second refresh of any card, and a
// manual re-run of the same routineId changes nothing for the cards already done.
import { forEachBounded } from '../../src/domain/for-each-bounded';
import { type RoutineResult } from '../../src/domain/routine-result';
import { runRoutineNow } from '../../src/schedule';
import { uniqueTaskQueue } from '../harness/task-queue';
import { waitFor } from '../harness/wait-for';
import { completedShards, createRoutineWorld, type RoutineWorld, startRoutine } from './routine-world';

const CARDS = 64;
let world: RoutineWorld;
const loginIds: string[] = [];

beforeAll(async () => {
  world = await createRoutineWorld();
  for (let i = 0; i < CARDS; i++)
    loginIds.push((await world.sim.admin.createCard({ scenario: 'healthy' })).loginId);
});

afterAll(async () => {
  await world?.close();
});

test('killed mid-way and retried: every card refreshed exactly once; a re-run for the same routineId changes nothing', async () => {
  // The routine's worker (workflows and routine activities) will stop without grace, cutting off the shard in
  // flight. (A short sticky timeout lets the next worker pick the routine and the cards up in a second, not ten.)
  const first = await world.startWorkers({
    workerOptions: { main: { shutdownGraceTime: 0, stickyQueueScheduleToStartTimeout: '1 second' } },
  });
  await forEachBounded(loginIds, 25, (id) =>
    world.cards.connect(id, { institution: 'FlinksCapital' }).then(() => undefined),
  );
  await world.sim.admin.resetCounters();

  // maxDataAge 1 ms: every card refreshes live once, so a second refresh would show in the counters.
  // 16 shards of ~4 cards, one card a page, one signal at a time: a shard is slow enough to be caught mid-way.
  const { routineId, handle } = await startRoutine(world, 'crash', {
    maxDataAge: '1 ms',
    cardsPerShard: 4,
    pageSize: 1,
    shardConcurrency: 1,
    signalConcurrency: 1,
  });
  // Stop while the 4th shard or a later one is mid-way: it has heartbeated, so it is past its first page. (Its
  // activity ID says which: step 1 is '1', the count '2', the shards '3' to '18'.)
  await waitFor(
    async () => {
      const { raw } = await handle.describe();
      const midShard = (raw.pendingActivities ?? []).some(
        (a) =>
          a.activityType?.name === 'signalCardShard' &&
          Number(a.activityId) >= 6 &&
          (a.heartbeatDetails?.payloads ?? []).length > 0,
      );
      return midShard ? true : undefined;
    },
    { intervalMs: 2 },
  );
  // The routine's worker dies; the Flinks worker beside it lives on (a Flinks call cut off by a dying worker
  // would only come back after its one-minute heartbeat timeout, which is the cards' story, not the routine's).
  first.workers.main.shutdown();
  await waitFor(async () => (first.workers.main.getState() === 'STOPPED' ? true : undefined));
  const midway = await completedShards(handle);
  expect(midway.completed).toBeLessThan(16);

  // A new worker for the workflows and the routine; its own Flinks worker polls an idle queue, since the first
  // one still serves the Flinks queue.
  await world.startWorkers({ flinksTaskQueue: uniqueTaskQueue('idle-flinks') });
  const result = await handle.result();
  const after = await completedShards(handle);
  // Replay kept the shards done before the crash: none was scheduled twice. (The shard cut off, when the stop
  // caught one, was retried and resumed after its last heartbeated page.)
  expect(after).toMatchObject({ scheduled: 16, completed: 16 });
  expect(result).toMatchObject({ cards: CARDS, signalled: CARDS, failedShards: [] });

  const views = await world.settled(loginIds, routineId);
  const refreshesOf = async () => {
    const counters = await world.sim.admin.counters();
    return loginIds.map((id) => ({
      id,
      live: Object.values(counters.liveRefreshesByCardAndNight[id] ?? {}).reduce((a, b) => a + b, 0),
      cached: counters.byCard[id]?.['authorize-cached'] ?? 0,
    }));
  };
  const once = await refreshesOf();
  expect(once.filter((c) => c.live !== 1)).toEqual([]);
  expect([...views.values()].filter((v) => v.status !== 'scheduled')).toEqual([]);

  // A manual re-run of the same routine: every card hears it again and ignores it.
  const again = await runRoutineNow(world.env.client, {
    taskQueue: world.taskQueue,
    flinksTaskQueue: world.config.flinks.taskQueue,
    routineId,
    maxDataAge: '1 ms',
  });
  const rerun: RoutineResult = await again.handle.result();
  expect(rerun).toMatchObject({ routineId, cards: CARDS, signalled: CARDS });
  await world.settled(loginIds, routineId);
  expect(await refreshesOf()).toEqual(once);
});
