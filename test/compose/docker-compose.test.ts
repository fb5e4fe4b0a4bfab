// docker-compose.yml and docker-compose.production.yml, checked without a Docker engine: their structure (services,
// ports, one-shot jobs, health conditions, pinned tags, profiles) by parsing them, their settings against the
// product's own configuration (src/config.ts) and against each other, and `docker compose config` where a compose
// client exists (docker's plugin, else the standalone docker-compose). That the cluster the tests run is the one
// compose describes is checked against a running cluster in test/cluster/cluster.test.ts; that compose's health
// checks work, against the real processes in compose-healthchecks.test.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TypedSearchAttributes } from '@temporalio/common';
import { parse } from 'yaml';
import { loadConfig, parseDuration } from '../../src/config';
import { UI_SERVER_VERSION } from '../../src/temporal/binaries';
import { cardSearchAttributes } from '../../src/workflows/search-attributes';
import {
  containerEnv,
  interpolate,
  MissingComposeVariableError,
  mountedFrom,
  readComposeFile,
  root,
} from './compose-file';

const read = (path: string) => readFileSync(join(root, path), 'utf8');

const services = readComposeFile('docker-compose.yml').services;
const production = readComposeFile('docker-compose.production.yml').services;

/** What a user sets for the demo (docker-compose.yml's required variables). */
const DEMO_ENV = { FLINKS_SECRET_KEY: 'compose-test-secret', API_TOKEN: 'compose-test-api-token' };
const ENCRYPTION_KEYS = `key-1:${Buffer.alloc(32, 7).toString('base64')}`;
/** What a user sets for production (docker-compose.production.yml's required variables too). */
const PRODUCTION_ENV = {
  ...DEMO_ENV,
  FLINKS_BASE_URL: 'https://acme-api.private.fin.ag/v3/cust/BankingServices',
  TEMPORAL_ENCRYPTION_KEYS: ENCRYPTION_KEYS,
  CODEC_AUTH_TOKEN: 'compose-test-codec-token',
  POSTGRES_PASSWORD: 'compose-test-pg-password',
};

/** Compose merges an override's `environment` into the service's, key by key. */
function productionEnv(service: string, env: Record<string, string>): Record<string, string> {
  return { ...containerEnv(services[service], env), ...containerEnv(production[service], env) };
}

const PINNED = /^[\w./-]+:\d+(\.\d+)+([\w.-]*)$/;

test('the services: Postgres, schema job, Temporal server, setup job, UI, worker, API, simulator, codec server', () => {
  expect(Object.keys(services).sort()).toEqual(
    [
      'api',
      'flinks-simulator',
      'postgresql',
      'temporal',
      'temporal-schema',
      'temporal-setup',
      'temporal-ui',
      'worker',
      'codec-server',
    ].sort(),
  );
  expect(services.temporal?.image).toMatch(/^temporalio\/server:/);
  expect(services['temporal-schema']?.image).toMatch(/^temporalio\/admin-tools:/);
  expect(services['temporal-setup']?.image).toMatch(/^temporalio\/admin-tools:/);
  expect(services['temporal-ui']?.image).toMatch(/^temporalio\/ui:/);
  expect(services.postgresql?.image).toMatch(/^postgres:/);
  expect(read('docker-compose.yml')).not.toContain('auto-setup');
});

test('every pulled image has a pinned version tag; the product is built from the Dockerfile', () => {
  for (const [name, service] of Object.entries(services)) {
    if (service.build !== undefined) {
      expect({ name, image: service.image }).toEqual({ name, image: 'flinks-refresh:local' });
    } else {
      expect({ name, image: service.image }).toEqual({ name, image: expect.stringMatching(PINNED) });
    }
  }
  for (const line of read('Dockerfile')
    .split('\n')
    .filter((l) => l.startsWith('FROM '))) {
    expect(line.split(/\s+/)[1]).toMatch(PINNED);
  }
});

