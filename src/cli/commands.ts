// Every operator command: its usage line, options and what it prints. The client and the schedule module do the
// work; commands only parse, call and format.
import { type ParseArgsConfig } from 'node:util';
import { type FlinksRefreshClient, type ListCardsOptions } from '../client';
import { type ClientConfig } from '../config';
import { type CardView } from '../domain/card-messages';
import { type RoutineResult } from '../domain/routine-result';
import { applySchedule, describeSchedule, NIGHTLY_SCHEDULE_ID, runRoutineNow } from '../schedule';
import { block, table } from './format';

export interface CommandContext {
  config(): ClientConfig;
  client(): Promise<FlinksRefreshClient>;
}

/** What a command prints: `human` for people, `json` with --json. */
export interface Output {
  json: unknown;
  human: string;
}

type Values = Record<string, string | boolean | undefined>;

export interface Command {
  name: string;
  usage: string;
  summary: string;
  /** Extra lines for --help. */
  details?: string;
  positionals: readonly string[];
  options: NonNullable<ParseArgsConfig['options']>;
  run(ctx: CommandContext, args: { positionals: string[]; values: Values }): Promise<Output>;
}

const str = (values: Values, name: string): string | undefined => values[name] as string | undefined;

function cardBlock(card: CardView): string {
  return block([
    ['Login ID', card.loginId],
    ['Institution', card.institution],
    ['Status', card.status],
    ['Eligible', card.eligible ? `yes, until ${card.eligibleUntil ?? '?'}` : 'no'],
    ['Scheduled refresh', card.scheduledRefresh ? 'on' : 'off'],
    ['Last refresh', card.lastSuccessfulRefreshAt],
    ['Last cached call', card.lastCachedCallAt],
    [
      'Last error',
      card.lastError ? `${card.lastError.code} at ${card.lastError.at}: ${card.lastError.message}` : null,
    ],
    ['Waiting for user since', card.awaitingUserSince],
    ['Resumable requestId', card.pendingRequestId],
    ['Last routine', card.lastRoutineId],
  ]);
}

/** `3: id1, id2 …`: a count and the IDs reported with it. */
function countedIds(ids: { count: number; loginIds: string[]; truncated: boolean }): string {
  return `${ids.count}${ids.loginIds.length ? `: ${ids.loginIds.join(', ')}` : ''}${ids.truncated ? ' …' : ''}`;
}

function routineBlock(result: RoutineResult): string {
  return block([
    ['Routine', result.routineId],
    ['Live cards', result.cards],
    ['Signalled', `${result.signalled} (${result.outcomes.signalledWithEntry} with their Flinks entry)`],
    ['Flinks ineligible list', result.ineligible],
    ['Listed, no live card', countedIds(result.listedWithoutCard)],
    ['Closed before signal', result.outcomes.gone],
    ['Signal kept failing', countedIds(result.signalFailed)],
    ['By status', Object.entries(result.byStatus).map(([status, n]) => `${status} ${n}`)],
    ['Shards', `${result.shards} (${result.pages} pages)`],
    ['Failed shards', result.failedShards],
    ['Ran', `${result.startedAt} → ${result.finishedAt}`],
  ]);
}

const loginIdOnly = (
  name: string,
  summary: string,
  run: (client: FlinksRefreshClient, loginId: string) => Promise<Output>,
): Command => ({
  name,
  usage: `${name} <loginId>`,
  summary,
  positionals: ['loginId'],
  options: {},
  run: async (ctx, { positionals }) => run(await ctx.client(), positionals[0] as string),
});

const scheduleToggle = (name: 'pause' | 'unpause'): Command => ({
  name: `schedule ${name}`,
  usage: `schedule ${name} [--note TEXT]`,
  summary:
    name === 'pause' ? 'Pause the nightly routine’s schedule' : 'Resume the nightly routine’s schedule',
  positionals: [],
  options: { note: { type: 'string' } },
  run: async (ctx, { values }) => {
    const handle = (await ctx.client()).temporal.schedule.getHandle(NIGHTLY_SCHEDULE_ID);
    const note = str(values, 'note') ?? `${name}d with the flinks-refresh CLI`;
    await (name === 'pause' ? handle.pause(note) : handle.unpause(note));
    return {
      json: { scheduleId: NIGHTLY_SCHEDULE_ID, paused: name === 'pause', note },
      human: `Schedule ${NIGHTLY_SCHEDULE_ID} ${name}d.`,
    };
  },
});

