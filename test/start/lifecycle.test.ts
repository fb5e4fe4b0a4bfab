// The stop of `npm start` / `npm run cluster` survives the one error @temporalio/client throws from a retry timer
// after the client was closed (a call cut short by Ctrl-C), and nothing else.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const run = (message: string) =>
  spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'test/fixtures/lifecycle-stop.ts', message],
    {
      cwd: join(__dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 60_000,
    },
  );

test("a closed client's retry timer throwing while stopping does not crash the stop", () => {
  expect(run('Channel has been shut down')).toMatchObject({ status: 0 });
});

test('any other uncaught error still crashes, with its stack', () => {
  const result = run('something else broke');
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('Error: something else broke');
});
