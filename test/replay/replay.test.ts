// Every recorded card history must replay against today's workflow code: a change that would break running
// cards (non-determinism) fails here, before it reaches a worker. Re-record with `npm run record-histories`.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ReplayResult, Worker } from '@temporalio/worker';
import { installTestRuntime } from '../harness/runtime';
import { bundleWorkflows } from '../harness/workflow-bundle';
import { historyFromJson } from './history-json';
import { ROUTINE_HISTORY_NAME } from './routine-scenario';

const HISTORIES = join(__dirname, '..', 'histories');

async function loadHistories(): Promise<
  { workflowId: string; history: ReturnType<typeof historyFromJson> }[]
> {
  const files = (await readdir(HISTORIES)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: historyFromJson(await readFile(join(HISTORIES, file), 'utf8')),
    })),
  );
}

async function replayAll(workflowsPath: string): Promise<ReplayResult[]> {
  installTestRuntime();
  const results: ReplayResult[] = [];
  const histories = await loadHistories();
  const workflowBundle = await bundleWorkflows(workflowsPath);
  for await (const result of Worker.runReplayHistories({ workflowBundle }, histories)) results.push(result);
  return results;
}

test('the recorded histories cover every card path, continue-as-new included, and the routine in batches', async () => {
  const names = (await loadHistories()).map((h) => h.workflowId);
  expect(names.length).toBeGreaterThanOrEqual(7);
  expect(names.some((n) => n.startsWith('card-continue-as-new-run'))).toBe(true);
  expect(names).toContain(ROUTINE_HISTORY_NAME);
});

test('every recorded history replays against the current workflow code', async () => {
  const results = await replayAll(require.resolve('../../src/workflows'));
  expect(results.filter((r) => r.error).map((r) => `${r.workflowId}: ${String(r.error)}`)).toEqual([]);
  expect(results.length).toBeGreaterThanOrEqual(7);
});

test('a non-compatible change to the workflow is caught by the replay', async () => {
  const results = await replayAll(require.resolve('./fixtures/incompatible-card'));
  const failed = results.filter((r) => r.error);
  expect(failed.length).toBe(results.length);
  expect(String(failed[0]?.error)).toMatch(/[Nn]ondetermin|DeterminismViolation/);
});
