// `npm run bench` end to end at a small scale, as a child process like any run: it completes and writes results
// that match their schema, and a PNG. No figure is checked: speed is the benchmark's to report, never a test's.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchResultsSchema } from '../../bench/src/results-schema';
import { runCommand } from '../../src/temporal/exec';

const ROOT = join(__dirname, '..', '..');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let resultsDir: string;

beforeAll(async () => {
  resultsDir = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
});

afterAll(async () => {
  await rm(resultsDir, { recursive: true, force: true });
});

test('a 200-card run completes and writes valid results and a chart', async () => {
  // Short latency and polls keep it well under a minute; the scale and the mix are the real ones.
  const run = await runCommand(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      'bench/src/main.ts',
      '--cards',
      '200',
      '--latency',
      '20',
      '--jitter',
      '5',
      '--poll-interval',
      '100ms',
      '--api-requests',
      '10',
      '--results-dir',
      resultsDir,
    ],
    { cwd: ROOT, env: process.env },
  );
  expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr.slice(-3_000) }).toEqual({
    code: 0,
    stderr: '',
  });

  const files = (await readdir(resultsDir)).sort();
  expect(files).toHaveLength(2);
  const [json, png] = [files.find((f) => f.endsWith('.json')), files.find((f) => f.endsWith('.png'))];
  const results = benchResultsSchema.parse(
    JSON.parse(await readFile(join(resultsDir, json as string), 'utf8')),
  );
  expect(results.mode).toBe('routine');
  if (results.mode !== 'routine') return;
  expect(results.product).toMatchObject({ complete: true, cardsDone: 200 });
  expect(results.chart).toBe(png);
  expect((await readFile(join(resultsDir, png as string))).subarray(0, 8)).toEqual(PNG_SIGNATURE);
  expect(run.stdout).toContain('| target | wanted | measured | met |');
  // About a minute on a quiet 2-core machine; the margin is for a busy one.
}, 240_000);
