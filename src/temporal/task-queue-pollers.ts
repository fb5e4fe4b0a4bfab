// The processes polling an activity task queue, as the Temporal server lists them.
import { isGrpcServiceError } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { type NativeConnection } from '@temporalio/worker';
import { type FleetPoller } from '../activities/flinks-rate';

type WorkflowService = temporal.api.workflowservice.v1.WorkflowService;
type PollerInfo = temporal.api.taskqueue.v1.IPollerInfo;
export type ServiceConnection = Pick<NativeConnection, 'workflowService' | 'withDeadline'>;

const { TaskQueueType, DescribeTaskQueueMode } = temporal.api.enums.v1;

/**
 * gRPC UNIMPLEMENTED and INVALID_ARGUMENT: a server that does not offer the enhanced DescribeTaskQueue. Only then
 * is the legacy call asked, which lists the root partition's pollers only (it undercounts). A transient failure
 * (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, …) fails the listing instead: the caller's count stands.
 */
const ENHANCED_UNSUPPORTED = new Set<number>([12, 3]);

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

/** Pollers of `taskQueue`'s activity tasks across its partitions (the enhanced DescribeTaskQueue). */
async function queuePollers(
  service: WorkflowService,
  namespace: string,
  taskQueue: string,
): Promise<FleetPoller[]> {
  let infos: PollerInfo[];
  try {
    const enhanced = await service.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      apiMode: DescribeTaskQueueMode.DESCRIBE_TASK_QUEUE_MODE_ENHANCED,
      versions: { unversioned: true },
      taskQueueTypes: [TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY],
      reportPollers: true,
    });
    const versions = Object.values(enhanced.versionsInfo ?? {});
    // A server older than the enhanced mode ignores the field and answers the legacy way.
    infos =
      versions.length > 0
        ? versions.flatMap((version) =>
            Object.values(version.typesInfo ?? {}).flatMap((type) => type.pollers ?? []),
          )
        : (enhanced.pollers ?? []);
  } catch (error) {
    if (!isGrpcServiceError(error) || !ENHANCED_UNSUPPORTED.has(error.code)) throw error;
    const legacy = await service.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    });
    infos = legacy.pollers ?? [];
  }
  return infos.map((info) => ({
    identity: info.identity ?? '',
    lastAccessMs: optionalTsToMs(info.lastAccessTime) ?? null,
  }));
}
