// docker-compose.yml, checked without a Docker engine: its structure (services, ports, one-shot jobs, health
// conditions, pinned tags, the simulator's profile) by parsing it, and `docker compose config` where a compose
// client exists (docker's plugin, else the standalone docker-compose).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TypedSearchAttributes } from '@temporalio/common';
import { parse } from 'yaml';
import { cardSearchAttributes } from '../../src/workflows/search-attributes';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: unknown };
  ports?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  restart?: string;
}

// `merge: true` resolves the file's `<<: *anchor` keys as compose does.
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;

const PINNED = /^[\w./-]+:\d+(\.\d+)+([\w.-]*)$/;

test('the services: Postgres, schema job, Temporal server, setup job, UI, worker, API, simulator', () => {
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

test('ports: Temporal 7233, its UI 8080, the API 3000, the simulator 4010', () => {
  expect(services.temporal?.ports).toEqual(['7233:7233']);
  expect(services['temporal-ui']?.ports).toEqual(['8080:8080']);
  expect(services.api?.ports).toEqual(['3000:3000']);
  expect(services['flinks-simulator']?.ports).toEqual(['4010:4010']);
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
  for (const name of ['postgresql', 'temporal', 'temporal-ui', 'worker', 'api', 'flinks-simulator']) {
    expect({ name, healthcheck: services[name]?.healthcheck?.test }).toEqual({
      name,
      healthcheck: expect.anything(),
    });
  }
});

test('the simulator is behind the `simulator` profile; nothing else is', () => {
  for (const [name, service] of Object.entries(services)) {
    expect({ name, profiles: service.profiles }).toEqual({
      name,
      profiles: name === 'flinks-simulator' ? ['simulator'] : undefined,
    });
  }
});

test('the product runs the built entry points of src/, pointed at the compose Temporal and a shared sink', () => {
  const entry = (service: string) => services[service]?.command?.[1] ?? '';
  expect(entry('worker')).toBe('lib/worker.js');
  expect(entry('api')).toBe('lib/api/main.js');
  expect(entry('flinks-simulator')).toBe('lib/simulator/main.js');
  for (const service of ['worker', 'api', 'flinks-simulator']) {
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
  const dynamicConfig = services.temporal?.environment?.DYNAMIC_CONFIG_FILE_PATH ?? '';
  expect(
    existsSync(join(root, 'compose', 'temporal', 'dynamicconfig', dynamicConfig.split('/').pop() ?? '')),
  ).toBe(true);

  const script = read('compose/temporal/setup-namespace.sh');
  const registered = [...script.matchAll(/\b(Flinks\w+)=(\w+)/g)].map(([, name, type]) => `${name}=${type}`);
  expect(registered.sort()).toEqual(
    cardSearchAttributes.map((key) => `${key.name}=${TypedSearchAttributes.toMetadataType(key.type)}`).sort(),
  );
});

test('the image context leaves out dependencies, data and tests', () => {
  const ignored = read('.dockerignore').split('\n');
  expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'lib', '.data', '.tools', '.git', 'test']));
});

describe('a compose client validates the file', () => {
  const client = composeClient();
  const env = {
    ...process.env,
    FLINKS_SECRET_KEY: 'compose-test-secret',
    API_TOKEN: 'compose-test-api-token',
  };

  (client ? test : test.skip)(`${client?.join(' ') ?? 'no compose client on this machine'} config`, () => {
    const [command, ...prefix] = client as string[];
    for (const profile of [[], ['--profile', 'simulator']]) {
      const result = spawnSync(command as string, [...prefix, ...profile, 'config', '--services'], {
        cwd: root,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect({ status: result.status, stderr: result.stderr }).toEqual({
        status: 0,
        stderr: expect.any(String),
      });
      const listed = result.stdout.trim().split('\n');
      // The standalone docker-compose (v1) lists profiled services even without their profile.
      const expected = Object.keys(services).filter((s) => profile.length > 0 || s !== 'flinks-simulator');
      expect(listed).toEqual(expect.arrayContaining(expected));
    }
  });

  (client ? test : test.skip)('without FLINKS_SECRET_KEY or API_TOKEN it refuses, naming them', () => {
    const [command, ...prefix] = client as string[];
    const result = spawnSync(command as string, [...prefix, 'config'], {
      cwd: root,
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/FLINKS_SECRET_KEY|API_TOKEN/);
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
