// Re-records test/histories/*.json: real card lives on the time-skipping server and the simulator.
// Run after a deliberate workflow change: `npm run record-histories` (all), or `npm run record-histories -- <prefix>`
// for the histories whose name starts with it (e.g. `routine`). Old histories of a changed workflow
// must keep replaying (see "Changing a workflow safely" in the README), so keep the old files too.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type temporal } from '@temporalio/proto';
import { cardScenarios } from '../test/replay/card-scenarios';
import { historyToJson } from '../test/replay/history-json';
import { recordRoutineHistory, ROUTINE_HISTORY_NAME } from '../test/replay/routine-scenario';
import { startPrivateDevServer } from '../test/harness/dev-server';
import { createCardWorld } from '../test/workflows/card-env';

async function main(): Promise<void> {
  const dir = join(__dirname, '..', 'test', 'histories');
  const wanted = (name: string): boolean => name.startsWith(process.argv[2] ?? '');
  const world = await createCardWorld();
  try {
    for (const scenario of cardScenarios.filter((s) => wanted(s.name))) {
      const started = Date.now();
      const handle = await scenario.run(world);
      // Every run of the chain: continue-as-new leaves one history per run, linked by its last event.
      let runId: string | null = handle.firstExecutionRunId;
      for (let run = 1; runId !== null; run++) {
        const history: temporal.api.history.v1.IHistory = await world.env.client.workflow
          .getHandle(handle.workflowId, runId)
          .fetchHistory();
        const last = history.events?.[history.events.length - 1];
        runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? null;
        const suffix = run > 1 || runId !== null ? `-run${run}` : '';
        const file = join(dir, `${scenario.name}${suffix}.json`);
        await writeFile(file, historyToJson(history) + '\n');
        console.log(`${file}: ${history.events?.length ?? 0} events (${Date.now() - started} ms)`);
      }
    }
  } finally {
    await world.close();
  }
  if (!wanted(ROUTINE_HISTORY_NAME)) return;
  // The routine lists cards through visibility: it needs the dev server, not the time-skipping one.
  const started = Date.now();
  const server = await startPrivateDevServer();
  try {
    const history = await recordRoutineHistory(server.address);
    const file = join(dir, `${ROUTINE_HISTORY_NAME}.json`);
    await writeFile(file, historyToJson(history) + '\n');
    console.log(`${file}: ${history.events?.length ?? 0} events (${Date.now() - started} ms)`);
  } finally {
    await server.teardown();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (process.env.DEBUG ? error.stack : error.message) : error);
  process.exit(1);
});
