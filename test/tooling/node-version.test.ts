// The Node version the product declares is the one its tests run on: .nvmrc (which scripts/use-node.sh installs
// and .ci/run puts first on PATH), package.json's engines floor, the lockfile and the Dockerfile's images agree,
// and the process running this test is on that line.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

const declared = read('.nvmrc').trim();
const parts = (version: string) => version.split('.').map(Number);
const [declaredMajor = NaN] = parts(declared);

/** a >= b, for plain x.y.z versions. */
function atLeast(a: string, b: string): boolean {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return true;
}

test('.nvmrc names one exact version of a supported LTS line (even major, 22 or later)', () => {
  expect(declared).toMatch(/^\d+\.\d+\.\d+$/);
  expect(declaredMajor % 2).toBe(0);
  expect(declaredMajor).toBeGreaterThanOrEqual(22);
});

test('engines, the lockfile, @types/node and the Dockerfile name the version in .nvmrc', () => {
  const pkg = JSON.parse(read('package.json')) as {
    engines: { node: string };
    devDependencies: Record<string, string>;
  };
  const lock = JSON.parse(read('package-lock.json')) as {
    packages: Record<string, { engines?: { node: string } }>;
  };
  expect(pkg.engines.node).toBe(`>=${declared}`);
  expect(lock.packages['']?.engines?.node).toBe(`>=${declared}`);
  expect(pkg.devDependencies['@types/node']).toMatch(new RegExp(`^\\^${declaredMajor}\\.`));
  const images = read('Dockerfile')
    .split('\n')
    .filter((line) => line.startsWith('FROM '))
    .map((line) => line.split(/\s+/)[1]);
  expect(images).toEqual([`node:${declared}-bookworm-slim`, `node:${declared}-bookworm-slim`]);
});

test('the tests run on the declared version: same major, at or above the engines floor', () => {
  const running = process.versions.node;
  // On a failure: `source scripts/use-node.sh` puts the declared Node first on PATH (README, Configuration).
  expect({ running, declared, sameMajor: parts(running)[0] === declaredMajor }).toEqual({
    running: expect.any(String),
    declared,
    sameMajor: true,
  });
  expect(atLeast(running, declared)).toBe(true);
});

describe('scripts/use-node.sh', () => {
  const bash = (script: string, cwd: string) =>
    spawnSync('bash', ['-c', script], { cwd, encoding: 'utf8', timeout: 60_000 });

  test('run as a program, it finds or installs the declared Node and prints the PATH line for it', () => {
    const run = bash('bash scripts/use-node.sh', root);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const bin = /^export PATH="(.+):\$PATH"$/m.exec(run.stdout)?.[1] ?? '';
    expect(bin).toMatch(
      new RegExp(`/flinks-refresh/node-v${declared.replace(/\./g, '\\.')}-[a-z]+-[a-z0-9]+/bin$`),
    );
    expect(spawnSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim()).toBe(
      `v${declared}`,
    );
  });

  test('sourced with a malformed .nvmrc, it says so, returns 1 and leaves the shell and its PATH as they were', () => {
    const copy = mkdtempSync(join(tmpdir(), 'use-node-'));
    cpSync(join(root, 'scripts'), join(copy, 'scripts'), { recursive: true });
    writeFileSync(join(copy, '.nvmrc'), '24.x\n');
    const run = bash(
      'before=$PATH; source scripts/use-node.sh; echo "status $?"; [ "$PATH" = "$before" ] && echo same',
      copy,
    );
    expect(run.stdout.trim().split('\n')).toEqual(['status 1', 'same']);
    expect(run.stderr).toContain(`.nvmrc must hold one version like 24.22.3, got '24.x'`);
  });
});
