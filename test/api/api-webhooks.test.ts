// POST /flinks/webhooks: Flinks' GetAccountsDetail webhook into the sink and the card, idempotent on redelivery,
// malformed payloads refused, and the optional shared secret and IP allow-list.
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DirectorySink, FlinksClient } from '../../src/flinks';
import { cardWorkflowId } from '../../src/workflows/definitions';
import { waitFor } from '../harness/wait-for';
import { type RoutineWorld, SECRET, signalsReceived } from '../routine/routine-world';
import { createApiWorld, type RunningApi, startApi } from './api-harness';

const WEBHOOK_SECRET = 'flinks-webhook-secret-0123456789';

let world: RoutineWorld;
let http: RunningApi;
let close: () => Promise<void>;
let flinks: FlinksClient;

beforeAll(async () => {
  ({ world, http, close } = await createApiWorld());
  flinks = new FlinksClient({ baseUrl: world.sim.baseUrl, secretKey: SECRET, pollIntervalMs: 20 });
});

afterAll(async () => {
  await flinks?.close();
  await close?.();
});

const THREE_DAYS_AGO = () => new Date(Date.now() - 3 * 86_400_000).toISOString();

/** A card connected three days ago, and the webhook Flinks sends after refreshing it now. */
async function cardAndWebhook(): Promise<{ loginId: string; payload: Record<string, unknown> }> {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
  const connected = await http.call('POST', '/cards', { body: { loginId, connectedAt: THREE_DAYS_AGO() } });
  expect(connected.status).toBe(201);
  return { loginId, payload: await webhookFor(loginId) };
}

/** A real GetAccountsDetail body from the simulator, as Flinks would push it. */
async function webhookFor(loginId: string): Promise<Record<string, unknown>> {
  const authorized = await flinks.authorize({ loginId, mostRecentCached: false });
  if (authorized.kind !== 'authorized')
    throw new Error(`expected an authorized session, got ${authorized.kind}`);
  const data = await flinks.fetchAccountsDetail(authorized.requestId);
  return { ...data, ResponseType: 'GetAccountsDetail' };
}

const sinkFiles = async (loginId: string) =>
  readdir(join(world.config.dataSink.dir, loginId)).catch(() => [] as string[]);

test('a delivery stores the data and renews the card; redeliveries store nothing new and change nothing', async () => {
  const { loginId, payload } = await cardAndWebhook();
  const login = payload.Login as { LastRefresh: string };
  const lastRefresh = new Date(`${login.LastRefresh.replace(/(\.\d{3})\d*$/, '$1')}Z`).toISOString();

  const first = await http.call('POST', '/flinks/webhooks', { body: payload });
  expect(first).toMatchObject({
    status: 200,
    body: {
      received: true,
      handled: true,
      loginId,
      requestId: payload.RequestId,
      lastRefresh,
      card: 'signalled',
    },
  });
  const renewed = await waitFor(async () => {
    const card = (await http.call('GET', `/cards/${loginId}`)).body;
    return card.lastSuccessfulRefreshAt === lastRefresh ? card : undefined;
  });
  expect(await sinkFiles(loginId)).toHaveLength(1);

  // Flinks retries up to 10 times when it did not see our 200.
  for (let i = 0; i < 3; i++) {
    expect((await http.call('POST', '/flinks/webhooks', { body: payload })).status).toBe(200);
  }
  const handle = world.env.client.workflow.getHandle(cardWorkflowId(loginId));
  await waitFor(async () => ((await signalsReceived(handle, 'webhookRefresh')) === 4 ? true : undefined));
  await waitFor(async () => ((await handle.describe()).raw.pendingWorkflowTask ? undefined : true));
  expect((await http.call('GET', `/cards/${loginId}`)).body).toEqual(renewed);
  expect(await sinkFiles(loginId)).toHaveLength(1);
});

