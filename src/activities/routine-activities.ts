// The nightly routine's Temporal-facing steps: count the live cards, then list and signal one shard of them.
// They run on the workflows' queue (no Flinks calls) and use a Temporal client. The card list never enters the
// routine's history: a shard activity pages through visibility itself and returns counts.
import { activityInfo, Context } from '@temporalio/activity';
import { type Client } from '@temporalio/client';
import { searchAttributeText } from '../client/visibility';
import { type NightlyStatusSignal } from '../domain/card-messages';
import { forEachBounded } from '../domain/for-each-bounded';
import {
  addCounts,
  appendBounded,
  emptyShardCounts,
  listedWithoutCard,
  MAX_REPORTED_FAILED_CARDS,
  type ShardCounts,
  type ShardResult,
} from '../domain/routine-result';
import { cardQuery, type PackedIneligibleList, unpackIneligible } from '../domain/routine-shards';
import { CARD_WORKFLOW_ID_PREFIX, CARD_WORKFLOW_TYPE } from '../workflows/definitions';
import { FlinksCardStatus } from '../workflows/search-attributes';
import { signalCard } from './signal-card';

export interface ShardInput {
  routineId: string;
  taskQueue: string;
  /** Hex prefix of the loginIds in this shard ('' = every card). */
  shard: string;
  /** This shard's part of Flinks' ineligible list. */
  listed: PackedIneligibleList;
  maxDataAgeMs: number | null;
  pageSize: number;
  signalConcurrency: number;
  /**
   * The cards live at this instant (ISO) are the ones signalled (cardQuery's `liveAt`). Absent from a routine
   * scheduled before it existed: the shard then takes the instant it starts listing.
   */
  liveAt?: string;
}

/** Where a shard stands after its last finished page. */
interface ShardProgress {
  /** The instant whose live cards the page token walks through. */
  liveAt: string;
  nextPageToken: string;
  counts: ShardCounts;
  /** Listed loginIds already signalled with their entry (or whose signal failed). */
  found: string[];
  signalFailedCards: string[];
}

/**
 * A run that started just before `liveAt` may not be in visibility yet: the first page waits this long after it.
 * (Visibility trails the workflows by well under a second.)
 */
export const VISIBILITY_SETTLE_MS = 1_000;

