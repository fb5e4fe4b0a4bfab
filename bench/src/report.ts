// The results as Markdown tables: readable on stdout and pasteable into the README as they are.
import {
  type BenchResults,
  type NightStats,
  type RoutineResults,
  type SleepingResults,
  type Target,
} from './results-schema';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits = 1): string => n.toFixed(digits);
const seconds = (ms: number): string => `${fixed(ms / 1000)} s`;
const ms = (n: number): string => `${fixed(n)} ms`;
const usd = (n: number): string => `$${Math.round(n).toLocaleString('en-US')}`;

export function renderReport(results: BenchResults): string {
  return results.mode === 'routine' ? routineReport(results) : sleepingReport(results);
}

function header(results: BenchResults): string[] {
  const s = results.settings;
  const m = results.machine;
  const mix = Object.entries(s.mix)
    .map(([scenario, share]) => `${scenario} ${share}%`)
    .join(', ');
  return [
    `**${int(s.cards)} cards**, ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC. Temporal: ${s.temporal}. ` +
      `Flinks simulator over HTTP, ${s.latencyMs} ± ${s.jitterMs} ms a request; FLINKS_MAX_RPS ${s.maxRps}, ` +
      `FLINKS_MAX_CONCURRENCY ${s.concurrency}, FLINKS_POLL_INTERVAL ${seconds(s.pollIntervalMs)}. Mix: ${mix}. ` +
      `Worker: workflow cache ${s.maxCachedWorkflows ?? 'SDK default'}, workflow code bundled ` +
      `${s.prebundled ? 'before it starts' : 'at its start'}. Routine signals in flight: ` +
      `${s.routineSignalConcurrency === null ? 'the routine defaults (25 × 4 shards)' : `${s.routineSignalConcurrency}, one shard at a time`}.`,
    `Machine: ${m.cpus} × ${m.cpuModel.trim()}, ${m.memoryGb} GB, Node ${m.node}; load average ` +
      `${m.loadAverageAtStart.map((l) => fixed(l)).join(' / ')} at the start, ` +
      `${m.loadAverageAtEnd.map((l) => fixed(l)).join(' / ')} at the end.`,
    '',
  ];
}

function routineReport(r: RoutineResults): string {
  const endpoints = [
    ...new Set([...Object.keys(r.product.requestsByEndpoint), ...Object.keys(r.baseline.requestsByEndpoint)]),
  ].sort();
  const lines = [
    ...header(r),
    '| | product (Temporal) | baseline (bare Node, same calls) |',
    '| --- | --- | --- |',
    `| wall time | ${seconds(r.product.wallMs)}${r.product.complete ? '' : ` (unfinished: ${int(r.product.busyAtDeadline)} cards still busy)`} | ${seconds(r.baseline.wallMs)} |`,
    `| ratio product / baseline | **${r.ratio === null ? 'n/a' : `${fixed(r.ratio, 2)} ×`}** | |`,
    `| cards done | ${int(r.product.cardsDone)} | ${int(r.baseline.cardsDone)} |`,
    `| Flinks requests | ${int(r.product.requests)} | ${int(r.baseline.requests)} (${r.baseline.sameCalls ? 'same calls' : 'calls differ'}) |`,
    ...endpoints.map(
      (e) =>
        `| &nbsp;&nbsp;${e} | ${int(r.product.requestsByEndpoint[e] ?? 0)} | ${int(r.baseline.requestsByEndpoint[e] ?? 0)} |`,
    ),
    '',
    `| a healthy card's night (${int(r.product.phases.cards)} cards), ms | p50 | p99 | max |`,
    '| --- | --- | --- | --- |',
    phaseRow('signal → Flinks activity scheduled (workflow task)', r.product.phases.toScheduled),
    phaseRow('waiting in the Flinks task queue (rate limit, slots)', r.product.phases.queued),
    phaseRow('the Flinks calls (activity running)', r.product.phases.running),
    phaseRow('activity done → night over (workflow task)', r.product.phases.closing),
    '',
    `The routine: ${r.product.routine.steps.map((s) => `${s.activity}${s.count > 1 ? ` ×${s.count}` : ''} ${fixed(s.fromS)}–${fixed(s.toS)} s`).join(', ')}; ` +
      `${r.product.routine.signalled ?? '?'} cards signalled in ${r.product.routine.shards ?? '?'} shard(s).`,
    '',
    '| one night, per card | cards | history events mean / max | billable actions mean / max | actions by kind (mean) |',
    '| --- | --- | --- | --- | --- |',
    ...Object.entries(r.history.byScenario).map(([scenario, s]) => nightRow(scenario, s)),
    nightRow('**all cards**', r.history.all),
    `| the routine itself | 1 run | ${int(r.product.routine.events)} events | ${int(Object.values(r.product.routine.actions).reduce((a, b) => a + b, 0))} actions | ${kinds(r.product.routine.actions)} |`,
    '',
    `Billable actions per card per night: **${fixed(r.actions.historyPerCardPerNight, 2)}** counted from history ` +
      `(this mix, the routine shared out); **${fixed(r.actions.serverPerCardPerNight, 2)}** by the server's action ` +
      `counter (heartbeats included: ${kinds(r.actions.serverByType, 0)}).`,
    `Temporal Cloud at $${r.cost.usdPerMillionActions} per million actions, ${fixed(r.cost.actionsPerCardPerMonth)} actions ` +
      `per card a month: **${usd(r.cost.usdPerMonth100k)}/month for 100,000 cards**, ` +
      `**${usd(r.cost.usdPerMonth1M)}/month for 1,000,000 cards**.`,
    '',
    '| worker (child process) | |',
    '| --- | --- |',
    `| RSS with ${int(r.settings.cards)} open cards, idle | ${int(r.setup.workerRssMbWithOpenCards)} MB |`,
    `| RSS during the product run: peak / mean | ${int(r.worker.peakRssMb)} MB / ${int(r.worker.meanRssMb)} MB |`,
    `| RSS peak over its whole life (start included) | ${r.worker.lifetimePeakRssMb === null ? 'n/a' : `${int(r.worker.lifetimePeakRssMb)} MB`} |`,
    `| event-loop lag p50 / p99 / max | ${fixed(r.worker.lagMs.p50)} / ${fixed(r.worker.lagMs.p99)} / ${fixed(r.worker.lagMs.max)} ms |`,
    '',
    `| HTTP API (${r.api.concurrency} concurrent clients, simulator at 0 ms) | n | p50 | p99 | max |`,
    '| --- | --- | --- | --- | --- |',
    apiRow('connect (POST /cards)', r.api.connect),
    apiRow('reconnected', r.api.reconnected),
    apiRow('refreshNow (a whole live refresh)', r.api.refreshNow),
    ...(r.api.failures > 0 ? [`| failed answers | ${r.api.failures} | | | |`] : []),
    `| &nbsp;&nbsp;profile, one at a time, no HTTP: GetSystemInfo (the API's preflight) | ${r.api.profile.connect.ping.n} | ${ms(r.api.profile.connect.ping.p50)} | ${ms(r.api.profile.connect.ping.p99)} | ${ms(r.api.profile.connect.ping.max)} |`,
    `| &nbsp;&nbsp;DescribeWorkflowExecution (is it running?) | ${r.api.profile.connect.describe.n} | ${ms(r.api.profile.connect.describe.p50)} | ${ms(r.api.profile.connect.describe.p99)} | ${ms(r.api.profile.connect.describe.max)} |`,
    `| &nbsp;&nbsp;FlinksRefreshClient.connect (describe + start) | ${r.api.profile.connect.connect.n} | ${ms(r.api.profile.connect.connect.p50)} | ${ms(r.api.profile.connect.connect.p99)} | ${ms(r.api.profile.connect.connect.max)} |`,
    '',
    `| refreshNow from its history (${int(r.api.profile.refreshNow.cards)} presses), ms | p50 | p99 | max |`,
    '| --- | --- | --- | --- |',
    phaseRow(
      'request → update task scheduled (HTTP API, client, update call)',
      r.api.profile.refreshNow.requestToTask,
    ),
    phaseRow('update task waiting for a poller', r.api.profile.refreshNow.taskWait),
    phaseRow('update task on the worker (a replay when not cached)', r.api.profile.refreshNow.taskRun),
    phaseRow(
      'update accepted → Flinks activity scheduled (workflow task)',
      r.api.profile.refreshNow.toScheduled,
    ),
    phaseRow('waiting in the Flinks task queue', r.api.profile.refreshNow.queued),
    phaseRow('the live refresh (activity running)', r.api.profile.refreshNow.running),
    phaseRow('activity done → update completed (workflow task)', r.api.profile.refreshNow.closing),
    phaseRow(
      'update completed → answer received (update call, HTTP API)',
      r.api.profile.refreshNow.completedToAnswer,
    ),
    '',
    ...targetTable(r.targets),
  ];
  return lines.join('\n');
}

