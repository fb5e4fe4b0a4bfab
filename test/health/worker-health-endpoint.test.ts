// WORKER_HEALTH_PORT on a real worker process (`npm run worker`) on the dev server: GET /healthz is 200 once both
// workers poll, 503 "draining" while SIGTERM's shutdown grace holds an activity in flight, and gone once the process
// has exited. What compose's worker healthcheck calls.
import { connect, createServer } from 'node:net';
import { type Client } from '@temporalio/client';
import { findFreePort } from '../../src/temporal/exec';
import { cardWorkflowId } from '../../src/workflows/definitions';
import { waitFor } from '../harness/wait-for';
import { createRoutineWorld, type RoutineWorld } from '../routine/routine-world';

let world: RoutineWorld;

beforeAll(async () => {
  world = await createRoutineWorld();
});

afterAll(async () => {
  await world?.close();
});

async function getHealth(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Sends `request` as is and returns whatever comes back before the server closes or 2 s pass. */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    socket.setTimeout(2_000, () => socket.destroy());
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer));
  });
}

/** A card started as a backend starts one (the contract's input), then a night's signal: it calls Flinks. */
async function startFlinksCall(client: Client, taskQueue: string): Promise<void> {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
  const handle = await client.workflow.start('cardLifecycle', {
    taskQueue,
    workflowId: cardWorkflowId(loginId),
    args: [{ loginId, institution: 'FlinksCapital', connectedAt: new Date().toISOString() }],
  });
  await handle.signal('nightlyStatus', { routineId: `health-${loginId}`, ineligible: null });
}

test('200 while both workers poll; 503 draining during the shutdown grace; nothing once exited', async () => {
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}/healthz`;
  // WORKER_SHUTDOWN_GRACE 5 s (the world's): long enough to be seen, short enough for a test.
  const worker = await world.startWorkerProcess({ env: { WORKER_HEALTH_PORT: String(port) } });

  const up = await waitFor(
    async () => {
      const health = await getHealth(url);
      return health.status === 200 ? health : undefined;
    },
    { timeoutMs: 15_000 },
  );
  expect(up.body).toEqual({
    status: 'running',
    workers: {
      main: { runState: 'RUNNING', activitiesInFlight: 0 },
      flinks: { runState: 'RUNNING', activitiesInFlight: 0 },
    },
  });

  // Bad requests get answers and change nothing: the process keeps serving.
  expect(await rawRequest(port, 'GET //[ HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
  expect(await rawRequest(port, 'GET //x:99999 HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
  expect(await rawRequest(port, 'POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc')).toMatch(
    /^HTTP\/1\.1 405 /,
  );
  expect(await rawRequest(port, 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/^HTTP\/1\.1 404 /);
  expect(await rawRequest(port, '\u0000\u0001 not http at all\r\n\r\n')).not.toMatch(/^HTTP\/1\.1 200/);
  expect((await getHealth(url)).status).toBe(200);

  // Every Flinks request is held: the card's first Flinks activity stays in flight through the grace.
  await world.sim.admin.setFaults({ hangRate: 1, hangMs: 60_000 });
  await startFlinksCall(world.env.client, world.taskQueue);
  await waitFor(async () => ((await world.sim.admin.counters()).faultsInjected.hang ?? 0) >= 1 || undefined, {
    timeoutMs: 15_000,
  });

  const stopped = worker.stop(); // SIGTERM
  const stoppingAt = Date.now();
  const draining = await waitFor(
    async () => {
      const health = await getHealth(url);
      return health.status === 503 ? health : undefined;
    },
    { timeoutMs: 5_000, intervalMs: 50 },
  );
  expect(draining.body).toMatchObject({
    status: 'draining',
    reason: expect.stringMatching(
      /draining: the flinks worker is shutting down \(\w+, 1 activity in flight\)/,
    ),
    workers: { flinks: { activitiesInFlight: 1 } },
  });
  // Still answering well into the grace: a healthcheck sees draining, not a dead process.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  expect((await getHealth(url)).status).toBe(503);

  await stopped;
  // The grace ran out, the activity was cancelled (handed back to Temporal), and the process ended.
  expect(Date.now() - stoppingAt).toBeGreaterThanOrEqual(4_000);
  await expect(fetch(url, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
  await world.sim.admin.clearFaults();
  expect(worker.output()).not.toMatch(/worker failed/);
}, 60_000);

test('a port already in use stops the worker at start with one line naming the variables', async () => {
  const port = await findFreePort();
  const squatter = createServer().listen(port, '127.0.0.1');
  await new Promise((resolve) => squatter.once('listening', resolve));
  try {
    await expect(world.startWorkerProcess({ env: { WORKER_HEALTH_PORT: String(port) } })).rejects.toThrow(
      /cannot listen on 127\.0\.0\.1:\d+ \(WORKER_HEALTH_HOST, WORKER_HEALTH_PORT\): EADDRINUSE/,
    );
  } finally {
    squatter.close();
  }
}, 30_000);
