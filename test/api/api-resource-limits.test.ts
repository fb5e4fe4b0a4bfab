// Resource limits of the API (issue 12, finding 12): the webhook bytes in flight across concurrent deliveries are
// capped, not only each body; and Temporal's RESOURCE_EXHAUSTED (a real namespace rate limit on a dev server of this
// suite's own) is a 503 with Retry-After, not a 500.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { FlinksRefreshClient } from '../../src/client';
import { DirectorySink } from '../../src/flinks';
import { startPrivateDevServer } from '../harness/dev-server';
import { waitFor } from '../harness/wait-for';
import { type ApiReply, type RunningApi, startApi } from './api-harness';

const KIB = 1_024;
const SECRET = 'resource-limits-webhook-secret-01';

let env: TestWorkflowEnvironment;
let connection: Connection;
let cards: FlinksRefreshClient;
let sinkDir: string;

beforeAll(async () => {
  // One request per second per namespace: the second request in a row meets RESOURCE_EXHAUSTED.
  env = await startPrivateDevServer([
    '--dynamic-config-value',
    'frontend.namespaceRPS=1',
    '--dynamic-config-value',
    'frontend.namespaceBurstRatio=1',
    '--dynamic-config-value',
    'frontend.namespaceRPS.visibility=1',
  ]);
  // Without the SDK's retries, which would retry RESOURCE_EXHAUSTED for ~30 s before the API sees it.
  connection = await Connection.connect({ address: env.address, interceptors: [] });
  cards = new FlinksRefreshClient({
    client: new Client({ connection, namespace: 'default' }),
    taskQueue: 'resource-limits-unused',
    flinksTaskQueue: 'resource-limits-unused-flinks',
  });
  sinkDir = await mkdtemp(join(tmpdir(), 'resource-limits-sink-'));
});

afterAll(async () => {
  await connection?.close();
  await env?.teardown();
  if (sinkDir) await rm(sinkDir, { recursive: true, force: true });
});

describe('WEBHOOK_IN_FLIGHT_LIMIT', () => {
  let api: RunningApi;
  const held: Socket[] = [];
  beforeAll(async () => {
    api = await startApi({
      cards,
      sink: new DirectorySink(sinkDir),
      webhooks: { secret: SECRET },
      webhookBodyLimitBytes: 64 * KIB,
      webhookInFlightLimitBytes: 128 * KIB,
    });
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await api?.api.close(500);
  });

  /** A KYC delivery (answered without Temporal) of about `bytes` bytes. */
  const delivery = (bytes: number) => JSON.stringify({ ResponseType: 'KYC', pad: 'x'.repeat(bytes - 40) });
  const post = (bytes: number) =>
    api.call('POST', '/flinks/webhooks', {
      raw: delivery(bytes),
      token: null,
      headers: { 'x-webhook-token': SECRET },
    });

  /** A delivery whose headers and first half arrive, and whose second half never does (a slow sender). */
  function holdOpen(bytes: number): Socket {
    const body = Buffer.from(delivery(bytes));
    const { port } = new URL(api.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(
      `POST /flinks/webhooks HTTP/1.1\r\nHost: api\r\nx-webhook-token: ${SECRET}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    socket.write(body.subarray(0, body.length / 2));
    held.push(socket);
    return socket;
  }

  test('deliveries over it together are 503 with Retry-After; what fits passes; bytes come back', async () => {
    expect((await post(60 * KIB)).status).toBe(200);
    const slow = [holdOpen(60 * KIB), holdOpen(60 * KIB)];
    // The two hold 120 of the 128 KiB as soon as their headers are read.
    const refused = await waitFor(async () => {
      const reply = await post(60 * KIB);
      return reply.status === 503 ? reply : undefined;
    });
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.body).toMatchObject({ error: 'ServerBusyError' });
    expect(refused.body.message).toContain('WEBHOOK_IN_FLIGHT_LIMIT');
    // Each body is still within its own limit: a body over it is a 413 whatever the budget.
    expect((await post(70 * KIB)).status).toBe(413);
    expect((await post(4 * KIB)).status).toBe(200);
    // The slow senders give up: their bytes are given back.
    for (const socket of slow) socket.destroy();
    await waitFor(async () => ((await post(60 * KIB)).status === 200 ? true : undefined));
  });

  test('a chunked delivery (no Content-Length) is counted as its bytes arrive', async () => {
    holdOpen(60 * KIB);
    holdOpen(60 * KIB);
    const { port } = new URL(api.url);
    const status = await waitFor(async () => {
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1');
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
        socket.on('close', () => resolve(text));
        socket.on('error', () => resolve(text));
        const body = Buffer.from(delivery(20 * KIB));
        socket.write(
          `POST /flinks/webhooks HTTP/1.1\r\nHost: api\r\nx-webhook-token: ${SECRET}\r\nConnection: close\r\n` +
            `Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n` +
            `${body.length.toString(16)}\r\n${body.toString('latin1')}\r\n0\r\n\r\n`,
        );
      });
      const code = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      return code === '503' ? code : undefined;
    });
    expect(status).toBe('503');
  });
});

describe("Temporal's RESOURCE_EXHAUSTED", () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi({ cards, sink: new DirectorySink(sinkDir) });
  });
  afterAll(() => api?.api.close(500));

  test('is a 503 TemporalBusyError with Retry-After on card routes and the webhook route, never a 500', async () => {
    const loginId = randomUUID();
    const requests = [
      () => api.call('GET', `/cards/${loginId}`),
      () => api.call('GET', '/cards'),
      () => api.call('POST', `/cards/${loginId}/reconnected`, { body: { requestId: randomUUID() } }),
      () =>
        api.call('POST', '/flinks/webhooks', {
          body: {
            ResponseType: 'GetAccountsDetail',
            HttpStatusCode: 200,
            RequestId: randomUUID(),
            Login: { Id: loginId, LastRefresh: '2026-01-21T20:47:47.1459990' },
            Accounts: [],
          },
        }),
    ];
    const replies: ApiReply[] = [];
    for (let round = 0; round < 2; round++) for (const request of requests) replies.push(await request());
    expect(replies.map((r) => r.status)).not.toContain(500);
    // The limit admits one request a second: each route meets it at least once in two rounds.
    const routesBusy = requests.map((_, i) =>
      [replies[i], replies[i + requests.length]].some((r) => r?.status === 503),
    );
    expect(routesBusy).toEqual(requests.map(() => true));
    for (const reply of replies.filter((r) => r.status === 503)) {
      expect(reply.headers.get('retry-after')).toBe('5');
      expect(reply.body).toMatchObject({ error: 'TemporalBusyError' });
    }
  });
});
