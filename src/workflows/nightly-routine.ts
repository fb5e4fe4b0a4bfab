// Flinks' suggested daily routine, run by the `flinks-nightly-routine` schedule after Flinks' 04:00-08:00 UTC job:
//   1. GetNightlyRefreshStatus, once (one Flinks activity);
//   2. every live card gets a nightlyStatus signal with its entry from that list, or null.
//
// History budget. The cards are split into shards by the first hex digits of their loginId (1, 16 or 256
// shards, about `cardsPerShard` cards each). One activity lists and signals a whole shard, paging through
// visibility itself, so no card ever costs the routine an event. Each shard costs at most 6 events (activity
// scheduled/started/completed, plus one workflow task scheduled/started/completed when it completes alone);
// steps 0-1 and the start and end cost about 20. At any card count: at most 256 × 6 + 20 ≈ 1,560 events, well
// under 10,000 without continue-as-new or children. At 100,000 cards: 256 shards of ~391 cards, one page each.
//
// No card missed. Every shard lists the cards live at `liveAt`, the instant step 2 began (cardQuery), and signals
// each by workflow ID: a card that continues-as-new while its shard is listed is still found, and its new run gets
// the signal. A card whose signal keeps failing is reported (a bounded list and a count); its shard carries on.
//
// Crash safety. A shard that completed is in the history, so a retried or replayed run never lists or signals
// it again. A shard interrupted mid-way resumes after its last heartbeated page. Cards ignore a routineId they
// already handled, so a re-run for the same day (a retrigger, a repeated page) changes nothing for them.
import * as wf from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { type FlinksActivities } from '../activities/flinks-activities';
import { type RoutineActivities } from '../activities/routine-activities';
import { forEachBounded } from '../domain/for-each-bounded';
import {
  InvalidRoutineInputError,
  type NightlyRoutineInput,
  type ResolvedRoutineInput,
  resolveRoutineInput,
} from '../domain/routine-input';
import {
  addShard,
  describeRoutineProgress,
  type RoutineResult,
  routineResult,
  startTotals,
} from '../domain/routine-result';
import { shardPrefixes, splitIneligible } from '../domain/routine-shards';
import { toIso } from '../domain/time';

export type { NightlyRoutineInput } from '../domain/routine-input';
export type { RoutineResult } from '../domain/routine-result';

/** Set by the server on every run a schedule starts: its nominal (un-jittered) time. */
const TemporalScheduledStartTime = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);

export async function nightlyRoutine(rawInput: NightlyRoutineInput = {}): Promise<RoutineResult> {
  const info = wf.workflowInfo();
  const input = resolveInput(rawInput, info);
  const startedAt = toIso(Date.now());

  const flinks = wf.proxyActivities<Pick<FlinksActivities, 'flinksNightlyRefreshStatus'>>({
    taskQueue: input.flinksTaskQueue,
    startToCloseTimeout: '5 minutes',
    // About 35 minutes of retries; after that the run fails loudly and the cards keep themselves alive on timers.
    retry: {
      initialInterval: '30 seconds',
      backoffCoefficient: 2,
      maximumInterval: '10 minutes',
      maximumAttempts: 7,
    },
  });
  const routine = wf.proxyActivities<RoutineActivities>({
    startToCloseTimeout: '30 minutes',
    // A shard heartbeats after every page (about a second): a dead worker's shard moves on within 10 s.
    heartbeatTimeout: '10 seconds',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 20,
    },
  });

  let totals = startTotals([]);
  let ineligible: number | null = null;
  let shardCount = 0;
  const show = (step: Parameters<typeof describeRoutineProgress>[0]['step']): void =>
    wf.setCurrentDetails(
      describeRoutineProgress({ routineId: input.routineId, step, ineligible, shards: shardCount, totals }),
    );

  show('flinks-list');
  const listed = await flinks.flinksNightlyRefreshStatus.executeWithOptions(
    { summary: 'Step 1: GetNightlyRefreshStatus' },
    [],
  );
  ineligible = listed.rows.length;

  show('counting');
  const cardCount = await routine.countLiveCards.executeWithOptions({ summary: 'Count the live cards' }, [
    { taskQueue: input.cardTaskQueue },
  ]);
  const prefixes = shardPrefixes(cardCount, input.cardsPerShard);
  shardCount = prefixes.length;
  const { byShard, unassigned } = splitIneligible(listed, prefixes);
  totals = startTotals(unassigned);

  // Every card live now is signalled, including one that continues-as-new while its shard is listed.
  const liveAt = toIso(Date.now());
  show('signalling');
  const failedShards: string[] = [];
  await forEachBounded(prefixes, input.shardConcurrency, async (shard) => {
    try {
      const result = await routine.signalCardShard.executeWithOptions(
        { summary: `Step 2: signal the cards of shard '${shard || '*'}'` },
        [
          {
            routineId: input.routineId,
            taskQueue: input.cardTaskQueue,
            shard,
            listed: byShard.get(shard) ?? { states: [], codes: [], rows: [] },
            maxDataAgeMs: input.maxDataAgeMs,
            pageSize: input.pageSize,
            signalConcurrency: input.signalConcurrency,
            liveAt,
          },
        ],
      );
      totals = addShard(totals, result);
    } catch (error) {
      if (!(error instanceof wf.ActivityFailure)) throw error;
      // One shard's visibility trouble must not keep the other shards' cards waiting: report it, carry on.
      wf.log.error('A shard of the nightly routine failed', {
        shard,
        error: error.cause?.message ?? error.message,
      });
      failedShards.push(shard);
    }
    show('signalling');
  });

  show('done');
  if (totals.counts.signalFailed > 0) {
    // The result lists them too; a re-run of the same routineId tries them again.
    wf.log.warn('Some cards could not be signalled', {
      count: totals.counts.signalFailed,
      loginIds: totals.signalFailedCards,
    });
  }
  return routineResult(totals, {
    routineId: input.routineId,
    ineligible,
    maxDataAgeMs: input.maxDataAgeMs,
    shards: shardCount,
    failedShards,
    startedAt,
    finishedAt: toIso(Date.now()),
  });
}

function resolveInput(raw: NightlyRoutineInput, info: wf.WorkflowInfo): ResolvedRoutineInput {
  try {
    return resolveRoutineInput(raw, {
      scheduledStartTime: info.typedSearchAttributes.get(TemporalScheduledStartTime) ?? null,
      startedAtMs: info.startTime.getTime(),
      taskQueue: info.taskQueue,
    });
  } catch (error) {
    if (error instanceof InvalidRoutineInputError)
      throw wf.ApplicationFailure.nonRetryable(error.message, error.name);
    throw error;
  }
}
