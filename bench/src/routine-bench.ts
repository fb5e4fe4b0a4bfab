// `npm run bench`: open the cards, run one nightly routine through the product, make the same Flinks calls with
// a bare script, time the HTTP API, and put it all in one result.
import { DAY_MS } from '../../src/domain/time';
import { summarizePhases } from './activity-phases';
import { measureApiLatency } from './api-latency';
import { type BenchOptions } from './bench-options';
import { createBenchWorld } from './bench-world';
import { planFromLog, runBaseline } from './baseline';
import { actionTotal } from './billable-actions';
import { BASELINE_COLOR, completionChart, PRODUCT_COLOR } from './chart/completion-chart';
import { monthlyCost, USD_PER_MILLION_ACTIONS } from './cloud-cost';
import { completionCurve } from './completion-curve';
import { nightStats, nightStatsByScenario } from './night-stats';
import { openCards } from './open-cards';
import { runConditions, runStart } from './run-conditions';
import { runProduct } from './product-run';
import { routineResultsSchema, type RoutineResults } from './results-schema';
import { benchCards } from './scenario-mix';
import { totalActions } from './server-actions';
import { actionsTarget, apiTarget, eventsTarget, ratioTarget, rssTarget } from './targets';

const MB = 1024 * 1024;

export async function runRoutineBench(
  options: BenchOptions,
  say: (line: string) => void,
  chartFile: string,
): Promise<{ results: RoutineResults; chart: Buffer }> {
  const start = runStart();
  const cards = benchCards(options.cards, options.mix, options.seed);
  const world = await createBenchWorld(options, say, cards.length + options.apiRequests);
  try {
    // Connected two days ago: tonight's Flinks job gives healthy cards a newer LastRefresh, as on any night.
    const connectedAt = new Date((await world.sim.admin.clock()).nowMs - 2 * DAY_MS).toISOString();
    const opened = await openCards(world, cards, connectedAt, { simulated: true });
    const rssWithOpenCards = world.worker.latest().rssBytes;
    await world.sim.admin.runNightlyJob();

    say('Product run: one nightly routine through Temporal…');
    const product = await runProduct(world, cards, options);
    say('Baseline run: the same Flinks calls from a bare script…');
    const plan = planFromLog(product.requestLog);
    const baseline = await runBaseline(world, plan, options);
    say('HTTP API latency…');
    const healthy = product.nights.filter((n) => n.handled && n.scenario === 'healthy').map((n) => n.loginId);
    const api = await measureApiLatency(world, {
      requests: options.apiRequests,
      concurrency: options.apiConcurrency,
      seed: options.seed,
      settledLoginIds: healthy,
    });
    const lifetimePeak = await world.worker.lifetimePeakRssBytes();

    const busy = new Set(product.busy);
    const productEnds = product.nights.flatMap((n) =>
      n.endedAtMs === null || busy.has(n.loginId) ? [] : [n.endedAtMs - product.startedAtMs],
    );
    // The cards the product made no Flinks call for need nothing from a bare script beyond the status list.
    const baselineEnds = [
      ...Array<number>(Math.max(0, cards.length - plan.cards.length)).fill(baseline.statusDoneMs),
      ...baseline.cardEndsMs,
    ];
    const history = { byScenario: nightStatsByScenario(product.nights), all: nightStats(product.nights) };
    const routineActions = actionTotal(product.routine.actions);
    const nightActions = product.nights.reduce((sum, n) => sum + actionTotal(n.actions), 0);
    const historyPerCard = (nightActions + routineActions) / cards.length;
    const serverTotal = totalActions(product.serverActions);
    const serverPerCard = serverTotal / cards.length;
    const heartbeats = Object.entries(product.serverActions)
      .filter(([type]) => /heartbeat/i.test(type))
      .reduce((sum, [, n]) => sum + n, 0);
    const perNight = serverTotal > 0 ? serverPerCard : historyPerCard;
    const cost = monthlyCost(perNight);
    const healthyStats = history.byScenario.healthy;
    const ratio = product.complete ? product.wallMs / baseline.wallMs : null;
    const sum = (record: Record<string, number>): number => Object.values(record).reduce((s, n) => s + n, 0);
    const sameCalls = [
      ...new Set([...Object.keys(product.requestsByEndpoint), ...Object.keys(baseline.requestsByEndpoint)]),
    ].every((endpoint) => product.requestsByEndpoint[endpoint] === baseline.requestsByEndpoint[endpoint]);
    const peakRssMb = product.worker.peakRssBytes / MB;

    const results = routineResultsSchema.parse({
      mode: 'routine',
      ...runConditions(start, options, { cards: cards.length, mix: options.mix, temporal: world.store }),
      setup: { openMs: opened.ms, workerRssMbWithOpenCards: rssWithOpenCards / MB },
      product: {
        complete: product.complete,
        cardsDone: productEnds.length,
        busyAtDeadline: product.busy.length,
        wallMs: product.wallMs,
        requestsByEndpoint: product.requestsByEndpoint,
        requests: sum(product.requestsByEndpoint),
        routine: {
          events: product.routine.events,
          actions: product.routine.actions,
          cards: product.routine.result?.cards ?? null,
          signalled: product.routine.result?.signalled ?? null,
          ineligible: product.routine.result?.ineligible ?? null,
          shards: product.routine.result?.shards ?? null,
          steps: product.routine.steps,
        },
        phases: summarizePhases(product.nights.filter((n) => n.scenario === 'healthy').map((n) => n.phases)),
        curve: completionCurve(productEnds),
      },
      baseline: {
        wallMs: baseline.wallMs,
        cardsDone: baselineEnds.length,
        requestsByEndpoint: baseline.requestsByEndpoint,
        requests: sum(baseline.requestsByEndpoint),
        sameCalls,
        notReplayed: plan.notReplayed,
        curve: completionCurve(baselineEnds),
      },
      ratio,
      history,
      actions: {
        historyPerCardPerNight: historyPerCard,
        serverPerCardPerNight: serverPerCard,
        serverByType: product.serverActions,
      },
      cost: {
        usdPerMillionActions: USD_PER_MILLION_ACTIONS,
        actionsPerCardPerMonth: cost.actionsPerCardPerMonth,
        basis:
          `${perNight.toFixed(2)} actions per card per night (${serverTotal > 0 ? "the server's action counter" : 'history events'}, ` +
          'this mix, the routine shared out) × 30 nights + the re-armed check timer',
        usdPerMonth100k: cost.usdPerMonth100k,
        usdPerMonth1M: cost.usdPerMonth1M,
      },
      worker: {
        peakRssMb,
        peakSource: product.worker.peakSource,
        meanRssMb: product.worker.meanRssBytes / MB,
        lifetimePeakRssMb: lifetimePeak === null ? null : lifetimePeak / MB,
        lagMs: product.worker.lagMs,
      },
      api,
      targets: [
        ratioTarget(ratio, cards.length),
        eventsTarget(healthyStats?.events.max ?? null, healthyStats?.events.mean ?? null),
        actionsTarget(healthyStats?.actions.max ?? null, heartbeats / cards.length),
        rssTarget(peakRssMb, cards.length, 'peak during the product run'),
        apiTarget({
          connect: api.connect.p99,
          reconnected: api.reconnected.p99,
          refreshNow: api.refreshNow.p99,
        }),
      ],
      chart: chartFile,
    });
    const chart = completionChart(
      `cards done over time, ${cards.length} cards`,
      [
        { label: 'product (temporal)', color: PRODUCT_COLOR, endsMs: productEnds },
        { label: 'baseline (bare node, same calls)', color: BASELINE_COLOR, endsMs: baselineEnds },
      ],
      cards.length,
    );
    return { results, chart };
  } finally {
    await world.close();
  }
}
