// Re-records test/histories/*.json: real card lives on the time-skipping server and the simulator.
// Run after a deliberate workflow change: `npm run record-histories`. Old histories of a changed workflow
// must keep replaying (see "Changing a workflow safely" in the README), so keep the old files too.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type temporal } from '@temporalio/proto';
import { cardScenarios } from '../test/replay/card-scenarios';
import { historyToJson } from '../test/replay/history-json';
import { createCardWorld } from '../test/workflows/card-env';

async function main(): Promise<void> {
  const dir = join(__dirname, '..', 'test', 'histories');
  const world = await createCardWorld();
  try {
    for (const scenario of cardScenarios) {
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
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (process.env.DEBUG ? error.stack : error.message) : error);
  process.exit(1);
});
