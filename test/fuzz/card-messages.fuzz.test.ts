// Bad input, card messages: over a thousand generated signals and updates sent straight through the Temporal client
// (no FlinksRefreshClient validation) to running cards of every simulator scenario, on the shared dev server with
// the product's workers. Payloads are random JSON, mutations of valid ones (fields dropped, renamed, retyped, nulled,
// made huge, nested), wrong arities, unknown signal and update names.
//
// Updates go through executeCardUpdate, as FlinksRefreshClient.refreshNow sends them: an update Temporal aborts
// (its workflow task refused as UNHANDLED_COMMAND, when a signal lands as a card continues-as-new) is sent again.
//
// Afterwards: no workflow task failed in any run of any card (continue-as-new included; Temporal's own
// UNHANDLED_COMMAND retries are counted apart), no card failed or was terminated, every card answers `state`, its
// malformedMessages.count is exactly the number of invalid payloads it was sent (validity decided by the same zod
// schemas the workflow uses), every refreshNow got an outcome (B8, fixed: no longer refused as disconnected), every unknown
// update was rejected, no update was aborted for good (B9), and the test process saw no unhandled rejection.
//
// Valid payloads that end a card (`disconnect`) or start a Flinks session with a made-up requestId (`reconnected`)
// are drawn again, and counted. Long error codes (B6, fixed) are drawn like any other payload.
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { type z } from 'zod';
import {
  disconnectSchema,
  nightlyStatusSchema,
  reconnectedSchema,
  refreshNowOutcomes,
  setScheduledRefreshSchema,
  webhookRefreshSchema,
  type CardView,
} from '../../src/domain/card-messages';
import { abortedUpdateRetry, executeCardUpdate, InvalidRequestError } from '../../src/client';
import { type Scenario } from '../../src/simulator';
import { cardWorkflowId } from '../../src/workflows/definitions';
import { waitFor } from '../harness/wait-for';
import {
  createFuzzWorld,
  type FuzzWorld,
  isBenignTaskFailure,
  runChain,
  type TaskFailure,
  workflowTaskFailures,
} from './fuzz-world';
import {
  asciiString,
  fuzzSeed,
  hugeString,
  mutate,
  overTheWire,
  Prng,
  randomJson,
  report,
  tally,
  unicodeString,
  uuidLike,
  weighted,
} from './generators';

const SEED = fuzzSeed(0x5eed_0007);
const CASES_PER_CARD = 110;
const SCENARIOS: readonly Scenario[] = [
  'healthy',
  'healthy',
  'mfa-on-live',
  'retry-later',
  'disabled-institution',
  'invalid-credentials',
  'slow',
  'flaky',
  'healthy',
  'mfa-on-live',
];
/** Half the cards continue-as-new every 150 events, so counts and pending signals must cross runs. */
const SHORT_RUN_EVENTS = 150;

const SIGNALS = {
  nightlyStatus: nightlyStatusSchema,
  reconnected: reconnectedSchema,
  setScheduledRefresh: setScheduledRefreshSchema,
  disconnect: disconnectSchema,
  webhookRefresh: webhookRefreshSchema,
} as const satisfies Record<string, z.ZodTypeAny>;
type SignalName = keyof typeof SIGNALS;
const SIGNAL_NAMES = Object.keys(SIGNALS) as SignalName[];

/** What the workflow's handler decides (card-lifecycle.ts: `disconnectSchema.safeParse(payload ?? {})`). */
function isValid(name: SignalName, wire: unknown): boolean {
  return SIGNALS[name].safeParse(name === 'disconnect' ? (wire ?? {}) : wire).success;
}

