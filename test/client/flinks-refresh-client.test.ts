// FlinksRefreshClient against the dev server, real workers and the simulator: every operation, and the named
// errors a backend (and the HTTP API) relies on.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import {
  CardDisconnectedError,
  CardNotFoundError,
  FlinksRefreshClient,
  InvalidLoginIdError,
  InvalidRequestError,
  TemporalUnavailableError,
} from '../../src/client';
import { cardWorkflowId } from '../../src/workflows/definitions';
import { FlinksCardStatus, FlinksLoginId } from '../../src/workflows/search-attributes';
import { startPrivateDevServer } from '../harness/dev-server';
import { waitFor } from '../harness/wait-for';
import { createRoutineWorld, type RoutineWorld } from '../routine/routine-world';

let world: RoutineWorld;

beforeAll(async () => {
  world = await createRoutineWorld();
  await world.startWorkers();
});

afterAll(async () => {
  await world?.close();
});

const newCard = async (scenario: 'healthy' | 'mfa-on-live' = 'healthy') =>
  (await world.sim.admin.createCard({ scenario })).loginId;

describe('validation, before anything reaches Temporal', () => {
  const bad = 'not-a-uuid';
  test.each([
    ['connect', () => world.cards.connect(bad)],
    ['reconnected', () => world.cards.reconnected(bad, 'r')],
    ['refreshNow', () => world.cards.refreshNow(bad)],
    ['setScheduledRefresh', () => world.cards.setScheduledRefresh(bad, true)],
    ['disconnect', () => world.cards.disconnect(bad)],
    ['getCard', () => world.cards.getCard(bad)],
  ])('%s refuses a loginId that is not a UUID, quoting it', async (_name, call) => {
    await expect(call()).rejects.toThrow(InvalidLoginIdError);
    await expect(call()).rejects.toThrow('Invalid loginId "not-a-uuid": a Flinks loginId is a UUID');
  });

  test.each([
    [
      'connect options',
      () => world.cards.connect(randomUUID(), { connectedAt: 'yesterday' }),
      'Invalid connect options: connectedAt: must be an ISO-8601 timestamp',
    ],
    [
      'unknown connect options',
      () => world.cards.connect(randomUUID(), { institutionName: 'x' } as never),
      "Unrecognized key(s) in object: 'institutionName'",
    ],
    ['an empty requestId', () => world.cards.reconnected(randomUUID(), ''), 'Invalid requestId'],
    [
      'a non-boolean enabled',
      () => world.cards.setScheduledRefresh(randomUUID(), 'yes' as never),
      'Invalid enabled: (payload): enabled must be a boolean',
    ],
    ['a page size of 0', () => world.cards.listCards({ pageSize: 0 }), 'Invalid list options: pageSize'],
    [
      'an unknown status',
      () => world.cards.listCards({ status: 'frozen' as never }),
      'Invalid list options: status',
    ],
    [
      'a made-up page token',
      () => world.cards.listCards({ nextPageToken: '%%%' }),
      'nextPageToken must be a token',
    ],
  ])('refuses %s with InvalidRequestError naming the field', async (_name, call, message) => {
    await expect(call()).rejects.toThrow(InvalidRequestError);
    await expect(call()).rejects.toThrow(message);
  });
});

test('connect is idempotent, names the login in the UI and sets the search attributes', async () => {
  const loginId = await newCard();
  const first = await world.cards.connect(loginId.toUpperCase(), { institution: 'FlinksCapital' });
  const again = await world.cards.connect(loginId, { institution: 'FlinksCapital' });

  expect(first).toMatchObject({ loginId, workflowId: cardWorkflowId(loginId), started: true });
  expect(again).toMatchObject({ loginId, runId: first.runId, started: false });
  const description = await world.env.client.workflow.getHandle(cardWorkflowId(loginId)).describe();
  expect(description.typedSearchAttributes.get(FlinksLoginId)).toBe(loginId);
  expect(description.typedSearchAttributes.get(FlinksCardStatus)).toBe('scheduled');
  expect(await description.staticSummary()).toBe(`Flinks login ${loginId} at FlinksCapital`);
  await expect(world.cards.getCard(loginId)).resolves.toMatchObject({
    loginId,
    institution: 'FlinksCapital',
    status: 'scheduled',
    eligible: true,
  });
});