test('ports: published on 127.0.0.1 unless BIND_ADDRESS says otherwise; the tokenless codec server on 127.0.0.1 only', () => {
  const published = (port: number) => [`\${BIND_ADDRESS:-127.0.0.1}:${port}:${port}`];
  expect(services.temporal?.ports).toEqual(published(7233));
  expect(services['temporal-ui']?.ports).toEqual(published(8080));
  expect(services.api?.ports).toEqual(published(3000));
  expect(services['flinks-simulator']?.ports).toEqual(published(4010));
  expect(services['codec-server']?.ports).toEqual(['127.0.0.1:8888:8888']);
  expect(interpolate(published(7233)[0] as string, {})).toBe('127.0.0.1:7233:7233');
  expect(interpolate(published(7233)[0] as string, { BIND_ADDRESS: '0.0.0.0' })).toBe('0.0.0.0:7233:7233');
  // Nothing else publishes a port, and the production file adds none.
  for (const [name, service] of Object.entries({ ...services, ...production })) {
    if (!['temporal', 'temporal-ui', 'api', 'flinks-simulator', 'codec-server'].includes(name)) {
      expect({ name, ports: service.ports }).toEqual({ name, ports: undefined });
    }
  }
  for (const service of Object.values(production)) expect(service.ports).toBeUndefined();
});

test('start order: depends_on with conditions, health checks behind every service_healthy', () => {
  const oneShots = ['temporal-schema', 'temporal-setup'];
  for (const [name, service] of Object.entries(services)) {
    for (const [dependency, { condition } = {}] of Object.entries(service.depends_on ?? {})) {
      const expected = oneShots.includes(dependency) ? 'service_completed_successfully' : 'service_healthy';
      expect({ name, dependency, condition }).toEqual({ name, dependency, condition: expected });
      if (expected === 'service_healthy') expect(services[dependency]?.healthcheck?.test).toBeDefined();
    }
  }
  expect(Object.keys(services['temporal-schema']?.depends_on ?? {})).toEqual(['postgresql']);
  expect(Object.keys(services.temporal?.depends_on ?? {})).toEqual(['temporal-schema']);
  expect(Object.keys(services['temporal-setup']?.depends_on ?? {})).toEqual(['temporal']);
  // The product starts once the namespace and its search attributes exist.
  expect(Object.keys(services.worker?.depends_on ?? {})).toEqual(['temporal-setup']);
  expect(Object.keys(services.api?.depends_on ?? {})).toEqual(['temporal-setup']);
  for (const name of [
    'postgresql',
    'temporal',
    'temporal-ui',
    'worker',
    'api',
    'flinks-simulator',
    'codec-server',
  ]) {
    expect({ name, healthcheck: services[name]?.healthcheck?.test }).toEqual({
      name,
      healthcheck: expect.anything(),
    });
  }
});

test('the simulator and the codec server are behind profiles; production runs the codec server always', () => {
  const profiled: Record<string, string[]> = {
    'flinks-simulator': ['simulator'],
    'codec-server': ['encryption'],
  };
  for (const [name, service] of Object.entries(services)) {
    expect({ name, profiles: service.profiles }).toEqual({ name, profiles: profiled[name] });
  }
  expect(production['codec-server']?.profiles).toEqual({ reset: [] });
  expect(production['flinks-simulator']).toBeUndefined();
});

