// A card whose nightlyStatus signal keeps failing is reported by ID, and its shard carries on: every other card is
// signalled. The failing card is real: its run is at the server's signal limit (`history.maximumSignalsPerExecution`,
// 10,000 in production, 3 on this suite's own dev server).
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { forEachBounded } from '../../src/domain/for-each-bounded';
import { reconnectedSignal } from '../../src/workflows/definitions';
import { startPrivateDevServer } from '../harness/dev-server';
import { cardHandle, createRoutineWorld, type RoutineWorld, startRoutine } from './routine-world';

const SIGNAL_LIMIT = 3;
const CARDS = 12;
/** Connected in the middle: the shard lists cards before and after it. */
const FULL = 6;

let server: TestWorkflowEnvironment;
let world: RoutineWorld;
const loginIds: string[] = [];
let full: string;

beforeAll(async () => {
  server = await startPrivateDevServer([
    '--dynamic-config-value',
    `history.maximumSignalsPerExecution=${SIGNAL_LIMIT}`,
  ]);
  world = await createRoutineWorld({ temporalAddress: server.address });
  await world.startWorkers();
  for (let i = 0; i < CARDS; i++)
    loginIds.push((await world.sim.admin.createCard({ scenario: 'healthy' })).loginId);
  full = loginIds[FULL] as string;
  await forEachBounded(loginIds.slice(0, FULL), 10, (id) =>
    world.cards.connect(id, { institution: 'FlinksCapital' }).then(() => undefined),
  );
  await world.cards.connect(full, { institution: 'FlinksCapital' });
  // Malformed signals: the card ignores them, and each counts towards its run's limit.
  for (let i = 0; i < SIGNAL_LIMIT; i++) await cardHandle(world, full).signal(reconnectedSignal, {} as never);
  await forEachBounded(loginIds.slice(FULL + 1), 10, (id) =>
    world.cards.connect(id, { institution: 'FlinksCapital' }).then(() => undefined),
  );
});

afterAll(async () => {
  await world?.close();
  await server?.teardown();
});

test('a card whose signal keeps failing is reported by ID; its shard signals every other card', async () => {
  // The premise: the server refuses this card any further signal.
  await expect(cardHandle(world, full).signal(reconnectedSignal, {} as never)).rejects.toThrow();

  // One shard, two cards a page: the failing card sits mid-listing.
  const started = await startRoutine(world, 'fails', {
    cardsPerShard: 1_000,
    pageSize: 2,
    signalConcurrency: 1,
  });
  const { routineId } = started;
  const result = await started.handle.result();
  expect(result).toMatchObject({
    cards: CARDS,
    signalled: CARDS - 1,
    signalFailed: { count: 1, withEntry: 0, loginIds: [full.toLowerCase()], truncated: false },
    failedShards: [],
  });
  const others = loginIds.filter((id) => id !== full);
  const views = await world.settled(others, routineId, 20_000);
  expect(views.size).toBe(CARDS - 1);
  expect((await world.cards.getCard(full)).lastRoutineId).toBeNull();
});
