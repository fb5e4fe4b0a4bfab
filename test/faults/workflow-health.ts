// Whether every workflow run of a fault suite stayed healthy: none failed, and no workflow task failed for a
// non-determinism reason. A killed worker's tasks time out and are retried elsewhere; that is expected and counted.
// A replay that disagrees with its history is a bug in the workflow code and must never happen.
import { type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { forEachBounded } from '../../src/domain/for-each-bounded';

const { WorkflowTaskFailedCause, EventType } = temporal.api.enums.v1;

export interface WorkflowHealth {
  /** Runs found (continued-as-new runs count one each). */
  runs: number;
  /** Workflow IDs with a running run. */
  running: Set<string>;
  byStatus: Record<string, number>;
  /** `workflowId/runId: status` of every run that failed, was terminated, timed out or was cancelled. */
  failedRuns: string[];
  /** WorkflowTaskFailed events by cause (e.g. UNHANDLED_COMMAND). */
  taskFailures: Record<string, number>;
  /** `workflowId: message` of every WorkflowTaskFailed caused by non-determinism. */
  nonDeterministic: string[];
  /** WorkflowTaskTimedOut events: tasks a dead worker never finished. */
  taskTimeouts: number;
  /** Activity attempts after the first (a dead worker's activities time out and run again; so do failures). */
  activityRetries: number;
}

const HEALTHY = new Set(['RUNNING', 'COMPLETED', 'CONTINUED_AS_NEW']);

/** Reads every run matching a visibility query (all of a task queue's workflows, say) and its whole history. */
export async function workflowHealth(client: Client, query: string): Promise<WorkflowHealth> {
  const runs: { workflowId: string; runId: string; status: string }[] = [];
  for await (const execution of client.workflow.list({ query })) {
    runs.push({ workflowId: execution.workflowId, runId: execution.runId, status: execution.status.name });
  }
  const health: WorkflowHealth = {
    runs: runs.length,
    running: new Set(runs.filter((r) => r.status === 'RUNNING').map((r) => r.workflowId)),
    byStatus: {},
    failedRuns: [],
    taskFailures: {},
    nonDeterministic: [],
    taskTimeouts: 0,
    activityRetries: 0,
  };
  await forEachBounded(runs, 20, async ({ workflowId, runId, status }) => {
    health.byStatus[status] = (health.byStatus[status] ?? 0) + 1;
    if (!HEALTHY.has(status)) health.failedRuns.push(`${workflowId}/${runId}: ${status}`);
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    for (const event of history.events ?? []) {
      if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) health.taskTimeouts += 1;
      // A retried activity's started event is written once, with its last attempt.
      health.activityRetries += Math.max(0, (event.activityTaskStartedEventAttributes?.attempt ?? 1) - 1);
      const failed = event.workflowTaskFailedEventAttributes;
      if (!failed) continue;
      const cause = (WorkflowTaskFailedCause[failed.cause ?? 0] ?? String(failed.cause)).replace(
        'WORKFLOW_TASK_FAILED_CAUSE_',
        '',
      );
      health.taskFailures[cause] = (health.taskFailures[cause] ?? 0) + 1;
      const message = failed.failure?.message ?? '';
      if (cause === 'NON_DETERMINISTIC_ERROR' || /non-?determinis/i.test(message)) {
        health.nonDeterministic.push(`${workflowId}: ${message}`);
      }
    }
  });
  return health;
}

/** The health figures as report lines. */
export function describeHealth(health: WorkflowHealth): string[] {
  return [
    `${health.runs} runs checked ${JSON.stringify(health.byStatus)}`,
    `${health.taskTimeouts} workflow tasks timed out, ${health.activityRetries} activity attempts retried`,
    `workflow task failures ${JSON.stringify(health.taskFailures)}, ${health.nonDeterministic.length} non-deterministic`,
  ];
}