export function createRoutineActivities({ client }: { client: Client }) {
  const namespace = client.options.namespace;

  return {
    /** How many live cards the queue has: only sizes the shards, so visibility lag does not matter. */
    async countLiveCards(input: { taskQueue: string }): Promise<number> {
      const query = cardQuery({
        workflowType: CARD_WORKFLOW_TYPE,
        taskQueue: input.taskQueue,
        idPrefix: CARD_WORKFLOW_ID_PREFIX,
      });
      return (await client.workflow.count(query)).count;
    },

    /** Lists the shard's cards live at `liveAt`, page by page, and sends each its nightlyStatus. */
    async signalCardShard(input: ShardInput): Promise<ShardResult> {
      const ctx = Context.current();
      const entries = unpackIneligible(input.listed);
      // What the last finished page left: heartbeated, so a retried attempt resumes after it. '' = from the start.
      let progress: ShardProgress = resumedProgress() ?? {
        liveAt: input.liveAt ?? new Date().toISOString(),
        nextPageToken: '',
        counts: emptyShardCounts(),
        found: [],
        signalFailedCards: [],
      };
      const query = cardQuery({
        workflowType: CARD_WORKFLOW_TYPE,
        taskQueue: input.taskQueue,
        idPrefix: CARD_WORKFLOW_ID_PREFIX,
        shard: input.shard,
        liveAt: progress.liveAt,
      });
      let counts = progress.counts;
      const found = new Set(progress.found);
      let signalFailedCards = progress.signalFailedCards;
      // A card whose run closed while listed can show up twice (visibility moving it): signal it once.
      const seen = new Set<string>();
      let token = progress.nextPageToken ? Buffer.from(progress.nextPageToken, 'base64') : undefined;
      if (!token) await untilSettled(progress.liveAt);

      do {
        const page = await client.workflowService.listWorkflowExecutions({
          namespace,
          query,
          pageSize: input.pageSize,
          nextPageToken: token,
        });
        const pageCounts = emptyShardCounts();
        pageCounts.pages = 1;
        const pageFailed: string[] = [];
        const cards = (page.executions ?? []).flatMap((execution) => {
          const workflowId = execution.execution?.workflowId;
          if (!workflowId || seen.has(workflowId)) return [];
          seen.add(workflowId);
          return [
            {
              workflowId,
              status: searchAttributeText(execution.searchAttributes?.indexedFields?.[FlinksCardStatus.name]),
            },
          ];
        });
        await forEachBounded(cards, input.signalConcurrency, async ({ workflowId, status }) => {
          if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
          // Keeps a long page alive within the heartbeat timeout (the SDK sends at most one per interval).
          ctx.heartbeat(progress);
          if (status === 'disconnected') {
            pageCounts.disconnected += 1;
            return;
          }
          pageCounts.cards += 1;
          const statusKey = status ?? 'unknown';
          pageCounts.byStatus[statusKey] = (pageCounts.byStatus[statusKey] ?? 0) + 1;
          const loginId = workflowId.slice(CARD_WORKFLOW_ID_PREFIX.length);
          const entry = entries.get(loginId) ?? null;
          const payload: NightlyStatusSignal = {
            routineId: input.routineId,
            ineligible: entry,
            ...(input.maxDataAgeMs === null ? {} : { maxDataAgeMs: input.maxDataAgeMs }),
          };
          const outcome = await signalCard(client, workflowId, payload);
          if (outcome.kind === 'gone') {
            pageCounts.gone += 1;
            return;
          }
          // A listed card is not "listed without a card" even when its signal failed.
          if (entry !== null) found.add(loginId);
          if (outcome.kind === 'failed') {
            ctx.log.warn('A card could not be signalled; the shard carries on', {
              workflowId,
              reason: outcome.reason,
            });
            pageCounts.signalFailed += 1;
            if (entry !== null) pageCounts.signalFailedWithEntry += 1;
            pageFailed.push(loginId);
          } else if (entry === null) pageCounts.signalledWithNull += 1;
          else pageCounts.signalledWithEntry += 1;
        });
        counts = addCounts(counts, pageCounts);
        signalFailedCards = appendBounded(signalFailedCards, pageFailed, MAX_REPORTED_FAILED_CARDS);
        token =
          page.nextPageToken && page.nextPageToken.length > 0 ? Buffer.from(page.nextPageToken) : undefined;
        progress = {
          liveAt: progress.liveAt,
          nextPageToken: token ? token.toString('base64') : '',
          counts,
          found: [...found],
          signalFailedCards,
        };
        ctx.heartbeat(progress);
      } while (token !== undefined);

      const missing = listedWithoutCard(entries.keys(), found);
      return {
        shard: input.shard,
        ...counts,
        listedWithoutCard: missing.loginIds,
        listedWithoutCardCount: missing.count,
        signalFailedCards,
      };
    },
  };
}

/**
 * Waits until visibility has every run started before `liveAt`. Without a heartbeat: the SDK sends the first one at
 * once and holds later ones for most of the heartbeat timeout, and the first should carry a page's progress.
 */
async function untilSettled(liveAt: string): Promise<void> {
  const left = Math.min(Date.parse(liveAt) + VISIBILITY_SETTLE_MS - Date.now(), VISIBILITY_SETTLE_MS);
  if (left > 0) await Context.current().sleep(left);
}

export type RoutineActivities = ReturnType<typeof createRoutineActivities>;

/**
 * The progress of an earlier attempt that stopped after a page (worker shut down, timeout), if any. Progress
 * heartbeated before `liveAt` existed belongs to another query: that shard starts over.
 */
function resumedProgress(): ShardProgress | null {
  if (activityInfo().attempt <= 1) return null;
  const details = activityInfo().heartbeatDetails as Partial<ShardProgress> | undefined;
  if (!details || typeof details.nextPageToken !== 'string' || details.nextPageToken === '') return null;
  if (typeof details.liveAt !== 'string' || !details.counts) return null;
  return { ...(details as ShardProgress), signalFailedCards: details.signalFailedCards ?? [] };
}