function template(prng: Prng, name: SignalName): unknown {
  switch (name) {
    case 'nightlyStatus':
      return prng.chance(0.5)
        ? { routineId: `fuzz-${prng.int(1, 1e9)}`, ineligible: null }
        : {
            routineId: `fuzz-${prng.int(1, 1e9)}`,
            ineligible: {
              lastRefreshDate: '2026-11-20T05:00:00.0000000',
              lastRefreshState: prng.pick(['Failed', 'AnsweringSecurityChallenge', 'Completed']),
              lastRefreshErrorCode: prng.pick(['RETRY_LATER', 'INVALID_PASSWORD', 'INVALID_REQUEST', null]),
            },
            maxDataAgeMs: prng.int(1, 86_400_000),
          };
    case 'reconnected':
      return { requestId: uuidLike(prng) };
    case 'setScheduledRefresh':
      return { enabled: prng.chance(0.5) };
    case 'disconnect':
      return { deleteData: prng.chance(0.5) };
    case 'webhookRefresh':
      return {
        requestId: uuidLike(prng),
        lastRefresh: new Date(Date.now() - prng.int(0, 9e8)).toISOString(),
      };
  }
}

type Args = unknown[];

/** The arguments of one signal: mostly a mutated valid payload or random JSON, sometimes odd arities. */
function signalArgs(prng: Prng, name: SignalName): Args {
  return weighted<Args>(prng, [
    [11, () => [mutate(prng, template(prng, name)).value]],
    [6, () => [randomJson(prng, 3)]],
    [1, () => [hugeString(prng, 50_000, 250_000)]],
    [1, () => [{ ...(template(prng, name) as object), junk: hugeString(prng, 50_000, 200_000) }]],
    [1, () => [[null, undefined, [], {}, 0, '', true, 'null'][prng.int(0, 7)]]],
    [1, () => []],
    [1, () => [template(prng, name), randomJson(prng, 2)]],
    [1, () => [[template(prng, name)]]],
    [1, () => [JSON.stringify(template(prng, name))]],
  ]);
}

const unknownSignalName = (prng: Prng): string =>
  weighted(prng, [
    [
      3,
      () =>
        prng.pick(['state', 'refreshNow', 'NightlyStatus', 'nightlystatus', 'nightlyStatus ', 'DISCONNECT']),
    ],
    [2, () => prng.pick(['__proto__', 'constructor', 'toString', '__stack_trace', '__temporal_fuzz'])],
    [2, () => `fuzz-${asciiString(prng, 30)}`],
    // Well formed: a name is a protobuf string, which a lone surrogate cannot be (the client refuses to send it).
    [1, () => `fuzz-${unicodeString(prng, 20, { wellFormed: true })}`],
    [1, () => `fuzz-${'x'.repeat(prng.int(200, 1_000))}`],
  ]);

const unknownUpdateName = (prng: Prng): string =>
  prng.pick([
    'refreshnow',
    'RefreshNow',
    'nightlyStatus',
    'state',
    '__proto__',
    `fuzz-${asciiString(prng, 20)}`,
  ]);

const refreshArgs = (prng: Prng): Args =>
  weighted<Args>(prng, [
    [3, () => [{}]],
    [3, () => [randomJson(prng, 3)]],
    [1, () => []],
    [1, () => [null]],
    [1, () => [randomJson(prng, 2), randomJson(prng, 2)]],
    [1, () => [{ force: true, loginId: uuidLike(prng), junk: hugeString(prng, 1_000, 50_000) }]],
  ]);

type Case =
  | { kind: 'signal'; name: SignalName; args: Args; valid: boolean }
  | { kind: 'unknown-signal'; name: string; args: Args }
  | { kind: 'refresh-now'; args: Args }
  | { kind: 'unknown-update'; name: string; args: Args };

interface Plan {
  cases: Case[];
  /** Valid payloads drawn again, by reason. */
  redrawn: string[];
}

