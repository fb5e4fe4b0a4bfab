// The health endpoint's HTTP side: what it answers, to whom, and that nothing a client sends ends the process.
import { type HealthServer, startHealthServer } from '../../src/health/health-server';
import { type WorkerHealth } from '../../src/health/worker-health';

let server: HealthServer;
let current: () => WorkerHealth = () => ({ status: 'running' });
const logged: string[] = [];

beforeAll(async () => {
  server = await startHealthServer({
    host: '127.0.0.1',
    port: 0,
    health: () => current(),
    log: (line) => logged.push(line),
  });
});

afterAll(async () => {
  await server?.close();
});

test('200 with the status while healthy; 503 with the reason otherwise; HEAD has no body', async () => {
  current = () => ({ status: 'running' });
  let res = await fetch(server.url);
  expect([res.status, await res.json(), res.headers.get('cache-control')]).toEqual([
    200,
    { status: 'running' },
    'no-store',
  ]);
  current = () => ({ status: 'draining', reason: 'draining: the main worker is shutting down' });
  res = await fetch(server.url);
  expect([res.status, await res.json()]).toEqual([
    503,
    { status: 'draining', reason: 'draining: the main worker is shutting down' },
  ]);
  res = await fetch(server.url, { method: 'HEAD' });
  expect([res.status, await res.text()]).toEqual([503, '']);
});

test('a health source that throws is a 503 failed, logged, and the server goes on', async () => {
  current = () => {
    throw new Error('status unavailable');
  };
  const res = await fetch(server.url);
  expect([res.status, await res.json()]).toEqual([
    503,
    { status: 'failed', reason: "failed: the workers' state could not be read (status unavailable)" },
  ]);
  expect(logged).toEqual([expect.stringContaining('status unavailable')]);
  current = () => ({ status: 'running' });
  expect((await fetch(server.url)).status).toBe(200);
});

test('other paths and methods are refused by name', async () => {
  const base = server.url.replace(/\/healthz$/, '');
  let res = await fetch(`${base}/`);
  expect([res.status, await res.json()]).toEqual([404, { error: 'No route /: GET /healthz' }]);
  res = await fetch(server.url, { method: 'DELETE' });
  expect([res.status, res.headers.get('allow'), await res.json()]).toEqual([
    405,
    'GET, HEAD',
    { error: 'DELETE is not allowed: GET' },
  ]);
  // A query changes nothing.
  expect((await fetch(`${server.url}?verbose=1`)).status).toBe(200);
});