test('the product runs the built entry points of src/, pointed at the compose Temporal and a shared sink', () => {
  const entry = (service: string) => services[service]?.command?.[1] ?? '';
  expect(entry('worker')).toBe('lib/worker.js');
  expect(entry('api')).toBe('lib/api/main.js');
  expect(entry('flinks-simulator')).toBe('lib/simulator/main.js');
  expect(entry('codec-server')).toBe('lib/codec/main.js');
  for (const service of ['worker', 'api', 'flinks-simulator', 'codec-server']) {
    expect(
      existsSync(
        join(
          root,
          entry(service)
            .replace(/^lib\//, 'src/')
            .replace(/\.js$/, '.ts'),
        ),
      ),
    ).toBe(true);
  }
  for (const service of ['worker', 'api']) {
    expect(services[service]?.environment).toMatchObject({
      TEMPORAL_ADDRESS: 'temporal:7233',
      DATA_SINK_DIR: '/data/sink',
    });
    expect(services[service]?.volumes).toEqual(['sink-data:/data/sink']);
  }
  expect(services.api?.environment).toMatchObject({ API_HOST: '0.0.0.0', API_PORT: '3000' });
});

test('the one-shot jobs run scripts that exist, and the setup job registers exactly the contract’s search attributes', () => {
  for (const job of ['temporal-schema', 'temporal-setup']) {
    const script = services[job]?.command?.[0] ?? '';
    expect(existsSync(join(root, 'compose', 'temporal', script.replace('/scripts/', '')))).toBe(true);
  }

  const script = read('compose/temporal/setup-namespace.sh');
  const registered = [...script.matchAll(/\b(Flinks\w+)=(\w+)/g)].map(([, name, type]) => `${name}=${type}`);
  expect(registered.sort()).toEqual(
    cardSearchAttributes.map((key) => `${key.name}=${TypedSearchAttributes.toMetadataType(key.type)}`).sort(),
  );
});

test('images are what the tests run: PostgreSQL 15, the UI server the cluster builds', () => {
  // Debian's postgresql-15 (tools/cluster); test/cluster checks the minor against the one that ran.
  expect(services.postgresql?.image).toMatch(/^postgres:15\.\d+$/);
  expect(services['temporal-ui']?.image).toBe(`temporalio/ui:${UI_SERVER_VERSION.replace(/^v/, '')}`);
  // The Temporal server and admin-tools tags: test/cluster/one-server-version.test.ts.
});

test('the worker stops within stop_grace_period: longer than its shutdown grace, with room to hand activities back', () => {
  const env = containerEnv(services.worker, DEMO_ENV);
  // The grace the worker runs with: compose's WORKER_SHUTDOWN_GRACE if it sets one, else src/config.ts's default.
  const graceMs = loadConfig(env).worker.shutdownGraceMs;
  const stopGraceMs = parseDuration(services.worker?.stop_grace_period ?? '10s'); // compose's default is 10s
  // After the grace the SDK cancels what still runs; the activities report back and the connection closes.
  expect(stopGraceMs).toBeGreaterThanOrEqual(graceMs + 10_000);
  expect(production.worker?.stop_grace_period).toBeUndefined();
  expect(productionEnv('worker', PRODUCTION_ENV).WORKER_SHUTDOWN_GRACE).toBe(env.WORKER_SHUTDOWN_GRACE);
});

test("the worker's healthcheck calls the worker's own /healthz, on the port its configuration serves", () => {
  const env = containerEnv(services.worker, DEMO_ENV);
  expect(loadConfig(env).worker.health).toEqual({ host: '127.0.0.1', port: Number(env.WORKER_HEALTH_PORT) });
  const [kind, ...command] = services.worker?.healthcheck?.test ?? [];
  expect(kind).toBe('CMD');
  expect(command.slice(0, 2)).toEqual(['node', '-e']);
  expect(command[2]).toContain("fetch('http://127.0.0.1:' + process.env.WORKER_HEALTH_PORT + '/healthz')");
  // Bundling the workflows and connecting come first: 503 "starting" then is no failure yet.
  expect(parseDuration(services.worker?.healthcheck?.start_period ?? '0s')).toBeGreaterThanOrEqual(30_000);
  // The API's is its /healthz (it pings Temporal), on API_PORT.
  expect(services.api?.healthcheck?.test?.[3]).toContain(
    "fetch('http://127.0.0.1:' + process.env.API_PORT + '/healthz')",
  );
});

test('the codec server serves the UI’s origin, the UI points at it, and both files configure it validly', () => {
  const uiEnv = containerEnv(services['temporal-ui'], {});
  const codecEnv = containerEnv(services['codec-server'], { TEMPORAL_ENCRYPTION_KEYS: ENCRYPTION_KEYS });
  expect(codecEnv.CODEC_CORS_ORIGIN).toBe(uiEnv.TEMPORAL_CORS_ORIGINS);
  expect(containerEnv(services['codec-server'], { TEMPORAL_UI_ORIGIN: 'https://ui.example' })).toMatchObject({
    CODEC_CORS_ORIGIN: 'https://ui.example',
  });
  expect(containerEnv(services['temporal-ui'], { TEMPORAL_UI_ORIGIN: 'https://ui.example' })).toMatchObject({
    TEMPORAL_CORS_ORIGINS: 'https://ui.example',
  });
  // The demo: no token (its port is this machine's only); production: a token, and the UI pointed at it.
  const demo = loadConfig(codecEnv, { requireFlinks: false });
  expect(demo.codecServer).toMatchObject({ host: '0.0.0.0', port: 8888, authToken: undefined });
  const prod = loadConfig(productionEnv('codec-server', PRODUCTION_ENV), { requireFlinks: false });
  expect(prod.codecServer).toMatchObject({
    authToken: PRODUCTION_ENV.CODEC_AUTH_TOKEN,
    corsOrigin: demo.codecServer.corsOrigin,
  });
  expect(prod.temporal.encryptionKeys?.map((key) => key.id)).toEqual(['key-1']);
  const published = (services['codec-server']?.ports?.[0] ?? '').split(':')[1];
  expect(productionEnv('temporal-ui', PRODUCTION_ENV).TEMPORAL_CODEC_ENDPOINT).toBe(
    `http://localhost:${published}`,
  );
  // Without the encryption profile nothing points the UI at a codec server that does not run.
  expect(uiEnv.TEMPORAL_CODEC_ENDPOINT).toBe('');
});

test('production requires real Flinks, encryption keys (required), a codec token, a PostgreSQL password and an API token', () => {
  const required = (file: string) =>
    new Set([...read(file).matchAll(/\$\{(\w+):\?[^}]+\}/g)].map(([, name]) => name));
  expect([...required('docker-compose.yml')].sort()).toEqual(['API_TOKEN', 'FLINKS_SECRET_KEY']);
  expect([...required('docker-compose.production.yml')].sort()).toEqual([
    'CODEC_AUTH_TOKEN',
    'FLINKS_BASE_URL',
    'POSTGRES_PASSWORD',
    'TEMPORAL_ENCRYPTION_KEYS',
  ]);
  for (const name of Object.keys(PRODUCTION_ENV)) {
    const { [name]: _left, ...env } = PRODUCTION_ENV as Record<string, string>;
    const refusals = ['worker', 'api', 'codec-server', 'postgresql', 'temporal'].flatMap((service) => {
      try {
        productionEnv(service, env);
        return [];
      } catch (error) {
        if (error instanceof MissingComposeVariableError) return [error.message.split(':')[0]];
        throw error;
      }
    });
    expect({ name, refusals: [...new Set(refusals)] }).toEqual({ name, refusals: [name] });
  }
  for (const service of ['worker', 'api']) {
    const config = loadConfig(productionEnv(service, PRODUCTION_ENV));
    expect(config.flinks.baseUrl).toBe(PRODUCTION_ENV.FLINKS_BASE_URL);
    expect(config.temporal).toMatchObject({ encryptionRequired: true, encryptionKeys: [expect.anything()] });
  }
  // One password for the server, the schema job and the database it was created with.
  expect(productionEnv('temporal', PRODUCTION_ENV)).toMatchObject({
    POSTGRES_PWD: PRODUCTION_ENV.POSTGRES_PASSWORD,
    SQL_PASSWORD: PRODUCTION_ENV.POSTGRES_PASSWORD,
  });
  expect(productionEnv('temporal-schema', PRODUCTION_ENV).POSTGRES_PWD).toBe(
    PRODUCTION_ENV.POSTGRES_PASSWORD,
  );
  expect(productionEnv('postgresql', PRODUCTION_ENV).POSTGRES_PASSWORD).toBe(
    PRODUCTION_ENV.POSTGRES_PASSWORD,
  );
});

