// Opens the run's cards the way a backend does (FlinksRefreshClient.connect), then waits until every card has
// run its first workflow task and visibility lists them all: the routine must find every card, and the
// product run must not start while the worker is still busy with the cards' first tasks.
import { forEachBounded } from '../../src/domain/for-each-bounded';
import { cardQuery } from '../../src/domain/routine-shards';
import { CARD_WORKFLOW_ID_PREFIX, CARD_WORKFLOW_TYPE } from '../../src/workflows/definitions';
import { FlinksEligibleUntil } from '../../src/workflows/search-attributes';
import { type BenchWorld } from './bench-world';
import { ProgressBar } from './progress-bar';
import { type BenchCard } from './scenario-mix';

/** Connect calls in flight: enough to keep a 2-core dev server busy without queueing at the client. */
const CONNECT_CONCURRENCY = 32;
const READY_TIMEOUT_MS = 15 * 60_000;

export interface OpenedCards {
  /** From the first connect to the last card's first workflow task, as visibility saw it. */
  ms: number;
}

/**
 * `connectedAt` is both the simulated card's last success and cached call and the card's own: a card
 * connected before tonight, so Flinks' job gives it a newer LastRefresh, as on any ordinary night.
 */
export async function openCards(
  world: BenchWorld,
  cards: readonly BenchCard[],
  connectedAt: string,
  options: { simulated: boolean },
): Promise<OpenedCards> {
  const started = Date.now();
  if (options.simulated) {
    for (const { loginId, scenario } of cards) {
      await world.sim.admin.createCard({
        loginId,
        scenario,
        lastSuccessfulRefreshAt: connectedAt,
        lastCachedCallAt: connectedAt,
      });
    }
  }
  const connecting = new ProgressBar('Opening cards', cards.length);
  let connected = 0;
  await forEachBounded(cards, CONNECT_CONCURRENCY, async ({ loginId }) => {
    await world.cards.connect(loginId, { connectedAt });
    connected += 1;
    if (connected % 100 === 0) connecting.update(connected);
  });
  connecting.update(connected);
  connecting.finish();

  const ready = new ProgressBar('First workflow tasks', cards.length);
  const query = `${cardQuery({
    workflowType: CARD_WORKFLOW_TYPE,
    taskQueue: world.config.temporal.taskQueue,
    idPrefix: CARD_WORKFLOW_ID_PREFIX,
  })} AND ${FlinksEligibleUntil.name} > '1970-01-02T00:00:00Z'`;
  // A card's first task upserts FlinksEligibleUntil: counted, the card has run it.
  for (;;) {
    const { count } = await world.env.client.workflow.count(query);
    ready.update(count);
    if (count >= cards.length) break;
    if (Date.now() - started > READY_TIMEOUT_MS) {
      throw new Error(`only ${count} of ${cards.length} cards ran their first task in time`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  ready.finish();
  return { ms: Date.now() - started };
}
