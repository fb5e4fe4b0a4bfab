// `npm start` as a user runs it: the first run seeds the demo (healthy, awaiting-user-mfa and errored cards, found
// by FlinksCardStatus), Ctrl-C stops it with exit 0, and the next run finds the same cards. Once on the shared dev
// server (TEMPORAL_ADDRESS), once with its own embedded dev server, which must be gone after Ctrl-C.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { NIGHTLY_SCHEDULE_ID } from '../../src/schedule';
import { connectToDevServer } from '../harness/dev-server';
import { uniqueTaskQueue } from '../harness/task-queue';
import { waitFor } from '../harness/wait-for';
import { apiCaller } from '../api/api-harness';
import { isProcessAlive } from '../../src/start/embedded-dev-server';
import { runStart, type StartProcess, tableLoginIds } from './start-process';

let env: TestWorkflowEnvironment;
let dataDir: string;

beforeAll(async () => {
  env = await connectToDevServer();
  dataDir = await mkdtemp(join(tmpdir(), 'npm-start-'));
});

afterAll(async () => {
  // The schedule has the product's fixed id: leave the shared server as other suites expect it.
  await env?.client.schedule
    .getHandle(NIGHTLY_SCHEDULE_ID)
    .delete()
    .catch(() => undefined);
  await env?.teardown();
  await rm(dataDir, { recursive: true, force: true });
});

async function idsWhere(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of env.client.workflow.list({ query }))
    ids.push(execution.workflowId.slice('flinks-card-'.length));
  return ids.sort();
}

test('first run seeds a demo; a restart finds the same cards', async () => {
  const taskQueue = uniqueTaskQueue('npm-start');
  const processEnv = {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: env.namespace ?? 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    FLINKS_TASK_QUEUE: `${taskQueue}-flinks`,
    API_PORT: '0',
  };
  const args = ['--data-dir', dataDir, '--simulator-port', '0'];

  const first = runStart(args, processEnv);
  try {
    const { apiUrl, token } = await first.banner();
    await first.waitForOutput(/Demo: 7 cards seeded/, 90_000);
    const mine = `WorkflowType = 'cardLifecycle' AND TaskQueue = '${taskQueue}'`;
    const byStatus = await waitFor(
      async () => {
        const [scheduled, mfa, errored] = await Promise.all(
          ['scheduled', 'awaiting-user-mfa', 'errored'].map((status) =>
            idsWhere(`${mine} AND FlinksCardStatus = '${status}'`),
          ),
        );
        const done = scheduled?.length === 3 && mfa?.length === 2 && errored?.length === 2;
        return done ? { scheduled, mfa, errored } : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const call = apiCaller(apiUrl);
    const errored = await call('GET', '/cards?status=errored', { token });
    expect((errored.body.cards as { loginId: string }[]).map((c) => c.loginId).sort()).toEqual(
      byStatus.errored,
    );
    await expectCleanExit(first);
    expect(first.output()).toMatch(/HTTP API ✓.*workers ✓.*Flinks simulator ✓/s);
  } finally {
    await first.interrupt().catch(() => undefined);
  }
  const seeded = await idsWhere(`WorkflowType = 'cardLifecycle' AND TaskQueue = '${taskQueue}'`);
  expect(seeded).toHaveLength(7);
  expect(JSON.parse(readFileSync(join(dataDir, 'simulator-cards.json'), 'utf8')).cards).toHaveLength(7);

  const second = runStart(args, processEnv);
  try {
    await second.waitForOutput(/\(7 cards from the last run\)/);
    await second.banner();
    await second.waitForOutput(/Cards \(UTC times\): .*\n(.*\n){7}/);
    expect(tableLoginIds(second.output())).toEqual(seeded);
    expect(second.output()).not.toContain('Demo:');
    await expectCleanExit(second);
  } finally {
    await second.interrupt().catch(() => undefined);
  }
  expect(await idsWhere(`WorkflowType = 'cardLifecycle' AND TaskQueue = '${taskQueue}'`)).toEqual(seeded);
});

test('with its own dev server: the Web UI answers, and Ctrl-C leaves no server behind', async () => {
  const ownData = join(dataDir, 'embedded');
  const run = runStart(
    ['--data-dir', ownData, '--temporal-port', '0', '--ui-port', '0', '--simulator-port', '0'],
    {
      API_PORT: '0',
    },
  );
  let pid = 0;
  try {
    const { uiUrl, apiUrl } = await run.banner();
    pid = Number(readFileSync(join(ownData, 'temporal-dev-server.pid'), 'utf8'));
    expect(isProcessAlive(pid)).toBe(true);
    expect((await fetch(uiUrl)).status).toBe(200);
    expect((await fetch(`${apiUrl}/healthz`)).status).toBe(200);
    await expectCleanExit(run);
  } finally {
    await run.interrupt().catch(() => undefined);
  }
  expect(run.output()).toMatch(/Temporal dev server ✓\s+Stopped\./);
  expect(isProcessAlive(pid)).toBe(false);
  expect(existsSync(join(ownData, 'temporal-dev-server.pid'))).toBe(false);
  expect(existsSync(join(ownData, 'temporal.db'))).toBe(true);
});

/** Ctrl-C, then exit 0; on anything else the output's tail says why. */
async function expectCleanExit(run: StartProcess): Promise<void> {
  const code = await run.interrupt();
  expect({ code, output: code === 0 ? '' : run.output().slice(-3_000) }).toEqual({ code: 0, output: '' });
}
