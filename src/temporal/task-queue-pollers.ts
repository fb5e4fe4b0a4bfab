// The processes polling an activity task queue, as the Temporal server lists them.
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { type temporal } from '@temporalio/proto';
import { type NativeConnection } from '@temporalio/worker';
import { type FleetPoller } from '../activities/flinks-rate';
import { describeActivityQueue } from './task-queue-description';

type WorkflowService = temporal.api.workflowservice.v1.WorkflowService;
export type ServiceConnection = Pick<NativeConnection, 'workflowService' | 'withDeadline'>;

/** Pollers of the activity tasks of every queue in `taskQueues`, asked together within `timeoutMs`. */
export async function activityQueuePollers(
  connection: ServiceConnection,
  namespace: string,
  taskQueues: readonly string[],
  timeoutMs: number,
): Promise<FleetPoller[]> {
  const lists = await connection.withDeadline(Date.now() + timeoutMs, () =>
    Promise.all(taskQueues.map((name) => queuePollers(connection.workflowService, namespace, name))),
  );
  return lists.flat();
}

/** Pollers of `taskQueue`'s activity tasks across its partitions. */
async function queuePollers(
  service: WorkflowService,
  namespace: string,
  taskQueue: string,
): Promise<FleetPoller[]> {
  const { pollers } = await describeActivityQueue(service, namespace, taskQueue);
  return pollers.map((info) => ({
    identity: info.identity ?? '',
    lastAccessMs: optionalTsToMs(info.lastAccessTime) ?? null,
  }));
}