test('dynamic config: the demo and the cluster run development.yaml; production.yaml is it without the development-only key', () => {
  const dynamicConfig = (env: Record<string, string>) =>
    mountedFrom(services.temporal, env.DYNAMIC_CONFIG_FILE_PATH ?? '') ?? '';
  const development = dynamicConfig(containerEnv(services.temporal, {}));
  const prod = dynamicConfig(productionEnv('temporal', PRODUCTION_ENV));
  expect([development, prod]).toEqual([
    'compose/temporal/dynamicconfig/development.yaml',
    'compose/temporal/dynamicconfig/production.yaml',
  ]);
  // start-server.sh's default, which tools/cluster uses (test/cluster checks the process it ran).
  expect(read('compose/temporal/start-server.sh')).toContain(
    'DYNAMIC_CONFIG_FILE_PATH:-$root/dynamicconfig/development.yaml',
  );
  const settings = (file: string) => parse(read(file)) as Record<string, unknown>;
  const { 'system.forceSearchAttributesCacheRefreshOnRead': devOnly, ...rest } = settings(development);
  expect(devOnly).toEqual([{ value: true }]);
  expect(settings(prod)).toEqual(rest);
});

test('the image context leaves out dependencies, data and tests', () => {
  const ignored = read('.dockerignore').split('\n');
  expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'lib', '.data', '.tools', '.git', 'test']));
});

