// The product run: one nightly routine, started as `routine run` starts it, timed from the start call until the
// last card's night is over. Completion is detected by describe sweeps (settled-cards.ts); the time itself is
// read from the histories afterwards.
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { type temporal } from '@temporalio/proto';
import { type RoutineResult } from '../../src/domain/routine-result';
import { runRoutineNow } from '../../src/schedule';
import { type RequestLogEntry } from '../../src/simulator';
import { type ActionTally, tallyActions } from './billable-actions';
import { type BenchOptions } from './bench-options';
import { type BenchWorld } from './bench-world';
import { type CardNight, cardNights } from './card-nights';
import { FlinksTraffic } from './flinks-traffic';
import { ProgressBar } from './progress-bar';
import { type BenchCard } from './scenario-mix';
import { actionsBetween, type ActionCounts, scrapeActions } from './server-actions';
import { waitUntilSettled } from './settled-cards';
import { type WindowMeasure } from './worker/worker-child';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface ProductRun {
  routineId: string;
  /** Bench clock just before the routine's start call. */
  startedAtMs: number;
  /** Every card handled the routine and settled before the deadline. */
  complete: boolean;
  /** Cards still busy at the deadline (their night is not over). */
  busy: string[];
  /** From the start call to the end of the last card's night (or of the routine, if later). */
  wallMs: number;
  routine: {
    result: RoutineResult | null;
    events: number;
    actions: ActionTally;
    endedAtMs: number | null;
    steps: RoutineStep[];
  };
  nights: CardNight[];
  requestsByEndpoint: Record<string, number>;
  requestLog: RequestLogEntry[];
  /** The server's `action` counter over the run, by type. */
  serverActions: ActionCounts;
  worker: WindowMeasure;
}

/** One kind of the routine's activities: from the first scheduled to the last completed, in s after the start. */
export interface RoutineStep {
  activity: string;
  count: number;
  fromS: number;
  toS: number;
}

export async function runProduct(
  world: BenchWorld,
  cards: readonly BenchCard[],
  options: Pick<BenchOptions, 'deadlineMs' | 'routineSignalConcurrency'>,
): Promise<ProductRun> {
  const { env, sim, config, worker } = world;
  const namespace = env.namespace ?? 'default';
  await sim.admin.resetCounters();
  const actionsBefore = await scrapeActions(world.metricsUrls, namespace);
  const measuring = await worker.window();
  const traffic = new FlinksTraffic(sim).start();
  const progress = new ProgressBar('Product run: cards Flinks has heard from', cards.length);
  const ticker = setInterval(() => progress.update(traffic.cards.size, `${traffic.requests} requests`), 500);

  const startedAtMs = Date.now();
  const deadline = startedAtMs + options.deadlineMs;
  const { handle, routineId } = await runRoutineNow(env.client, {
    taskQueue: config.temporal.taskQueue,
    flinksTaskQueue: config.flinks.taskQueue,
    routineId: `bench-${new Date(startedAtMs).toISOString()}`,
    ...(options.routineSignalConcurrency === null
      ? {}
      : { tuning: { signalConcurrency: options.routineSignalConcurrency, shardConcurrency: 1 } }),
  });
  const result = await Promise.race([
    handle.result(),
    new Promise<null>((resolve) => setTimeout(() => resolve(null), deadline - Date.now()).unref()),
  ]);
  clearInterval(ticker);
  progress.finish(result ? `routine done: ${result.signalled} cards signalled` : 'routine not done');

  const settling = new ProgressBar('Product run: cards settled', cards.length);
  const settle = result
    ? await waitUntilSettled(
        env.client,
        traffic,
        cards.map((c) => c.loginId),
        deadline,
        (n) => settling.update(n),
      )
    : { settled: 0, busy: cards.map((c) => c.loginId) };
  settling.finish();
  traffic.stop();
  const measure = await measuring.end();
  const serverActions = actionsBetween(actionsBefore, await scrapeActions(world.metricsUrls, namespace));
  const requestsByEndpoint = (await sim.admin.counters()).byEndpoint;
  const requestLog = await sim.admin.requestLog();

  const nights = await cardNights(env.client, cards, routineId);
  const routineEvents = (await handle.fetchHistory()).events ?? [];
  const routineEnd = result
    ? (optionalTsToMs(routineEvents[routineEvents.length - 1]?.eventTime) ?? null)
    : null;
  const lastEnd = nights.reduce((last, n) => Math.max(last, n.endedAtMs ?? 0), routineEnd ?? 0);
  return {
    routineId,
    startedAtMs,
    complete: result !== null && settle.busy.length === 0 && nights.every((n) => n.handled),
    busy: settle.busy,
    wallMs: lastEnd - startedAtMs,
    routine: {
      result,
      events: routineEvents.length,
      actions: tallyActions(routineEvents),
      endedAtMs: routineEnd,
      steps: routineSteps(routineEvents, startedAtMs),
    },
    nights,
    requestsByEndpoint,
    requestLog,
    serverActions,
    worker: measure,
  };
}

function routineSteps(events: readonly HistoryEvent[], startedAtMs: number): RoutineStep[] {
  const names = new Map<string, string>();
  const steps = new Map<string, RoutineStep>();
  const at = (event: HistoryEvent): number =>
    ((optionalTsToMs(event.eventTime) ?? startedAtMs) - startedAtMs) / 1000;
  for (const event of events) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const activity = scheduled.activityType?.name ?? 'unknown';
      names.set(String(event.eventId), activity);
      const step = steps.get(activity) ?? { activity, count: 0, fromS: at(event), toS: at(event) };
      step.count += 1;
      steps.set(activity, step);
    }
    const done = event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes;
    const step = done ? steps.get(names.get(String(done.scheduledEventId)) ?? '') : undefined;
    if (step) step.toS = Math.max(step.toS, at(event));
  }
  return [...steps.values()];
}