test('a LastRefresh in the future is clamped to now: the card is not pinned in 2099', async () => {
  const { loginId, payload } = await cardAndWebhook();
  const future = {
    ...payload,
    Login: { ...(payload.Login as object), LastRefresh: '2099-01-01T00:00:00.0000000' },
  };
  const before = Date.now();
  const reply = await http.call('POST', '/flinks/webhooks', { body: future });
  const latest = Date.now();
  expect(reply).toMatchObject({ status: 200, body: { card: 'signalled' } });
  const told = Date.parse(reply.body.lastRefresh as string);
  expect(told).toBeGreaterThanOrEqual(before);
  expect(told).toBeLessThanOrEqual(latest);
  const card = await waitFor(async () => {
    const view = (await http.call('GET', `/cards/${loginId}`)).body;
    return view.lastSuccessfulRefreshAt === reply.body.lastRefresh ? view : undefined;
  });
  expect(Date.parse(card.lastSuccessfulRefreshAt as string)).toBeLessThanOrEqual(latest);
});

test('a webhook for a card this product does not keep is 200 with a note, and its data is kept', async () => {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
  const payload = await webhookFor(loginId);
  const reply = await http.call('POST', '/flinks/webhooks', { body: payload });
  expect(reply).toMatchObject({
    status: 200,
    body: { handled: true, card: 'unknown', note: expect.any(String) },
  });
  expect(await sinkFiles(loginId)).toHaveLength(1);
});

test('other webhook types are acknowledged and ignored, so Flinks does not retry them', async () => {
  const reply = await http.call('POST', '/flinks/webhooks', { body: { ResponseType: 'KYC', Login: {} } });
  expect(reply).toMatchObject({ status: 200, body: { received: true, handled: false } });
});

describe('malformed payloads are 400, naming the field', () => {
  const base = () => ({
    ResponseType: 'GetAccountsDetail',
    RequestId: randomUUID(),
    Login: { Id: randomUUID(), LastRefresh: '2026-01-21T20:47:47.1459990' },
    Accounts: [],
  });
  test.each([
    ['no ResponseType', { ...base(), ResponseType: undefined }, 'ResponseType'],
    ['no Login', { ...base(), Login: undefined }, 'Login'],
    ['a Login.Id that is not a UUID', { ...base(), Login: { Id: '42' } }, 'Login.Id'],
    [
      'a LastRefresh that is not a date',
      { ...base(), Login: { Id: randomUUID(), LastRefresh: 'soon' } },
      'Login.LastRefresh',
    ],
    ['Accounts that are not a list', { ...base(), Accounts: {} }, 'Accounts'],
    ['a JSON array', [], '(whole)'],
  ])('%s', async (_name, body, field) => {
    const reply = await http.call('POST', '/flinks/webhooks', { body });
    expect(reply.status).toBe(400);
    expect(reply.body.fields?.map((f) => f.field)).toContain(field);
  });
});