function planFor(prng: Prng): Plan {
  const cases: Case[] = [];
  const redrawn: string[] = [];
  for (let i = 0; i < CASES_PER_CARD; i++) {
    const kind = weighted(prng, [
      [75, () => 'signal' as const],
      [10, () => 'unknown-signal' as const],
      [10, () => 'refresh-now' as const],
      [5, () => 'unknown-update' as const],
    ]);
    if (kind === 'unknown-signal')
      cases.push({ kind, name: unknownSignalName(prng), args: [randomJson(prng, 2)] });
    else if (kind === 'refresh-now') cases.push({ kind, args: refreshArgs(prng) });
    else if (kind === 'unknown-update')
      cases.push({ kind, name: unknownUpdateName(prng), args: refreshArgs(prng) });
    else {
      const name = prng.pick(SIGNAL_NAMES);
      for (let attempt = 0; ; attempt++) {
        const args = signalArgs(prng, name);
        const wire = overTheWire(args[0]);
        const valid = isValid(name, wire);
        const costly = valid && (name === 'disconnect' || name === 'reconnected');
        if (costly && attempt < 50) {
          redrawn.push(`valid ${name}`);
          continue;
        }
        if (costly) throw new Error(`could not draw a usable ${name} payload (seed ${SEED})`);
        cases.push({ kind, name, args, valid });
        break;
      }
    }
  }
  return { cases, redrawn };
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (cause: ${describeError(error.cause)})` : '';
  return `${error.name}: ${error.message}${cause}`;
}

interface Card {
  loginId: string;
  scenario: Scenario;
  firstRunId: string;
  handle: WorkflowHandle;
}

let world: FuzzWorld;
const cards: Card[] = [];
const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => void rejections.push(reason);
/** Cards the bug tests start: terminated at the end, so a card a bug stopped does not retry its task forever. */
const stuck: WorkflowHandle[] = [];

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  world = await createFuzzWorld({ secret: 'fuzz-card-secret' });
  for (const [i, scenario] of SCENARIOS.entries()) {
    const { loginId } = await world.sim.admin.createCard({ scenario });
    const { runId } = await world.cards.connect(
      loginId,
      i % 2 === 0 ? { policy: { continueAsNewAfterEvents: SHORT_RUN_EVENTS } } : {},
    );
    cards.push({
      loginId,
      scenario,
      firstRunId: runId,
      handle: world.env.client.workflow.getHandle(cardWorkflowId(loginId)),
    });
  }
});

afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  for (const handle of stuck) await handle.terminate('known-bug reproduction').catch(() => undefined);
  await world?.close();
});

test(`${SCENARIOS.length * CASES_PER_CARD} generated signals and updates leave every card running and counting`, async () => {
  const started = Date.now();
  const prng = new Prng(SEED);
  const plans = cards.map(() => planFor(prng));
  const expectedInvalid = plans.map((p) => p.cases.filter((c) => c.kind === 'signal' && !c.valid).length);
  const sendErrors: string[] = [];
  const unknownUpdateResults: string[] = [];
  const refreshes: Promise<string>[] = [];
  let abortedAndResent = 0;
  const retry = { ...abortedUpdateRetry, onAborted: () => void (abortedAndResent += 1) };

  // Cards in parallel, each card's cases in order.
  await Promise.all(
    cards.map(async (card, i) => {
      for (const c of (plans[i] as Plan).cases) {
        try {
          if (c.kind === 'signal' || c.kind === 'unknown-signal') {
            await card.handle.signal(c.name, ...c.args);
          } else if (c.kind === 'refresh-now') {
            refreshes.push(
              executeCardUpdate(world.env.client, card.loginId, 'refreshNow', c.args, retry).then(
                (result) => {
                  const outcome = (result as { outcome?: string }).outcome ?? 'none';
                  return (refreshNowOutcomes as readonly string[]).includes(outcome)
                    ? outcome
                    : `unexpected result ${JSON.stringify(result)}`;
                },
                (error: unknown) => `rejected: ${describeError(error)}`,
              ),
            );
          } else {
            await executeCardUpdate(world.env.client, card.loginId, c.name, c.args, retry).then(
              () => unknownUpdateResults.push('accepted'),
              (error: unknown) =>
                unknownUpdateResults.push(
                  error instanceof WorkflowUpdateFailedError ? 'rejected' : `error: ${describeError(error)}`,
                ),
            );
          }
        } catch (error) {
          sendErrors.push(`${c.kind} ${'name' in c ? c.name.slice(0, 40) : ''}: ${String(error)}`);
        }
      }
    }),
  );
  const sentMs = Date.now() - started;

  // Every card counts exactly its invalid payloads (and answers `state` to say so).
  const views = new Map<string, CardView>();
  try {
    await waitFor(
      async () => {
        for (const [i, card] of cards.entries()) {
          const view = await card.handle.query<CardView>('state');
          views.set(card.loginId, view);
          if (view.malformedMessages.count > (expectedInvalid[i] as number)) return true; // fails below
          if (view.malformedMessages.count < (expectedInvalid[i] as number)) return undefined;
        }
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  } catch {
    // The comparison below says which card is behind.
  }
  // Bounded: a refresh still waiting a minute after the last message was sent is a finding, not a stuck suite.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('no outcome within 60 s'), 60_000);
  });
  const refreshOutcomes = await Promise.all(refreshes.map((r) => Promise.race([r, deadline])));
  clearTimeout(timer);

  const taskFailures: string[] = [];
  const benignFailures: string[] = [];
  const closedRuns: string[] = [];
  const runsPerCard: number[] = [];
  for (const card of cards) {
    const chain = await runChain(world.env, card.handle.workflowId, card.firstRunId);
    runsPerCard.push(chain.length);
    for (const [i, run] of chain.entries()) {
      for (const failure of await workflowTaskFailures(run)) {
        const line = `${card.scenario} run ${i}: ${failure.cause}: ${failure.message}`;
        (isBenignTaskFailure(failure) ? benignFailures : taskFailures).push(line);
      }
      const { status } = await run.describe();
      const expected = i === chain.length - 1 ? 'RUNNING' : 'CONTINUED_AS_NEW';
      if (status.name !== expected) closedRuns.push(`${card.loginId} run ${i}: ${status.name}`);
    }
  }

  const all = plans.flatMap((p) => p.cases);
  const signals = all.filter((c): c is Extract<Case, { kind: 'signal' }> => c.kind === 'signal');
  report('card messages', {
    seed: SEED,
    cards: SCENARIOS.join(', '),
    cases: all.length,
    byKind: tally(all.map((c) => c.kind)),
    signalsByNameAndValidity: tally(signals.map((c) => `${c.name} ${c.valid ? 'valid' : 'invalid'}`)),
    redrawn: tally(plans.flatMap((p) => p.redrawn)),
    refreshNowOutcomes: tally(refreshOutcomes),
    unknownUpdates: tally(unknownUpdateResults),
    malformedCounted: cards
      .map((c, i) => `${views.get(c.loginId)?.malformedMessages.count}/${expectedInvalid[i]}`)
      .join(' '),
    runsPerCard: runsPerCard.join(' '),
    finalStatuses: tally(cards.map((c) => views.get(c.loginId)?.status ?? 'no answer')),
    sendErrors: sendErrors.length,
    workflowTaskFailures: tally(taskFailures),
    unhandledCommandRetries: benignFailures.length,
    abortedUpdatesResent: abortedAndResent,
    timings: `sent in ${sentMs} ms, checked in ${Date.now() - started - sentMs} ms`,
  });

  expect(all.length).toBeGreaterThanOrEqual(1_000);
  expect(sendErrors).toEqual([]);
  expect(taskFailures).toEqual([]);
  expect(closedRuns).toEqual([]);
  expect(cards.map((c) => views.get(c.loginId)?.malformedMessages.count)).toEqual(expectedInvalid);
  // B9, fixed: an update Temporal aborted was sent again and got its answer (CardUpdateAbortedError otherwise).
  expect(refreshOutcomes.filter((o) => !(refreshNowOutcomes as readonly string[]).includes(o))).toEqual([]);
  expect(unknownUpdateResults.filter((r) => r !== 'rejected')).toEqual([]);
  // An abort happens only where Temporal refused a workflow task for a signal that arrived meanwhile.
  if (abortedAndResent > 0) expect(benignFailures.length).toBeGreaterThan(0);
  world.assertWorkersHealthy();
  expect(rejections).toEqual([]);
});

/** The first workflow task after `handle`'s latest signal (or its start): its failures, or none if it completed. */
async function nextTaskFailures(handle: WorkflowHandle): Promise<TaskFailure[]> {
  return waitFor(
    async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      const signalled = events
        .map((e) => Boolean(e.workflowExecutionSignaledEventAttributes))
        .lastIndexOf(true);
      const after = events.slice(signalled + 1);
      if (after.some((e) => e.workflowTaskFailedEventAttributes)) return workflowTaskFailures(handle);
      if (after.some((e) => e.workflowTaskCompletedEventAttributes)) return [];
      return undefined;
    },
    { timeoutMs: 15_000, intervalMs: 100 },
  );
}

/**
 * Found by these fuzz suites and fixed since (connectedAt at the API edge in e45c794, then every isoDateTimeSchema):
 * each used to be accepted, after which every workflow task of the card failed, forever. Plain regression tests.
 */
describe('fixed: payloads that used to stop a card', () => {
  test.each([
    ['B5: webhookRefresh with an offset zod accepts but Date cannot read', '2026-01-01T00:00:00+99:99'],
    ['B7: webhookRefresh whose lastRefresh is in year 10000 once in UTC', '9999-12-31T23:59:59-14:00'],
  ])('%s (%s) is counted as malformed; the card goes on', async (_title, lastRefresh) => {
    const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
    await world.cards.connect(loginId);
    const handle = world.env.client.workflow.getHandle(cardWorkflowId(loginId));
    stuck.push(handle);
    await handle.signal('webhookRefresh', { requestId: 'fixed', lastRefresh });
    expect(await nextTaskFailures(handle)).toEqual([]);
    expect((await handle.query<CardView>('state')).malformedMessages.count).toBe(1);
  });

  test.each([
    ['B3', '2026-01-01T00:00:00+99:99'],
    ['B4', '9999-12-31T23:59:59Z'],
  ])(
    '%s: FlinksRefreshClient.connect with connectedAt %s is refused, or starts a card that does not fail its tasks',
    async (_bug, connectedAt) => {
      const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
      try {
        await world.cards.connect(loginId, { connectedAt });
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidRequestError);
        return;
      }
      const handle = world.env.client.workflow.getHandle(cardWorkflowId(loginId));
      stuck.push(handle);
      expect(await nextTaskFailures(handle)).toEqual([]);
    },
  );
});

/** Bugs this suite found, each fixed and kept as a regression test. */
describe('bugs the fuzz found, fixed', () => {
  test('B6: a nightlyStatus listing an error code over 2 KB (valid by its schema) does not stop the card (FlinksErrorCode keyword limit)', async () => {
    const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
    await world.cards.connect(loginId);
    const handle = world.env.client.workflow.getHandle(cardWorkflowId(loginId));
    stuck.push(handle);
    await handle.signal('nightlyStatus', {
      routineId: 'b6',
      ineligible: {
        lastRefreshDate: null,
        lastRefreshState: 'Failed',
        lastRefreshErrorCode: 'X'.repeat(2_100),
      },
    });
    expect(await nextTaskFailures(handle)).toEqual([]);
  });

  test('B8: refreshNow is answered, not refused as "disconnected", while an invalid disconnect (to be ignored) waits in the queue', async () => {
    const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
    await world.cards.connect(loginId);
    const handle = world.env.client.workflow.getHandle(cardWorkflowId(loginId));
    // Keeps the card busy in a cached call, so the next two messages wait in its queue.
    await world.sim.admin.setFaults({ latencyMs: 1_500, endpoints: ['Authorize'] });
    try {
      await handle.signal('nightlyStatus', { routineId: 'b8', ineligible: null });
      await waitFor(async () =>
        ((await handle.describe()).raw.pendingActivities ?? []).length > 0 ? true : undefined,
      );
      await handle.signal('disconnect', { deleteData: 'yes' }); // invalid: to be counted and ignored
      const result = await handle.executeUpdate('refreshNow', { args: [{}] });
      expect(result).toMatchObject({ outcome: 'refreshed' });
    } finally {
      await world.sim.admin.clearFaults();
    }
    const view = await handle.query<CardView>('state');
    expect(view).toMatchObject({ status: 'scheduled', malformedMessages: { count: 1 } });
  });
});
