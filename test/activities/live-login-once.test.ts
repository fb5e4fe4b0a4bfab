// A live refresh sends at most one live Authorize a night, whatever happens to its answer: real cards on the dev
// server, the product's workers, the simulator over HTTP. Flinks processes the Authorize (a bank login, counted) and
// then either loses the answer (the connection dropped) or answers after the card's 1-minute heartbeat timeout (a
// slow bank). Neither may lead to a second live Authorize: the first is retried only when it provably never left.
import { createRoutineWorld, type RoutineWorld, type RunningWorkers } from '../routine/routine-world';
import { connectedCard, liveLogins, refreshUnder } from './live-logins';

let world: RoutineWorld;
let workers: RunningWorkers;

beforeAll(async () => {
  world = await createRoutineWorld();
  workers = await world.startWorkers();
}, 60_000);

afterAll(async () => {
  await workers?.stop();
  await world?.close();
});

test('a live Authorize whose answer is lost after Flinks processed it is not sent again: one login, errored', async () => {
  const loginId = await connectedCard(world);
  const { result } = await refreshUnder(world, loginId, { lostAnswerRate: 1, endpoints: ['Authorize'] });
  expect(result).toEqual({ outcome: 'failed', errorCode: 'NETWORK_ERROR' });
  expect(await liveLogins(world, loginId)).toEqual({ authorizes: 1, loginsPerNight: [1] });
  expect(await world.cards.getCard(loginId)).toMatchObject({
    status: 'errored',
    lastError: { code: 'NETWORK_ERROR' },
  });
}, 60_000);

test('a live Authorize slower than the heartbeat timeout keeps its attempt alive: one login, refreshed', async () => {
  const loginId = await connectedCard(world);
  // Past the card's 1-minute heartbeat timeout (the workflow's, which tests cannot shorten), and under ~90 s in all.
  const slowAnswerMs = 65_000;
  const { result, ms } = await refreshUnder(world, loginId, {
    slowAnswerRate: 1,
    slowAnswerMs,
    endpoints: ['Authorize'],
  });
  expect(result).toMatchObject({ outcome: 'refreshed' });
  expect(ms).toBeGreaterThanOrEqual(slowAnswerMs);
  expect(await liveLogins(world, loginId)).toEqual({ authorizes: 1, loginsPerNight: [1] });
  expect(await world.cards.getCard(loginId)).toMatchObject({ lastError: null });
}, 100_000);
