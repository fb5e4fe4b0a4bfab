// How the product names the Flinks activities' task queue. The card workflow, the routine, the worker and the
// client all derive it here from the contract's TEMPORAL_TASK_QUEUE, so a card a backend starts with nothing but
// the contract's input schedules its Flinks calls on the queue the worker polls.

/** The Flinks activities' task queue of workflows on `taskQueue`, unless FLINKS_TASK_QUEUE names another. */
export function flinksTaskQueueFor(taskQueue: string): string {
  return `${taskQueue}-flinks`;
}
