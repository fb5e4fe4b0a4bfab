// When has every card finished its night? Once the routine has returned, every card's nightlyStatus signal is in
// its history; a card with neither a workflow task nor an activity pending has then done all that signal
// caused (one step always leads to the next through a pending task). Describing 10,000 cards loads the
// server, so a sweep waits until the simulator has heard no Flinks request for a moment, and later sweeps
// only look at the cards still busy. This decides when to stop waiting; the measured time comes from the
// histories (card-nights.ts), so the sweeps' own pace does not enter the figures.
import { type Client } from '@temporalio/client';
import { forEachBounded } from '../../src/domain/for-each-bounded';
import { cardWorkflowId } from '../../src/workflows/definitions';
import { type FlinksTraffic } from './flinks-traffic';

const DESCRIBE_CONCURRENCY = 16;
/** No Flinks request for this long: the bulk of the night is over, or stalled; either way, look. */
const QUIET_MS = 2_000;

export interface SettleResult {
  settled: number;
  /** Cards still busy at the deadline. */
  busy: string[];
}

export async function waitUntilSettled(
  client: Client,
  traffic: FlinksTraffic,
  loginIds: readonly string[],
  deadline: number,
  onProgress: (settled: number) => void,
): Promise<SettleResult> {
  let busy = [...loginIds];
  while (busy.length > 0 && Date.now() < deadline) {
    await traffic.quiet(QUIET_MS, deadline);
    const stillBusy: string[] = [];
    await forEachBounded(busy, DESCRIBE_CONCURRENCY, async (loginId) => {
      const { raw } = await client.workflow.getHandle(cardWorkflowId(loginId)).describe();
      if (raw.pendingWorkflowTask || (raw.pendingActivities ?? []).length > 0) stillBusy.push(loginId);
    });
    busy = stillBusy;
    onProgress(loginIds.length - busy.length);
  }
  return { settled: loginIds.length - busy.length, busy };
}
