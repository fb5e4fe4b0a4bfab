// The nightly routine's Temporal-facing steps: count the live cards, then list and signal one shard of them.
// They run on the workflows' queue (no Flinks calls) and use a Temporal client. The card list never enters the
// routine's history: a shard activity pages through visibility itself and returns counts.
import { activityInfo, Context } from '@temporalio/activity';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { searchAttributeText } from '../client/visibility';
import { type NightlyStatusSignal } from '../domain/card-messages';
import { forEachBounded } from '../domain/for-each-bounded';
import {
  addCounts,
  emptyShardCounts,
  listedWithoutCard,
  type ShardCounts,
  type ShardResult,
} from '../domain/routine-result';
import { cardQuery, type PackedIneligibleList, unpackIneligible } from '../domain/routine-shards';
import { CARD_WORKFLOW_ID_PREFIX, CARD_WORKFLOW_TYPE, nightlyStatusSignal } from '../workflows/definitions';
import { FlinksCardStatus } from '../workflows/search-attributes';

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
}

/** Where a shard stands after its last finished page. */
interface ShardProgress {
  nextPageToken: string;
  counts: ShardCounts;
  /** Listed loginIds already signalled with their entry. */
  found: string[];
}

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

    /** Lists one shard's live cards page by page and sends each its nightlyStatus. */
    async signalCardShard(input: ShardInput): Promise<ShardResult> {
      const ctx = Context.current();
      const query = cardQuery({
        workflowType: CARD_WORKFLOW_TYPE,
        taskQueue: input.taskQueue,
        idPrefix: CARD_WORKFLOW_ID_PREFIX,
        shard: input.shard,
      });
      const entries = unpackIneligible(input.listed);
      // What the last finished page left: heartbeated, so a retried attempt resumes after it. '' = from the start.
      let progress: ShardProgress = resumedProgress() ?? {
        nextPageToken: '',
        counts: emptyShardCounts(),
        found: [],
      };
      let counts = progress.counts;
      const found = new Set(progress.found);
      // A card that continues-as-new mid-listing can show up twice (old and new run): signal it once.
      const seen = new Set<string>();
      let token = progress.nextPageToken ? Buffer.from(progress.nextPageToken, 'base64') : undefined;

      do {
        const page = await client.workflowService.listWorkflowExecutions({
          namespace,
          query,
          pageSize: input.pageSize,
          nextPageToken: token,
        });
        const pageCounts = emptyShardCounts();
        pageCounts.pages = 1;
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
          try {
            await client.workflow.getHandle(workflowId).signal(nightlyStatusSignal, payload);
          } catch (error) {
            if (!(error instanceof WorkflowNotFoundError)) throw error;
            pageCounts.gone += 1;
            return;
          }
          if (entry === null) pageCounts.signalledWithNull += 1;
          else {
            pageCounts.signalledWithEntry += 1;
            found.add(loginId);
          }
        });
        counts = addCounts(counts, pageCounts);
        token =
          page.nextPageToken && page.nextPageToken.length > 0 ? Buffer.from(page.nextPageToken) : undefined;
        progress = { nextPageToken: token ? token.toString('base64') : '', counts, found: [...found] };
        ctx.heartbeat(progress);
      } while (token !== undefined);

      const missing = listedWithoutCard(entries.keys(), found);
      return {
        shard: input.shard,
        ...counts,
        listedWithoutCard: missing.loginIds,
        listedWithoutCardCount: missing.count,
      };
    },
  };
}

export type RoutineActivities = ReturnType<typeof createRoutineActivities>;

/** The progress of an earlier attempt that stopped after a page (worker shut down, timeout), if any. */
function resumedProgress(): ShardProgress | null {
  if (activityInfo().attempt <= 1) return null;
  const details = activityInfo().heartbeatDetails as ShardProgress | undefined;
  return details && typeof details.nextPageToken === 'string' && details.nextPageToken !== ''
    ? details
    : null;
}
