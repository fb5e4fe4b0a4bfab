// docker-compose.yml's health checks, run for real: each service's `healthcheck.test` command, exactly as the file
// has it, in a process with the service's environment, against the product's own process (the worker and the API
// as child processes on the dev server, the codec server as `npm run codec-server` starts it). Healthy exits 0.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { loadConfig } from '../../src/config';
import { startConfiguredCodecServer } from '../../src/codec/configured-server';
import { findFreePort } from '../../src/temporal/exec';
import { waitFor } from '../harness/wait-for';
import { createRoutineWorld, type RoutineWorld } from '../routine/routine-world';
import { readComposeFile, root } from './compose-file';

const services = readComposeFile('docker-compose.yml').services;
const KEYS = `key-1:${Buffer.alloc(32, 9).toString('base64')}`;

/** Runs the service's healthcheck (`CMD node -e …`) with `env` as the container's; its exit code. */
async function healthcheck(service: string, env: Record<string, string>): Promise<number | null> {
  const [kind, program, ...args] = services[service]?.healthcheck?.test ?? [];
  expect([kind, program]).toEqual(['CMD', 'node']);
  // The image's node is the one the tests run on (.nvmrc, Dockerfile). Not spawnSync: the codec server under test
  // runs in this process and must answer meanwhile.
  const check = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
  const timer = setTimeout(() => check.kill('SIGKILL'), 15_000);
  const [code] = (await once(check, 'exit')) as [number | null];
  clearTimeout(timer);
  return code;
}

let world: RoutineWorld;

beforeAll(async () => {
  world = await createRoutineWorld();
});

afterAll(async () => {
  await world?.close();
});

test("the worker's: healthy while it polls, unhealthy once it is gone", async () => {
  const env = { WORKER_HEALTH_PORT: String(await findFreePort()) };
  const worker = await world.startWorkerProcess({ env });
  await waitFor(async () => ((await healthcheck('worker', env)) === 0 ? true : undefined), {
    timeoutMs: 15_000,
  });
  await worker.stop();
  expect(await healthcheck('worker', env)).toBe(1);
}, 60_000);

test("the API's: healthy while it reaches Temporal", async () => {
  const env = { API_PORT: String(await findFreePort()) };
  const api = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/api/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      ...world.processEnv,
      ...env,
      API_TOKEN: 'compose-healthcheck-api-token',
    },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => api.once('exit', resolve));
  try {
    expect(await healthcheck('api', env)).toBe(1); // not listening yet
    await waitFor(async () => ((await healthcheck('api', env)) === 0 ? true : undefined), {
      timeoutMs: 30_000,
    });
  } finally {
    api.kill('SIGTERM');
    await exited;
  }
}, 60_000);

test("the codec server's: healthy without a token, and with one when it is the container's", async () => {
  for (const token of [undefined, 'compose-healthcheck-codec-token']) {
    const config = loadConfig(
      {
        TEMPORAL_ENCRYPTION_KEYS: KEYS,
        CODEC_SERVER_PORT: '0',
        ...(token ? { CODEC_AUTH_TOKEN: token } : {}),
      },
      { requireFlinks: false },
    );
    const codec = await startConfiguredCodecServer(config);
    try {
      const env = { CODEC_SERVER_PORT: String(codec?.port), ...(token ? { CODEC_AUTH_TOKEN: token } : {}) };
      expect({ token, status: await healthcheck('codec-server', env) }).toEqual({ token, status: 0 });
      if (token) {
        const wrong = { ...env, CODEC_AUTH_TOKEN: 'not-the-codec-token-at-all' };
        expect(await healthcheck('codec-server', wrong)).toBe(1);
      }
    } finally {
      await codec?.close();
    }
  }
}, 30_000);
