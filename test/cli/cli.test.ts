// The operator CLI end to end: the real bin in a child process, against the dev server, the product's workers and
// the simulator. Humans get tables and blocks, scripts get --json, errors are one line and a non-zero exit.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type CardPage } from '../../src/client';
import { type RoutineResult } from '../../src/domain/routine-result';
import { NIGHTLY_SCHEDULE_ID } from '../../src/schedule';
import { waitFor } from '../harness/wait-for';
import { createRoutineWorld, type RoutineWorld } from '../routine/routine-world';
import { deleteNightlySchedule } from '../schedule/schedule-helpers';

const ROOT = join(__dirname, '..', '..');
let world: RoutineWorld;
let loginId: string;

beforeAll(async () => {
  world = await createRoutineWorld();
  await deleteNightlySchedule(world.env.client);
  await world.startWorkers();
  loginId = (await world.sim.admin.createCard({ scenario: 'healthy' })).loginId;
});

afterAll(async () => {
  if (world) await deleteNightlySchedule(world.env.client);
  await world?.close();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin', 'flinks-refresh.js'), ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH, ...world.processEnv }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** One line on stderr, no stack trace. */
function expectOneLineError(run: Run, code: number, message: string): void {
  expect(run.code).toBe(code);
  expect(run.stdout).toBe('');
  expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining(message)]);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

test('--help on the CLI and on every command, without a server', async () => {
  const overview = await cli('--help');
  expect(overview.code).toBe(0);
  for (const command of ['connect', 'list', 'show', 'refresh', 'routine run', 'schedule apply']) {
    expect(overview.stdout).toContain(command);
  }
  const [connect, routine] = await Promise.all([cli('connect', '--help'), cli('routine', 'run', '-h')]);
  expect(connect.stdout).toMatch(/^Usage: flinks-refresh connect <loginId> \[--institution NAME\]/);
  expect(routine.stdout).toContain('Usage: flinks-refresh routine run [--wait]');
});

test('connect, list, show, refresh and routine run, for people and for scripts', async () => {
  const connected = await cli('connect', loginId, '--institution', 'FlinksCapital');
  expect(connected).toMatchObject({
    code: 0,
    stdout: `Connected: ${loginId} (workflow flinks-card-${loginId})\n`,
  });
  const again = await cli('connect', loginId, '--json');
  expect(JSON.parse(again.stdout)).toMatchObject({ loginId, started: false });

  // Visibility catches up within a moment.
  const table = await waitFor(async () => {
    const run = await cli('list');
    return run.stdout.includes(loginId) ? run.stdout : undefined;
  });
  expect(table.split('\n')[0]).toMatch(/^LOGIN ID\s+STATUS\s+LAST REFRESH\s+ELIGIBLE UNTIL\s+ERROR$/);
  expect(table).toMatch(new RegExp(`${loginId}\\s+scheduled`));
  const page = JSON.parse((await cli('list', '--status', 'scheduled', '--json')).stdout) as CardPage;
  expect(page.cards.map((c) => c.loginId)).toContain(loginId);

  const shown = await cli('show', loginId);
  expect(shown.code).toBe(0);
  expect(shown.stdout).toMatch(/^Status:\s+scheduled$/m);
  expect(shown.stdout).toMatch(/^Institution:\s+FlinksCapital$/m);

  const refreshed = JSON.parse((await cli('refresh', loginId, '--json')).stdout) as { outcome: string };
  expect(refreshed.outcome).toBe('refreshed');

  const routineId = `cli-${randomUUID()}`;
  const routine = await cli('routine', 'run', '--wait', '--routine-id', routineId);
  expect(routine.code).toBe(0);
  expect(routine.stdout).toMatch(new RegExp(`^Routine:\\s+${routineId}$`, 'm'));
  expect(routine.stdout).toMatch(/^Signalled:\s+1 \(0 with their Flinks entry\)$/m);
  const json = JSON.parse(
    (await cli('routine', 'run', '--wait', '--routine-id', routineId, '--json')).stdout,
  );
  expect(json as RoutineResult).toMatchObject({ routineId, cards: 1, signalled: 1 });
});

test('schedule apply, pause and describe: applying again keeps it paused', async () => {
  expect((await cli('schedule', 'apply', '--time', '09:15')).stdout).toBe(
    `Schedule ${NIGHTLY_SCHEDULE_ID} created.\n`,
  );
  expect((await cli('schedule', 'pause', '--note', 'maintenance')).code).toBe(0);
  expect((await cli('schedule', 'apply')).stdout).toBe(`Schedule ${NIGHTLY_SCHEDULE_ID} updated (paused).\n`);
  const described = await cli('schedule', 'describe');
  expect(described.stdout).toMatch(/^When:\s+daily at 08:30 UTC \(jitter 5m\)$/m);
  expect(described.stdout).toMatch(/^State:\s+paused \(maintenance\)$/m);
});

test('errors: one line, exit 1 for a failed operation, 2 for a wrong command line', async () => {
  const [badId, unknown, badStatus, badCommand, missing] = await Promise.all([
    cli('show', 'not-a-uuid'),
    cli('show', randomUUID()),
    cli('list', '--status', 'frozen'),
    cli('frobnicate'),
    cli('refresh'),
  ]);
  expectOneLineError(badId, 1, 'flinks-refresh: Invalid loginId "not-a-uuid": a Flinks loginId is a UUID');
  expectOneLineError(unknown, 1, 'not found: no card workflow was ever started for it');
  expectOneLineError(badStatus, 1, 'Invalid list options: status');
  expectOneLineError(badCommand, 2, "unknown command 'frobnicate'");
  expectOneLineError(missing, 2, 'refresh takes <loginId>, got 0 argument(s)');

  const noServer = await new Promise<Run>((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin', 'flinks-refresh.js'), 'list'],
      { cwd: ROOT, env: { PATH: process.env.PATH, TEMPORAL_ADDRESS: 'not an address' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
  expectOneLineError(noServer, 1, 'Invalid configuration: TEMPORAL_ADDRESS must be host:port');
});
