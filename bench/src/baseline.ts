// The baseline: a bare Node script, no Temporal, that makes exactly the Flinks calls the product run made, card by
// card in the order the product reached them, against the same simulator with the same latency and limits: the
// product's FlinksClient (its per-request rate limiter and connection cap), FLINKS_MAX_CONCURRENCY cards at once
// (as many as the product's Flinks activity slots), the same wait before each poll, and fetched data written to a
// directory sink as the product's activities do. What remains between the two runs is Temporal.
import { join } from 'node:path';
import { forEachBounded } from '../../src/domain/for-each-bounded';
import {
  type AccountsDetail,
  type AuthorizeResult,
  type DataResult,
  deliverAccountsDetail,
  DirectorySink,
  FlinksApiError,
  FlinksClient,
} from '../../src/flinks';
import { type CallKind, type RequestLogEntry } from '../../src/simulator';
import { type BenchOptions } from './bench-options';
import { BENCH_SECRET, type BenchWorld } from './bench-world';
import { ProgressBar } from './progress-bar';

/** The calls a card's night can make in the routine; anything else in the log is reported, not replayed. */
const replayable = [
  'authorize-cached',
  'authorize-live',
  'accounts-detail',
  'accounts-detail-async',
] as const;
type Step = (typeof replayable)[number];

/**
 * A flaky card's live Authorize may fail here where it worked in the product run (the simulator draws anew): the
 * data call the product made is still made, and refused, so both runs send the same requests.
 */
const NO_SESSION = 'no-session-in-this-run';

export interface CardPlan {
  loginId: string;
  steps: Step[];
}

export interface BaselinePlan {
  nightlyStatusCalls: number;
  cards: CardPlan[];
  /** Calls of the product run the baseline does not make, by kind (expected: none). */
  notReplayed: Record<string, number>;
}

/** Each card's calls in the order they reached the simulator; a token request is part of its Authorize. */
export function planFromLog(log: readonly RequestLogEntry[]): BaselinePlan {
  const byCard = new Map<string, Step[]>();
  const notReplayed: Record<string, number> = {};
  let nightlyStatusCalls = 0;
  for (const entry of [...log].sort((a, b) => a.at - b.at)) {
    if (entry.kind === 'nightly-status') nightlyStatusCalls += 1;
    if (entry.kind === 'token' || entry.kind === 'nightly-status') continue;
    if (entry.loginId === undefined || !replayable.includes(entry.kind as Step)) {
      const kind: CallKind | 'unknown' = entry.kind ?? 'unknown';
      notReplayed[kind] = (notReplayed[kind] ?? 0) + 1;
      continue;
    }
    const steps = byCard.get(entry.loginId) ?? [];
    steps.push(entry.kind as Step);
    byCard.set(entry.loginId, steps);
  }
  return {
    nightlyStatusCalls,
    cards: [...byCard].map(([loginId, steps]) => ({ loginId, steps })),
    notReplayed,
  };
}

export interface BaselineRun {
  wallMs: number;
  /** When GetNightlyRefreshStatus had answered: the cards the product made no call for are done by then. */
  statusDoneMs: number;
  /** Ms after the start at which each card's last call returned, in order. */
  cardEndsMs: number[];
  requestsByEndpoint: Record<string, number>;
}

export async function runBaseline(
  world: BenchWorld,
  plan: BaselinePlan,
  options: Pick<BenchOptions, 'maxRps' | 'concurrency' | 'pollIntervalMs'>,
): Promise<BaselineRun> {
  const client = new FlinksClient({
    baseUrl: world.sim.baseUrl,
    secretKey: BENCH_SECRET,
    pollIntervalMs: options.pollIntervalMs,
    maxConcurrency: options.concurrency,
    maxRps: options.maxRps,
  });
  const sink = new DirectorySink(join(world.dir, 'baseline-sink'));
  await world.sim.admin.resetCounters();
  const progress = new ProgressBar('Baseline run: cards done', plan.cards.length);
  const cardEndsMs: number[] = [];
  const started = Date.now();
  let statusDoneMs = 0;
  try {
    for (let i = 0; i < plan.nightlyStatusCalls; i++) await client.getNightlyRefreshStatus();
    statusDoneMs = Date.now() - started;
    await forEachBounded(plan.cards, options.concurrency, async (card) => {
      await replayCard(client, sink, card, options.pollIntervalMs);
      cardEndsMs.push(Date.now() - started);
      if (cardEndsMs.length % 50 === 0) progress.update(cardEndsMs.length);
    });
  } finally {
    await client.close();
  }
  const wallMs = Date.now() - started;
  progress.update(cardEndsMs.length);
  progress.finish();
  return {
    wallMs,
    statusDoneMs,
    cardEndsMs,
    requestsByEndpoint: (await world.sim.admin.counters()).byEndpoint,
  };
}

async function replayCard(
  client: FlinksClient,
  sink: DirectorySink,
  card: CardPlan,
  pollIntervalMs: number,
): Promise<void> {
  let requestId: string | null = null;
  for (const step of card.steps) {
    switch (step) {
      case 'authorize-cached':
        requestId = await sessionOf(client.authorize({ loginId: card.loginId, mostRecentCached: true }));
        break;
      case 'authorize-live':
        requestId = await sessionOf(
          client.authorize({ loginId: card.loginId, mostRecentCached: false, save: true }),
        );
        break;
      case 'accounts-detail':
        await deliver(sink, client.getAccountsDetail(requestId ?? NO_SESSION));
        break;
      case 'accounts-detail-async':
        // The product waits FLINKS_POLL_INTERVAL before every poll; so does the baseline.
        await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
        await deliver(sink, client.getAccountsDetailAsync(requestId ?? NO_SESSION));
        break;
    }
  }
}

/** The session an Authorize opened: a refused one (Flinks replaying an error) may still carry a RequestId. */
async function sessionOf(call: Promise<AuthorizeResult>): Promise<string | null> {
  try {
    return (await call).requestId;
  } catch (error) {
    if (error instanceof FlinksApiError) return error.requestId;
    throw error;
  }
}

async function deliver(sink: DirectorySink, call: Promise<DataResult<AccountsDetail>>): Promise<void> {
  try {
    const result = await call;
    if (result.kind === 'data') await deliverAccountsDetail(sink, result.data);
  } catch (error) {
    // The product got the same answer from the same simulator: an error is part of the night, not a failure.
    if (!(error instanceof FlinksApiError)) throw error;
  }
}
