// The first run's demo: one card per simulator scenario, tonight's Flinks job, one routine, and a Refresh press
// where a card's status would otherwise wait for the next night. Within seconds the table (and the Web UI) show
// healthy, awaiting-user-mfa and errored cards side by side.
import { type Client } from '@temporalio/client';
import { type FlinksRefreshClient } from '../client';
import { type FlinksLogger } from '../flinks';
import { runRoutineNow } from '../schedule';
import { type Scenario, scenarios, type Simulator } from '../simulator';

export interface DemoSeedDeps {
  cards: FlinksRefreshClient;
  client: Client;
  sim: Simulator;
  taskQueue: string;
  flinksTaskQueue: string;
  log: FlinksLogger;
}

/** Cards whose status needs a live attempt to show (the routine alone leaves them `scheduled` with lastError). */
const REFRESH_AFTER_ROUTINE: readonly Scenario[] = ['retry-later', 'disabled-institution', 'mfa-on-live'];
const ROUTINE_WAIT_MS = 120_000;

/** True when this task queue has no card at all, open or closed: the data folder is new (or was wiped). */
export async function needsDemo(cards: FlinksRefreshClient): Promise<boolean> {
  const [open, closed] = await Promise.all([
    cards.listCards({ pageSize: 1 }),
    cards.listCards({ pageSize: 1, status: 'disconnected' }),
  ]);
  return open.cards.length === 0 && closed.cards.length === 0;
}

export async function seedDemo(deps: DemoSeedDeps): Promise<string[]> {
  const { cards, sim, log } = deps;
  // A wiped Temporal with a kept simulator snapshot: reuse those cards rather than add a second set.
  const existing = await sim.admin.listCards();
  const byScenario = new Map<Scenario, string>();
  for (const scenario of scenarios) {
    const card = existing.find((c) => c.scenario === scenario) ?? (await sim.admin.createCard({ scenario }));
    await cards.connect(card.loginId, { institution: card.institution });
    byScenario.set(scenario, card.loginId);
  }
  log.info('demo cards connected', { cards: byScenario.size });

  await sim.admin.runNightlyJob();
  const routine = await runRoutineNow(deps.client, {
    taskQueue: deps.taskQueue,
    flinksTaskQueue: deps.flinksTaskQueue,
    routineId: `demo-first-run-${new Date().toISOString()}`,
  });
  await withTimeout(routine.handle.result(), ROUTINE_WAIT_MS, 'the first routine');
  log.info('demo routine finished', { routineId: routine.routineId });

  await Promise.all(
    REFRESH_AFTER_ROUTINE.map(async (scenario) => {
      const loginId = byScenario.get(scenario) as string;
      if (scenario === 'mfa-on-live' && (await cards.getCard(loginId)).status === 'awaiting-user-mfa') return;
      const result = await cards.refreshNow(loginId);
      log.info('demo refresh', { loginId, scenario, outcome: result.outcome, errorCode: result.errorCode });
    }),
  );
  return [...byScenario.values()];
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
