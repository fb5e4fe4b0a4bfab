// The processes polling an activity task queue, as the Temporal server lists them.
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { type FleetPoller } from '../activities/flinks-rate';

type WorkflowService = temporal.api.workflowservice.v1.WorkflowService;
type PollerInfo = temporal.api.taskqueue.v1.IPollerInfo;

const { TaskQueueType, DescribeTaskQueueMode } = temporal.api.enums.v1;

/**
 * Pollers of `taskQueue`'s activity tasks across its partitions (the enhanced DescribeTaskQueue); a server
 * without that mode answers for the root partition (the legacy call).
 */
export async function activityQueuePollers(
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
    infos = Object.values(enhanced.versionsInfo ?? {}).flatMap((version) =>
      Object.values(version.typesInfo ?? {}).flatMap((type) => type.pollers ?? []),
    );
  } catch {
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
