// The heartbeat that says "this attempt may have sent its live Authorize" reaches Temporal before the Authorize does:
// a worker process killed (SIGKILL) while Flinks holds its live Authorize leaves that mark behind, and the retry on
// the next worker, a heartbeat timeout (1 minute) later, sends nothing and ends the refresh LIVE_SESSION_LOST.
import { createRoutineWorld, type RoutineWorld, type WorkerProcess } from '../routine/routine-world';
import { waitFor } from '../harness/wait-for';
import { connectedCard, liveLogins, refreshUnder } from './live-logins';

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

test('a worker killed while Flinks holds its live Authorize: the retry sends none, errored LIVE_SESSION_LOST', async () => {
  const loginId = await connectedCard(world);
  const { result } = await refreshUnder(
    world,
    loginId,
    { slowAnswerRate: 1, slowAnswerMs: 10 * 60_000, endpoints: ['Authorize'] },
    async () => {
      await waitFor(async () => ((await liveLogins(world, loginId)).authorizes > 0 ? true : undefined));
      await worker.kill();
      worker = await world.startWorkerProcess();
    },
  );
  expect(result).toEqual({ outcome: 'failed', errorCode: 'LIVE_SESSION_LOST' });
  expect(await liveLogins(world, loginId)).toEqual({ authorizes: 1, loginsPerNight: [1] });
  expect(await world.cards.getCard(loginId)).toMatchObject({
    status: 'errored',
    lastError: { code: 'LIVE_SESSION_LOST' },
  });
}, 120_000);