describe('the shared secret and the IP allow-list', () => {
  let guarded: RunningApi;
  beforeAll(async () => {
    guarded = await startApi({
      cards: world.cards,
      sink: new DirectorySink(world.config.dataSink.dir),
      webhooks: { secret: WEBHOOK_SECRET },
    });
  });
  afterAll(() => guarded?.api.close());

  test('with WEBHOOK_SECRET, only ?token= or x-webhook-token opens the route (the API token does not)', async () => {
    const { payload } = await cardAndWebhook();
    expect((await guarded.call('POST', '/flinks/webhooks', { body: payload, token: null })).status).toBe(401);
    expect((await guarded.call('POST', '/flinks/webhooks', { body: payload })).status).toBe(401);
    expect(
      (await guarded.call('POST', '/flinks/webhooks?token=nope', { body: payload, token: null })).status,
    ).toBe(401);
    const byQuery = await guarded.call('POST', `/flinks/webhooks?token=${WEBHOOK_SECRET}`, {
      body: payload,
      token: null,
    });
    expect(byQuery.status).toBe(200);
    const byHeader = await guarded.call('POST', '/flinks/webhooks', {
      body: payload,
      token: null,
      headers: { 'x-webhook-token': WEBHOOK_SECRET },
    });
    expect(byHeader.status).toBe(200);
  });

  test('with WEBHOOK_SECRET_PREVIOUS, the old and the new secret both open the route (a rotation), in the header or the URL', async () => {
    const { payload } = await cardAndWebhook();
    const PREVIOUS = 'flinks-webhook-secret-previous-9876';
    const rotating = await startApi({
      cards: world.cards,
      sink: new DirectorySink(world.config.dataSink.dir),
      webhooks: { secret: WEBHOOK_SECRET, previousSecret: PREVIOUS },
    });
    const post = (query: string, headers: Record<string, string> = {}) =>
      rotating.call('POST', `/flinks/webhooks${query}`, { body: payload, token: null, headers });
    try {
      for (const secret of [WEBHOOK_SECRET, PREVIOUS]) {
        expect((await post('', { 'x-webhook-token': secret })).status).toBe(200);
        expect((await post(`?token=${secret}`)).status).toBe(200);
      }
      expect((await post('', { 'x-webhook-token': `${PREVIOUS}x` })).status).toBe(401);
      expect((await post('?token=')).status).toBe(401);
      const refused = await post('', { 'x-webhook-token': 'nope' });
      expect(refused.body.message).toContain('x-webhook-token');
      expect(JSON.stringify(refused.body)).not.toContain(PREVIOUS);
    } finally {
      await rotating.api.close();
    }
  });

  test('with WEBHOOK_ALLOWED_IPS, other addresses get 403; X-Forwarded-For counts only from a trusted proxy', async () => {
    const { payload } = await cardAndWebhook();
    const elsewhere = await startApi({
      cards: world.cards,
      sink: new DirectorySink(world.config.dataSink.dir),
      webhooks: { allowedIps: ['203.0.113.0/24'] },
    });
    const behindProxy = await startApi({
      cards: world.cards,
      sink: new DirectorySink(world.config.dataSink.dir),
      webhooks: { allowedIps: ['203.0.113.0/24'], trustedProxies: ['127.0.0.1'] },
    });
    try {
      const spoofed = { 'x-forwarded-for': '203.0.113.9' };
      const refused = await elsewhere.call('POST', '/flinks/webhooks', {
        body: payload,
        token: null,
        headers: spoofed,
      });
      expect(refused).toMatchObject({ status: 403, body: { error: 'ForbiddenError' } });
      const proxied = await behindProxy.call('POST', '/flinks/webhooks', {
        body: payload,
        token: null,
        headers: spoofed,
      });
      expect(proxied.status).toBe(200);
      const direct = await behindProxy.call('POST', '/flinks/webhooks', { body: payload, token: null });
      expect(direct.status).toBe(403);
    } finally {
      await elsewhere.api.close();
      await behindProxy.api.close();
    }
  });

  test("behind a trusted proxy, a hop with a port or one that is no IP never lets the client's own claim through", async () => {
    const { payload } = await cardAndWebhook();
    const start = (hops?: number) =>
      startApi({
        cards: world.cards,
        sink: new DirectorySink(world.config.dataSink.dir),
        webhooks: { allowedIps: ['203.0.113.0/24'], trustedProxies: ['127.0.0.1'], trustedProxyHops: hops },
      });
    const [oneProxy, twoProxies] = await Promise.all([start(), start(2)]);
    const post = (api: RunningApi, forwardedFor: string) =>
      api.call('POST', '/flinks/webhooks', {
        body: payload,
        token: null,
        headers: { 'x-forwarded-for': forwardedFor },
      });
    try {
      // The client claims an allowed address; the proxy appends what it saw, with a port or as it cannot tell.
      expect((await post(oneProxy, '203.0.113.9, 198.51.100.1:5555')).status).toBe(403);
      expect((await post(oneProxy, '203.0.113.9, [2001:db8::1]:443')).status).toBe(403);
      expect((await post(oneProxy, '203.0.113.9, unknown')).body).toMatchObject({ error: 'ForbiddenError' });
      expect((await post(oneProxy, '198.51.100.1, 203.0.113.9:443')).status).toBe(200);
      // API_TRUSTED_PROXY_HOPS=2: the second proxy's hop is skipped, and the client is the one before it.
      expect((await post(twoProxies, '198.51.100.1, 203.0.113.9, 10.0.0.5')).status).toBe(200);
      expect((await post(twoProxies, '198.51.100.1, 203.0.113.9')).status).toBe(403);
      expect((await post(twoProxies, '203.0.113.9')).status).toBe(403);
    } finally {
      await Promise.all([oneProxy.api.close(), twoProxies.api.close()]);
    }
  });
});
