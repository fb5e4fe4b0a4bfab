// Every card route against the dev server, the product's workers and the Flinks simulator, over real HTTP.
import { randomUUID } from 'node:crypto';
import { waitFor } from '../harness/wait-for';
import { type RoutineWorld } from '../routine/routine-world';
import { createApiWorld, type RunningApi } from './api-harness';

let world: RoutineWorld;
let http: RunningApi;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ world, http, close } = await createApiWorld());
});

afterAll(() => close?.());

async function newCard(scenario: 'healthy' | 'mfa-on-live' = 'healthy'): Promise<string> {
  const { loginId } = await world.sim.admin.createCard({ scenario });
  const reply = await http.call('POST', '/cards', { body: { loginId, institution: 'FlinksCapital' } });
  expect(reply.status).toBe(201);
  return loginId;
}

const statusOf = async (loginId: string) => (await http.call('GET', `/cards/${loginId}`)).body.status;

test('POST /cards connects a card (201), and again finds it (200)', async () => {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
  const first = await http.call('POST', '/cards', {
    body: { loginId: loginId.toUpperCase(), institution: 'FlinksCapital', requestId: 'connect-1' },
  });
  expect(first).toMatchObject({
    status: 201,
    body: { loginId, workflowId: `flinks-card-${loginId}`, runId: expect.any(String), started: true },
  });
  const again = await http.call('POST', '/cards', { body: { loginId } });
  expect(again).toMatchObject({ status: 200, body: { loginId, runId: first.body.runId, started: false } });
});

test('GET /cards/:loginId is the card as it sees itself', async () => {
  const loginId = await newCard();
  const reply = await http.call('GET', `/cards/${loginId}`);
  expect(reply).toMatchObject({
    status: 200,
    body: { loginId, institution: 'FlinksCapital', status: 'scheduled', eligible: true, lastError: null },
  });
});

test('GET /cards lists by status, page by page', async () => {
  const ids = [await newCard(), await newCard()];
  const listed = await waitFor(async () => {
    const reply = await http.call('GET', '/cards?status=scheduled&pageSize=1000');
    const found = (reply.body.cards as { loginId: string }[]).map((c) => c.loginId);
    return ids.every((id) => found.includes(id)) ? reply : undefined;
  });
  expect(listed.status).toBe(200);

  const first = await http.call('GET', '/cards?pageSize=1');
  expect(first.body.cards).toHaveLength(1);
  expect(first.body.nextPageToken).toEqual(expect.any(String));
  const second = await http.call(
    'GET',
    `/cards?pageSize=1&pageToken=${encodeURIComponent(String(first.body.nextPageToken))}`,
  );
  expect(second.status).toBe(200);
  expect(second.body.cards).toHaveLength(1);
  expect(second.body.cards).not.toEqual(first.body.cards);
});

test('POST /cards/:loginId/refresh returns the refreshNow outcome', async () => {
  const healthy = await newCard();
  const refreshed = await http.call('POST', `/cards/${healthy}/refresh`);
  expect(refreshed).toMatchObject({
    status: 200,
    body: { loginId: healthy, outcome: 'refreshed', lastRefreshAt: expect.any(String) },
  });

  const mfa = await newCard('mfa-on-live');
  const prompted = await http.call('POST', `/cards/${mfa}/refresh`, { body: {} });
  expect(prompted).toMatchObject({
    status: 200,
    body: { loginId: mfa, outcome: 'mfa-required', requestId: expect.any(String) },
  });
  expect(await statusOf(mfa)).toBe('awaiting-user-mfa');
});

test('POST /cards/:loginId/reconnected brings a card awaiting its user back', async () => {
  const loginId = await newCard('mfa-on-live');
  const prompted = await http.call('POST', `/cards/${loginId}/refresh`);
  const requestId = String(prompted.body.requestId);
  // The user answers the question in Flinks Connect.
  await world.sim.admin.completeUserReconnect(loginId, requestId);
  const reply = await http.call('POST', `/cards/${loginId}/reconnected`, { body: { requestId } });
  expect(reply).toMatchObject({ status: 202, body: { loginId, workflowId: `flinks-card-${loginId}` } });
  await waitFor(async () => ((await statusOf(loginId)) === 'scheduled' ? true : undefined), {
    timeoutMs: 30_000,
  });
});

test('PUT /cards/:loginId/scheduled-refresh turns nightly refresh off and on', async () => {
  const loginId = await newCard();
  const off = await http.call('PUT', `/cards/${loginId}/scheduled-refresh`, { body: { enabled: false } });
  expect(off).toMatchObject({ status: 202, body: { loginId, scheduledRefresh: false } });
  await waitFor(async () => ((await statusOf(loginId)) === 'unscheduled' ? true : undefined));
  expect((await world.sim.admin.getCard(loginId)).scheduledRefresh).toBe(false);

  await http.call('PUT', `/cards/${loginId}/scheduled-refresh`, { body: { enabled: true } });
  await waitFor(async () => ((await statusOf(loginId)) === 'scheduled' ? true : undefined));
});

test('DELETE /cards/:loginId?deleteData=true disconnects and deletes at Flinks; the card then refuses a refresh', async () => {
  const loginId = await newCard();
  const reply = await http.call('DELETE', `/cards/${loginId}?deleteData=true`);
  expect(reply).toMatchObject({
    status: 202,
    body: { loginId, deleteData: true, alreadyDisconnected: false },
  });
  await waitFor(async () => ((await statusOf(loginId)) === 'disconnected' ? true : undefined), {
    timeoutMs: 30_000,
  });
  await expect(world.sim.admin.getCard(loginId)).rejects.toThrow(`no card ${loginId}`);

  const again = await http.call('DELETE', `/cards/${loginId}`);
  expect(again).toMatchObject({ status: 202, body: { alreadyDisconnected: true } });
  const refresh = await http.call('POST', `/cards/${loginId}/refresh`);
  expect(refresh).toMatchObject({ status: 409, body: { error: 'CardDisconnectedError' } });
});

test.each([
  ['GET', ''],
  ['POST', '/refresh'],
  ['PUT', '/scheduled-refresh'],
  ['DELETE', ''],
])('%s on an unknown card%s is 404', async (method, suffix) => {
  const loginId = randomUUID();
  const body = method === 'PUT' ? { enabled: true } : undefined;
  const reply = await http.call(method, `/cards/${loginId}${suffix}`, { body });
  expect(reply).toMatchObject({
    status: 404,
    body: {
      error: 'CardNotFoundError',
      message: `Card ${loginId} not found: no card workflow was ever started for it`,
    },
  });
});

test('a reconnect for an unknown card starts it (signal-with-start): nothing the user did is lost', async () => {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
  const { requestId } = await world.sim.admin.completeUserReconnect(loginId);
  const reply = await http.call('POST', `/cards/${loginId}/reconnected`, { body: { requestId } });
  expect(reply.status).toBe(202);
  await waitFor(async () => ((await statusOf(loginId)) === 'scheduled' ? true : undefined), {
    timeoutMs: 30_000,
  });
});