export const commands: readonly Command[] = [
  {
    name: 'connect',
    usage:
      'connect <loginId> [--institution NAME] [--request-id ID] [--connected-at ISO] [--no-scheduled-refresh]',
    summary: 'Start keeping a Flinks login fresh (idempotent)',
    details: 'With --request-id, the card fetches the data of that Flinks Connect session first.',
    positionals: ['loginId'],
    options: {
      institution: { type: 'string' },
      'request-id': { type: 'string' },
      'connected-at': { type: 'string' },
      'no-scheduled-refresh': { type: 'boolean' },
    },
    run: async (ctx, { positionals, values }) => {
      const result = await (
        await ctx.client()
      ).connect(positionals[0] as string, {
        institution: str(values, 'institution'),
        requestId: str(values, 'request-id'),
        connectedAt: str(values, 'connected-at'),
        ...(values['no-scheduled-refresh'] ? { scheduledRefresh: false } : {}),
      });
      return {
        json: result,
        human: `${result.started ? 'Connected' : 'Already connected'}: ${result.loginId} (workflow ${result.workflowId})`,
      };
    },
  },
  {
    name: 'reconnected',
    usage: 'reconnected <loginId> <requestId>',
    summary: 'Tell a card the user finished a reconnect in Flinks Connect',
    positionals: ['loginId', 'requestId'],
    options: {},
    run: async (ctx, { positionals }) => {
      const result = await (
        await ctx.client()
      ).reconnected(positionals[0] as string, positionals[1] as string);
      return { json: result, human: `Reconnect sent to ${result.loginId}; the card fetches its data now.` };
    },
  },
  loginIdOnly(
    'refresh',
    'Refresh a card live now, as the app’s Refresh button does (waits)',
    async (client, loginId) => {
      const result = await client.refreshNow(loginId);
      return {
        json: result,
        human: block([
          ['Outcome', result.outcome],
          ['Last refresh', result.lastRefreshAt],
          ['requestId (for Flinks Connect)', result.requestId],
          ['Error code', result.errorCode],
        ]),
      };
    },
  ),
  loginIdOnly('show', 'Show one card as it sees itself', async (client, loginId) => {
    const card = await client.getCard(loginId);
    return { json: card, human: cardBlock(card) };
  }),
  {
    name: 'list',
    usage: 'list [--status STATUS] [--page-size N] [--page-token TOKEN]',
    summary: 'List live cards (or those with one status) from visibility',
    details: 'Statuses: scheduled, refreshing, errored, awaiting-user-mfa, unscheduled, disconnected.',
    positionals: [],
    options: {
      status: { type: 'string' },
      'page-size': { type: 'string' },
      'page-token': { type: 'string' },
    },
    run: async (ctx, { values }) => {
      const pageSize = str(values, 'page-size');
      const page = await (
        await ctx.client()
      ).listCards({
        status: str(values, 'status') as ListCardsOptions['status'],
        pageSize: pageSize === undefined ? undefined : Number(pageSize),
        nextPageToken: str(values, 'page-token'),
      });
      const rows = table(page.cards, [
        { title: 'LOGIN ID', value: (c) => c.loginId },
        { title: 'STATUS', value: (c) => c.status },
        { title: 'LAST REFRESH', value: (c) => c.lastRefreshAt },
        { title: 'ELIGIBLE UNTIL', value: (c) => c.eligibleUntil },
        { title: 'ERROR', value: (c) => c.errorCode },
      ]);
      const more = page.nextPageToken ? `\nMore: flinks-refresh list --page-token ${page.nextPageToken}` : '';
      return { json: page, human: page.cards.length === 0 ? 'No cards.' : `${rows}${more}` };
    },
  },
  loginIdOnly('enable', 'Turn Flinks’ scheduled (nightly) refresh on for a card', async (client, loginId) => {
    await client.setScheduledRefresh(loginId, true);
    return {
      json: { loginId, scheduledRefresh: true },
      human: `Scheduled refresh on for ${loginId} (sent).`,
    };
  }),
  loginIdOnly(
    'disable',
    'Turn Flinks’ scheduled (nightly) refresh off for a card',
    async (client, loginId) => {
      await client.setScheduledRefresh(loginId, false);
      return {
        json: { loginId, scheduledRefresh: false },
        human: `Scheduled refresh off for ${loginId} (sent).`,
      };
    },
  ),
  {
    name: 'disconnect',
    usage: 'disconnect <loginId> [--delete-data]',
    summary: 'Stop keeping a card fresh (final); --delete-data also deletes it at Flinks',
    positionals: ['loginId'],
    options: { 'delete-data': { type: 'boolean' } },
    run: async (ctx, { positionals, values }) => {
      const loginId = positionals[0] as string;
      const result = await (
        await ctx.client()
      ).disconnect(loginId, { deleteData: values['delete-data'] === true });
      return {
        json: { loginId, ...result },
        human: result.alreadyDisconnected
          ? `${loginId} was already disconnected.`
          : `Disconnect sent to ${loginId}.`,
      };
    },
  },
  {
    name: 'schedule apply',
    usage: 'schedule apply [--time HH:MM] [--max-data-age DURATION]',
    summary: 'Create or update the nightly routine’s schedule (keeps it paused if it is)',
    details: 'The time is UTC; default ROUTINE_SCHEDULE_TIME, else 08:30.',
    positionals: [],
    options: { time: { type: 'string' }, 'max-data-age': { type: 'string' } },
    run: async (ctx, { values }) => {
      const config = ctx.config();
      const maxDataAge = str(values, 'max-data-age');
      const applied = await applySchedule((await ctx.client()).temporal, {
        taskQueue: config.temporal.taskQueue,
        flinksTaskQueue: config.flinks.taskQueue,
        time: str(values, 'time') ?? config.routine.scheduleTime,
        ...(maxDataAge === undefined ? {} : { routineInput: { maxDataAge } }),
      });
      return {
        json: applied,
        human: `Schedule ${applied.scheduleId} ${applied.created ? 'created' : 'updated'}${applied.paused ? ' (paused)' : ''}.`,
      };
    },
  },
  {
    name: 'schedule describe',
    usage: 'schedule describe',
    summary: 'Show the schedule: time, state, next and recent runs',
    positionals: [],
    options: {},
    run: async (ctx) => {
      const view = await describeSchedule((await ctx.client()).temporal);
      return {
        json: view,
        human: block([
          ['Schedule', view.scheduleId],
          ['When', view.when],
          ['State', view.paused ? `paused${view.note ? ` (${view.note})` : ''}` : 'active'],
          ['Overlap', view.overlap],
          ['Catch-up window', `${view.catchupWindowMs / 60_000} min`],
          ['Task queue', view.taskQueue],
          ['Next runs', view.nextRuns],
          ['Recent runs', view.recentRuns.map((r) => r.workflowId)],
          ['Running', view.runningWorkflowIds],
        ]),
      };
    },
  },
  scheduleToggle('pause'),
  scheduleToggle('unpause'),
  {
    name: 'schedule trigger',
    usage: 'schedule trigger',
    summary: 'Run the scheduled action now (skipped if a routine is running)',
    positionals: [],
    options: {},
    run: async (ctx) => {
      await (await ctx.client()).temporal.schedule.getHandle(NIGHTLY_SCHEDULE_ID).trigger();
      return {
        json: { scheduleId: NIGHTLY_SCHEDULE_ID, triggered: true },
        human: `Schedule ${NIGHTLY_SCHEDULE_ID} triggered.`,
      };
    },
  },
  {
    name: 'routine run',
    usage: 'routine run [--wait] [--routine-id ID] [--max-data-age DURATION]',
    summary: 'Run the nightly routine now, outside the schedule',
    details:
      'The default routineId is today’s (nightly-YYYY-MM-DD), the same as the scheduled run: cards that already\n' +
      'handled it are left alone. Pass --routine-id for a fresh pass. --wait prints the result.',
    positionals: [],
    options: {
      wait: { type: 'boolean' },
      'routine-id': { type: 'string' },
      'max-data-age': { type: 'string' },
    },
    run: async (ctx, { values }) => {
      const config = ctx.config();
      const started = await runRoutineNow((await ctx.client()).temporal, {
        taskQueue: config.temporal.taskQueue,
        flinksTaskQueue: config.flinks.taskQueue,
        routineId: str(values, 'routine-id'),
        maxDataAge: str(values, 'max-data-age'),
      });
      if (!values.wait) {
        const json = { routineId: started.routineId, workflowId: started.workflowId };
        return { json, human: `Started routine ${started.routineId} (workflow ${started.workflowId}).` };
      }
      const result = await started.handle.result();
      return { json: result, human: routineBlock(result) };
    },
  },
];
