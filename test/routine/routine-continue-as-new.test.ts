// Cards that continue-as-new while their shard is being listed are still signalled that night. A storm of harmless
// signals (a backend repeating a reconnect the card has already fetched) pushes the oldest cards past a small
// continue-as-new threshold right after the shard's first page: each one's old run closes and its new run starts
// while the shard lists them.
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { forEachBounded } from '../../src/domain/for-each-bounded';
import { reconnectedSignal } from '../../src/workflows/definitions';
import { waitFor } from '../harness/wait-for';
import { cardHandle, createRoutineWorld, type RoutineWorld, startRoutine } from './routine-world';

/** Enough newer cards in front of the stormed ones that the storm lands first, even on a loaded machine (CI once
 * saw 100 cards listed before any stormed card had continued-as-new). */
const CARDS = 300;
/** The oldest cards, listed last: they continue-as-new before the shard reaches them. */
const STORMED = 20;
/** A quiet card's run has a handful of events; a few signals take it past 10. */
const CONTINUE_AS_NEW_AFTER = 10;
const SIGNALS_PER_STORMED_CARD = 6;

let world: RoutineWorld;
const loginIds: string[] = [];
/** Each stormed card's run before the routine, and the reconnect it has fetched. */
const stormed = new Map<string, { runId: string; requestId: string }>();

beforeAll(async () => {
  world = await createRoutineWorld({ env: { LOG_LEVEL: 'error' } });
  await world.startWorkers();
  for (let i = 0; i < CARDS; i++)
    loginIds.push((await world.sim.admin.createCard({ scenario: 'healthy' })).loginId);
  // The stormed cards first, so their runs are the oldest: visibility lists the newest runs first. Each fetches a
  // reconnect's data as it connects (and continues-as-new past the threshold), then rests.
  await forEachBounded(loginIds.slice(0, STORMED), 10, async (id) => {
    const { requestId } = await world.sim.admin.completeUserReconnect(id);
    await world.cards.connect(id, {
      institution: 'FlinksCapital',
      requestId,
      policy: { continueAsNewAfterEvents: CONTINUE_AS_NEW_AFTER },
    });
    const { runId } = await waitFor(async () => {
      const { raw, runId } = await cardHandle(world, id).describe();
      const resting = !raw.pendingWorkflowTask && (raw.pendingActivities ?? []).length === 0;
      return resting && (await world.cards.getCard(id)).pendingRequestId === null ? { runId } : undefined;
    });
    stormed.set(id, { runId, requestId });
  });
  await forEachBounded(loginIds.slice(STORMED), 25, (id) =>
    world.cards.connect(id, { institution: 'FlinksCapital' }).then(() => undefined),
  );
  await world.sim.admin.resetCounters();
});

afterAll(async () => {
  await world?.close();
});

test('cards continuing-as-new while their shard lists them are all signalled, once each', async () => {
  // One shard, one card a page, one signal at a time: the listing takes 300 pages, time for the storm to land.
  const { routineId, handle } = await startRoutine(world, 'can', {
    cardsPerShard: 1_000,
    pageSize: 1,
    signalConcurrency: 1,
  });
  // The shard is listing: one of the newest cards (listed first) has its signal.
  const newest = loginIds.slice(-5);
  await waitFor(
    async () => {
      const views = await Promise.all(newest.map((id) => world.cards.getCard(id)));
      return views.some((v) => v.lastRoutineId === routineId) ? true : undefined;
    },
    { intervalMs: 5 },
  );
  const stormStartedAt = Date.now();
  // All at once: the storm has to land before the cursor, which lists the stormed cards last.
  await Promise.all(
    [...stormed].flatMap(([id, { requestId }]) =>
      Array.from({ length: SIGNALS_PER_STORMED_CARD }, () =>
        cardHandle(world, id).signal(reconnectedSignal, { requestId }),
      ),
    ),
  );
  const result = await handle.result();

  // The storm reached the cards while the shard was listing: their run of before ended before the shard finished.
  const routineEvents = (await handle.fetchHistory()).events ?? [];
  const shardDoneAt =
    optionalTsToMs(routineEvents.filter((e) => e.activityTaskCompletedEventAttributes).at(-1)?.eventTime) ??
    0;
  const continuedWhileListed: string[] = [];
  for (const [id, { runId }] of stormed) {
    const before = await world.env.client.workflow
      .getHandle(cardHandle(world, id).workflowId, runId)
      .fetchHistory();
    const last = before.events?.at(-1);
    const at = optionalTsToMs(last?.eventTime) ?? 0;
    if (last?.workflowExecutionContinuedAsNewEventAttributes && at >= stormStartedAt && at < shardDoneAt)
      continuedWhileListed.push(id);
  }
  process.stderr.write(
    `[continue-as-new] ${continuedWhileListed.length}/${STORMED} stormed cards continued-as-new while listed; ` +
      `${result.signalled}/${CARDS} signalled, ${result.pages} pages\n`,
  );
  expect(continuedWhileListed.length).toBeGreaterThanOrEqual(STORMED / 2);

  expect(result).toMatchObject({ cards: CARDS, signalled: CARDS, failedShards: [] });
  const views = await world.settled(loginIds, routineId, 20_000);
  expect([...views.values()].filter((v) => v.lastRoutineId !== routineId)).toEqual([]);
});
