// `npx ts-node --transpile-only bench/src/replay-cost.ts [nights]`: what a card's replay costs as its history
// grows. A worker with a bounded workflow cache evicts sleeping cards, so a card woken by the routine (or a
// press) replays its whole run first: this prices that replay, to choose how often a card continues-as-new.
// One healthy card lives `nights` nights (default 200) on the time-skipping server, each night one routine
// signal; its history is then replayed cut after 100, 250, 500, 1,000 and 2,000 events, each several times.
import { performance } from 'node:perf_hooks';
import { type temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { DAY_MS } from '../../src/domain/time';
import { nightlyStatusSignal, stateQuery } from '../../src/workflows/definitions';
import { bundleWorkflows } from '../../test/harness/workflow-bundle';
import { createCardWorld, eventually } from '../../test/workflows/card-env';

type History = temporal.api.history.v1.IHistory;

const CUTS = [100, 250, 500, 1_000, 2_000];
const REPEATS = 20;

/** The first `events` events, ending after a completed workflow task (where a replay can stop). */
function cut(history: History, events: number): History | null {
  const all = history.events ?? [];
  if (all.length < events) return null;
  let end = events;
  while (end > 0 && !all[end - 1]?.workflowTaskCompletedEventAttributes) end -= 1;
  return { events: all.slice(0, end) };
}

async function main(nights: number): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const world = await createCardWorld();
  let history: History;
  try {
    const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
    const handle = await world.startCard({
      loginId,
      institution: 'FlinksCapital',
      // Long enough that the whole measured history stays in one run.
      policy: { continueAsNewAfterEvents: 100_000 },
    });
    for (let night = 1; night <= nights; night++) {
      await world.env.sleep(DAY_MS);
      await handle.signal(nightlyStatusSignal, { routineId: `r-${night}`, ineligible: null });
      await eventually(
        () => handle.query(stateQuery),
        (s) => s.lastRoutineId === `r-${night}` && s.status !== 'refreshing',
      );
    }
    history = await handle.fetchHistory();
  } finally {
    await world.close();
  }
  const total = history.events?.length ?? 0;
  console.log(`${nights} nights: ${total} events, ${(total / nights).toFixed(1)} a night`);
  const workflowBundle = await bundleWorkflows(require.resolve('../../src/workflows'));
  for (const events of CUTS) {
    const prefix = cut(history, events);
    if (!prefix) continue;
    const histories = Array.from({ length: REPEATS + 1 }, (_, i) => ({
      workflowId: `w${i}`,
      history: prefix,
    }));
    const times: number[] = [];
    let last = performance.now();
    for await (const result of Worker.runReplayHistories({ workflowBundle, replayName: 'cost' }, histories)) {
      if (result.error) throw result.error;
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    // The first replay pays the worker's start: leave it out.
    const steady = times.slice(1).sort((a, b) => a - b);
    const median = steady[Math.floor(steady.length / 2)] ?? 0;
    console.log(`replay of ${prefix.events?.length ?? 0} events: median ${median.toFixed(1)} ms`);
  }
}

main(Number(process.argv[2] ?? 200)).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
