// A backend retrying `reconnected` without pause: the card's queue of pending messages stays one message, the card
// continues-as-new carrying it, and nothing reaches Flinks twice for the same requestId. Shared by the short run in
// `npm test` and the virtual hour in `npm run test:faults`.
import { disconnectSignal, reconnectedSignal, stateQuery } from '../../src/workflows/definitions';
import { runChain } from '../fuzz/fuzz-world';
import { waitFor } from '../harness/wait-for';
import { type CardWorld, workflowTaskFailures } from './card-env';

const CONTINUE_AS_NEW_AFTER = 200;

/**
 * Sends the same reconnected every 100 ms of the backend's clock for `seconds`. On the dev server that clock is
 * compressed (one after the other, about 6 times the real rate here: a loaded worker can then lose continue-as-new
 * to the next signal again and again, as Temporal refuses a completion while signals arrive); on the time-skipping
 * server it is the test server's own clock. Then checks the card and each of its runs.
 */
export async function floodWithReconnects(world: CardWorld, seconds: number): Promise<void> {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
  const handle = await world.startCard({
    loginId,
    institution: 'FlinksCapital',
    policy: { continueAsNewAfterEvents: CONTINUE_AS_NEW_AFTER },
  });
  const { requestId } = await world.sim.admin.completeUserReconnect(loginId);
  await world.sim.admin.resetCounters();
  const card = world.env.client.workflow.getHandle(handle.workflowId);

  const signals = seconds * 10;
  for (let i = 0; i < signals; i += 1) {
    await card.signal(reconnectedSignal, { requestId });
    // On the time-skipping server, 100 ms of its clock pass between signals (once the card has handled the last).
    if (world.env.supportsTimeSkipping) await world.env.sleep(100);
  }

  const view = await waitFor(
    async () => {
      const { raw } = await card.describe();
      if (raw.pendingWorkflowTask || (raw.pendingActivities ?? []).length > 0) return undefined;
      const state = await card.query(stateQuery);
      return state.lastError === null && state.status === 'scheduled' ? state : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  expect(view.malformedMessages.count).toBe(0);

  // Every run stayed near the threshold: a few signals land while a run decides to continue.
  const chain = await runChain(world.env, handle.workflowId, handle.firstExecutionRunId, 10_000);
  const runs: { events: number; failures: string[] }[] = [];
  for (const run of chain) {
    const history = await run.fetchHistory();
    runs.push({ events: history.events?.length ?? 0, failures: await workflowTaskFailures(run) });
  }
  const longest = Math.max(...runs.map((r) => r.events));
  process.stderr.write(
    `[flood] ${signals} reconnected signals: ${runs.length} runs, longest ${longest} events, ` +
      `${(await world.sim.admin.counters()).total} Flinks requests\n`,
  );
  expect(runs.length).toBeGreaterThan(signals / (2 * CONTINUE_AS_NEW_AFTER));
  expect(longest).toBeLessThan(CONTINUE_AS_NEW_AFTER * 2);
  expect(
    runs.flatMap((r) => r.failures).filter((f) => !/UnhandledCommand|unhandled command/i.test(f)),
  ).toEqual([]);
  // One fetch for the requestId: the repeats were duplicates of a reconnect the card had already fetched.
  const counters = await world.sim.admin.counters();
  expect(counters.byEndpoint.GetAccountsDetail ?? 0).toBeLessThanOrEqual(2);

  await card.signal(disconnectSignal, {});
  expect(await card.result()).toMatchObject({ status: 'disconnected' });
}
