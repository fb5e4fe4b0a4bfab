// A live login whose answer never came back intact is not repeated. Flinks opened the session, but its requestId did
// not reach Temporal (a body cut in half here; a worker killed between Flinks' answer and the heartbeat in the
// crash suite). The retried activity finds the card busy with that session (CONCURRENT_SESSION) and stops at once:
// one live login, the card errored LIVE_SESSION_LOST, instead of minutes of retries or a second login tonight.
import { createRoutineWorld, type RoutineWorld, type WorkerProcess } from '../routine/routine-world';

let world: RoutineWorld;
let worker: WorkerProcess;

beforeAll(async () => {
  world = await createRoutineWorld();
  worker = await world.startWorkerProcess();
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await world?.close();
});

test('a live Authorize answered with a cut body: the retry stops on the open session, one live login', async () => {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
  await world.cards.connect(loginId, { institution: 'FlinksCapital' });
  await world.sim.admin.setFaults({ malformedRate: 1, endpoints: ['Authorize'] });

  const refresh = world.cards.refreshNow(loginId);
  // Only the first Authorize is cut: the retry (10 s later) gets Flinks' real answer.
  for (let i = 0; i < 200 && !(await world.sim.admin.counters()).byKind['authorize-live']; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await world.sim.admin.clearFaults();

  expect(await refresh).toEqual({ outcome: 'failed', errorCode: 'LIVE_SESSION_LOST' });
  const counters = await world.sim.admin.counters();
  expect(counters.faultsInjected).toEqual({ malformed: 1 });
  expect(Object.values(counters.liveRefreshesByCardAndNight[loginId] ?? {})).toEqual([1]);
  expect(counters.byCard[loginId]).toMatchObject({ 'authorize-live': 2 });
  expect(await world.cards.getCard(loginId)).toMatchObject({
    status: 'errored',
    lastError: { code: 'LIVE_SESSION_LOST' },
  });
}, 90_000);