function sleepingReport(r: SleepingResults): string {
  const s = r.sleeping;
  return [
    ...header(r),
    `| worker with ${int(s.cards)} cards asleep (sampled ${seconds(s.sampledMs)}) | |`,
    '| --- | --- |',
    `| RSS min / mean / max | ${int(s.rssMb.min)} / ${int(s.rssMb.mean)} / ${int(s.rssMb.max)} MB |`,
    `| V8 heap in use | ${int(s.heapUsedMb)} MB |`,
    `| RSS peak over its whole life (start and opening the cards included) | ${s.lifetimePeakRssMb === null ? 'n/a' : `${int(s.lifetimePeakRssMb)} MB`} |`,
    `| opening the cards (connect + first workflow task) | ${seconds(s.openMs)} |`,
    '',
    ...targetTable(r.targets),
  ].join('\n');
}

function nightRow(label: string, s: NightStats): string {
  return `| ${label} | ${int(s.cards)} | ${fixed(s.events.mean)} / ${int(s.events.max)} | ${fixed(s.actions.mean, 2)} / ${int(s.actions.max)} | ${kinds(s.actionsByKind)} |`;
}

function kinds(record: Record<string, number>, digits = 2): string {
  const entries = Object.entries(record).filter(([, n]) => n > 0);
  return entries.length === 0 ? '–' : entries.map(([k, n]) => `${k} ${fixed(n, digits)}`).join(', ');
}

function phaseRow(label: string, s: { p50: number; p99: number; max: number }): string {
  return `| ${label} | ${int(s.p50)} | ${int(s.p99)} | ${int(s.max)} |`;
}

function apiRow(label: string, s: { n: number; p50: number; p99: number; max: number }): string {
  return `| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.max)} |`;
}

function targetTable(targets: readonly Target[]): string[] {
  return [
    '| target | wanted | measured | met |',
    '| --- | --- | --- | --- |',
    ...targets.map(
      (t) =>
        `| ${t.name} | ${t.target} | ${t.value === null ? 'n/a' : fixed(t.value, 2)} ${t.unit}${t.note ? ` (${t.note})` : ''} | ${t.met === null ? '–' : t.met ? 'yes' : '**no**'} |`,
    ),
  ];
}
