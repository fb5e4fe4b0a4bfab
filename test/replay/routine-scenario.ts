// The nightly routine, recorded for the replay test (scripts/record-histories.ts): it lists cards through
// visibility, so it runs on a dev server. A dozen cards of mixed scenarios in 16 small shards, so the history holds
// several batches, and Flinks' list names stale cards as well as a login no card workflow knows.
import { type temporal } from '@temporalio/proto';
import { forEachBounded } from '../../src/domain/for-each-bounded';
import { DAY_MS } from '../../src/domain/time';
import { type Scenario } from '../../src/simulator';
import { nightlyRoutine } from '../../src/workflows/nightly-routine';
import { createRoutineWorld } from '../routine/routine-world';

const CARDS: Scenario[] = [
  'healthy',
  'healthy',
  'healthy',
  'healthy',
  'slow',
  'flaky',
  'retry-later',
  'retry-later',
  'mfa-on-live',
  'mfa-on-live',
  'disabled-institution',
  'invalid-credentials',
];

export const ROUTINE_HISTORY_NAME = 'routine-batches-and-unknown-logins';

/** Runs one routine over fresh cards on the dev server at `temporalAddress`; returns its history. */
export async function recordRoutineHistory(
  temporalAddress: string,
): Promise<temporal.api.history.v1.IHistory> {
  const world = await createRoutineWorld({ temporalAddress });
  try {
    const running = await world.startWorkers();
    const stale = { lastSuccessfulRefreshAt: Date.now() - 8 * DAY_MS };
    const loginIds: string[] = [];
    for (const [i, scenario] of CARDS.entries()) {
      const card = await world.sim.admin.createCard({ scenario, ...(i % 3 === 0 ? stale : {}) });
      loginIds.push(card.loginId);
    }
    await forEachBounded(loginIds, 4, (id) => world.cards.connect(id).then(() => undefined));
    // Flinks lists it, no card workflow knows it: the routine reports it by ID.
    await world.sim.admin.createCard({ scenario: 'healthy', ...stale });
    const handle = await world.env.client.workflow.start(nightlyRoutine, {
      workflowId: `nightly-routine-${ROUTINE_HISTORY_NAME}`,
      taskQueue: world.taskQueue,
      args: [
        {
          routineId: ROUTINE_HISTORY_NAME,
          flinksTaskQueue: world.config.flinks.taskQueue,
          maxDataAge: '1 ms',
          cardsPerShard: 1,
          pageSize: 2,
          shardConcurrency: 4,
          signalConcurrency: 2,
        },
      ],
    });
    await handle.result();
    await world.settled(loginIds, ROUTINE_HISTORY_NAME);
    await running.stop();
    return await handle.fetchHistory();
  } finally {
    await world.close();
  }
}