describe('a compose client validates the files', () => {
  const client = composeClient();
  const run = (args: string[], env: Record<string, string | undefined>) => {
    const [command, ...prefix] = client as string[];
    return spawnSync(command as string, [...prefix, ...args], {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
  };
  const PRODUCTION = ['-f', 'docker-compose.yml', '-f', 'docker-compose.production.yml'];

  (client ? test : test.skip)(`${client?.join(' ') ?? 'no compose client on this machine'} config`, () => {
    for (const [args, env] of [
      [[], DEMO_ENV],
      [['--profile', 'simulator'], DEMO_ENV],
      [['--profile', 'encryption'], DEMO_ENV],
      [PRODUCTION, PRODUCTION_ENV],
    ] as const) {
      const result = run([...args, 'config', '--services'], { PATH: process.env.PATH, ...env });
      expect({ args, status: result.status, stderr: result.stderr }).toEqual({
        args,
        status: 0,
        stderr: expect.any(String),
      });
      const listed = result.stdout.trim().split('\n');
      const profile = args[1];
      const expected = Object.keys(services).filter(
        (s) =>
          (s !== 'flinks-simulator' || profile === 'simulator') &&
          (s !== 'codec-server' || profile === 'encryption' || args === PRODUCTION),
      );
      // The standalone docker-compose (v1) lists profiled services even without their profile.
      expect(listed).toEqual(expect.arrayContaining(expected));
    }
  });

  (client ? test : test.skip)('without a required variable it refuses, naming it', () => {
    const result = run(['config'], { PATH: process.env.PATH });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/FLINKS_SECRET_KEY|API_TOKEN/);
    for (const name of [
      'FLINKS_BASE_URL',
      'TEMPORAL_ENCRYPTION_KEYS',
      'CODEC_AUTH_TOKEN',
      'POSTGRES_PASSWORD',
    ]) {
      const { [name]: _left, ...env } = PRODUCTION_ENV as Record<string, string>;
      const refused = run([...PRODUCTION, 'config'], { PATH: process.env.PATH, ...env });
      expect({ name, status: refused.status, named: refused.stderr.includes(name) }).toEqual({
        name,
        status: 1,
        named: true,
      });
    }
  });
});

/** `docker compose` (the plugin) when it answers, else `docker-compose`, else null. */
function composeClient(): string[] | null {
  for (const candidate of [['docker', 'compose'], ['docker-compose']]) {
    const [command, ...args] = candidate as [string, ...string[]];
    const probe = spawnSync(command, [...args, 'version'], { encoding: 'utf8', timeout: 30_000 });
    if (probe.status === 0) return candidate;
  }
  return null;
}
