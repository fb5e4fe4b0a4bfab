// Whether an activity task queue has work waiting and anyone polling it: what the Flinks queue watch reads.
import { type temporal } from '@temporalio/proto';
import { describeActivityQueue } from './task-queue-description';

type WorkflowService = temporal.api.workflowservice.v1.WorkflowService;

export interface ActivityQueueHealth {
  taskQueue: string;
  /** Processes polling the queue's activity tasks (all partitions when the server can say). */
  pollers: number;
  /** Activity tasks waiting for a worker. */
  backlog: number;
  /** How long the oldest of them has waited. */
  oldestWaitingMs: number;
}

export async function activityQueueHealth(
  service: WorkflowService,
  namespace: string,
  taskQueue: string,
): Promise<ActivityQueueHealth> {
  const { pollers, backlog, oldestWaitingMs } = await describeActivityQueue(service, namespace, taskQueue);
  return { taskQueue, pollers: pollers.length, backlog, oldestWaitingMs };
}
