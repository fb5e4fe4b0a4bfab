// A live login is never made twice in a night because its answer was lost on the way back. Either Flinks' answer came
// back garbled (a body cut in half) and is not retried, or it never reached Temporal (a worker killed between Flinks'
// answer and the heartbeat, which the crash suite meets by chance) and the retried activity finds the card busy with
// that session and stops at once, instead of retrying CONCURRENT_SESSION for minutes and logging in again after.
import { FlinksClient } from '../../src/flinks';
import { createRoutineWorld, type RoutineWorld, SECRET, type WorkerProcess } from '../routine/routine-world';

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

async function connectedCard(): Promise<string> {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
  await world.cards.connect(loginId, { institution: 'FlinksCapital' });
  return loginId;
}

async function liveLogins(loginId: string): Promise<{ refreshes: number[]; attempts: number }> {
  const counters = await world.sim.admin.counters();
  return {
    refreshes: Object.values(counters.liveRefreshesByCardAndNight[loginId] ?? {}),
    attempts: counters.byCard[loginId]?.['authorize-live'] ?? 0,
  };
}

test('a live Authorize answered with a cut body is not retried: one live login, errored MALFORMED_RESPONSE', async () => {
  const loginId = await connectedCard();
  await world.sim.admin.setFaults({ malformedRate: 1, endpoints: ['Authorize'] });
  try {
    expect(await world.cards.refreshNow(loginId)).toEqual({
      outcome: 'failed',
      errorCode: 'MALFORMED_RESPONSE',
    });
  } finally {
    await world.sim.admin.clearFaults();
  }
  expect(await liveLogins(loginId)).toEqual({ refreshes: [1], attempts: 1 });
  expect(await world.cards.getCard(loginId)).toMatchObject({
    status: 'errored',
    lastError: { code: 'MALFORMED_RESPONSE' },
  });
});

test('a retried live refresh that finds the card busy stops with LIVE_SESSION_LOST and logs in no second time', async () => {
  const loginId = await connectedCard();
  // The session an attempt opened before its worker died: live at Flinks, unknown to Temporal.
  const flinks = new FlinksClient({ baseUrl: world.sim.baseUrl, secretKey: SECRET });
  try {
    await flinks.authorize({ loginId, mostRecentCached: false, save: true });
  } finally {
    await flinks.close();
  }
  // Attempt 1 meets CONCURRENT_SESSION and is retried (someone may be in Flinks Connect); attempt 2, 10 s later,
  // meets it again and stops.
  expect(await world.cards.refreshNow(loginId)).toEqual({
    outcome: 'failed',
    errorCode: 'LIVE_SESSION_LOST',
  });
  expect(await liveLogins(loginId)).toEqual({ refreshes: [1], attempts: 3 });
  expect(await world.cards.getCard(loginId)).toMatchObject({
    status: 'errored',
    lastError: { code: 'LIVE_SESSION_LOST' },
  });
}, 60_000);