test('refreshNow returns the update’s outcome; setScheduledRefresh reaches Flinks', async () => {
  const loginId = await newCard();
  await world.cards.connect(loginId);
  await expect(world.cards.refreshNow(loginId)).resolves.toMatchObject({ outcome: 'refreshed' });

  await world.cards.setScheduledRefresh(loginId, false);
  await waitFor(async () =>
    (await world.cards.getCard(loginId)).status === 'unscheduled' ? true : undefined,
  );
  expect((await world.sim.admin.getCard(loginId)).scheduledRefresh).toBe(false);
});

test('a disconnected card: its final view, CardDisconnectedError, and it can be connected again', async () => {
  const loginId = await newCard();
  await world.cards.connect(loginId);
  await expect(world.cards.disconnect(loginId, { deleteData: false })).resolves.toEqual({
    alreadyDisconnected: false,
  });
  await world.env.client.workflow.getHandle(cardWorkflowId(loginId)).result();

  await expect(world.cards.getCard(loginId)).resolves.toMatchObject({ loginId, status: 'disconnected' });
  await expect(world.cards.refreshNow(loginId)).rejects.toThrow(CardDisconnectedError);
  await expect(world.cards.setScheduledRefresh(loginId, true)).rejects.toThrow(
    `Card ${loginId} is disconnected`,
  );
  await expect(world.cards.disconnect(loginId)).resolves.toEqual({ alreadyDisconnected: true });

  const again = await world.cards.connect(loginId);
  expect(again.started).toBe(true);
  await expect(world.cards.getCard(loginId)).resolves.toMatchObject({ status: 'scheduled' });
});

test('reconnected is never lost: a card that is not running is started by the signal', async () => {
  const loginId = await newCard();
  const { requestId } = await world.sim.admin.completeUserReconnect(loginId);

  await world.cards.reconnected(loginId, requestId);

  // The card fetched the reconnected session's data.
  await waitFor(async () =>
    (await world.sim.admin.counters()).byCard[loginId]?.['accounts-detail'] ? true : undefined,
  );
  await expect(world.cards.getCard(loginId)).resolves.toMatchObject({
    loginId,
    status: 'scheduled',
    lastError: null,
  });
});

test('unknown cards are CardNotFoundError', async () => {
  const loginId = randomUUID();
  await expect(world.cards.getCard(loginId)).rejects.toThrow(CardNotFoundError);
  await expect(world.cards.refreshNow(loginId)).rejects.toThrow(`Card ${loginId} not found`);
  await expect(world.cards.setScheduledRefresh(loginId, true)).rejects.toThrow(CardNotFoundError);
});

test('listCards pages through this queue’s cards, optionally by status', async () => {
  const ids = [await newCard(), await newCard(), await newCard()];
  for (const id of ids) await world.cards.connect(id, { scheduledRefresh: false });
  const unscheduled = await waitFor(async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await world.cards.listCards({ status: 'unscheduled', pageSize: 2, nextPageToken: token });
      expect(page.cards.length).toBeLessThanOrEqual(2);
      seen.push(...page.cards.map((c) => c.loginId));
      token = page.nextPageToken ?? undefined;
    } while (token);
    return ids.every((id) => seen.includes(id)) ? seen : undefined;
  });
  expect(unscheduled).toEqual(expect.arrayContaining(ids));
  const all = await world.cards.listCards({ pageSize: 1000 });
  expect(all.cards.find((c) => c.loginId === ids[0])).toMatchObject({
    workflowId: cardWorkflowId(ids[0] as string),
    status: 'unscheduled',
    closed: false,
  });
});

test('a Temporal that stopped answering is TemporalUnavailableError', async () => {
  const gone = await startPrivateDevServer();
  // No retry interceptor: the SDK's default retries UNAVAILABLE for ~20 s before giving up, the same error.
  const connection = await Connection.connect({ address: gone.address, interceptors: [] });
  const client = new FlinksRefreshClient({
    client: new Client({ connection }),
    taskQueue: 'unreachable',
    flinksTaskQueue: 'unreachable-flinks',
  });
  await gone.teardown();
  try {
    await expect(client.listCards()).rejects.toThrow(TemporalUnavailableError);
    await expect(client.getCard(randomUUID())).rejects.toThrow('Temporal is unavailable');
  } finally {
    await connection.close();
  }
});
