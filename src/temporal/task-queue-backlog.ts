// Whether an activity task queue has work waiting and anyone polling it, as the Temporal server reports it.
import { type google, temporal } from '@temporalio/proto';

type WorkflowService = temporal.api.workflowservice.v1.WorkflowService;

const { TaskQueueType, DescribeTaskQueueMode } = temporal.api.enums.v1;

export interface ActivityQueueHealth {
  taskQueue: string;
  /** Processes polling the queue's activity tasks (all partitions when the server can say). */
  pollers: number;
  /** Activity tasks waiting for a worker. */
  backlog: number;
  /** How long the oldest of them has waited. */
  oldestWaitingMs: number;
}

/** The queue's pollers and backlog across its partitions; a server without the enhanced mode answers for the root. */
export async function activityQueueHealth(
  service: WorkflowService,
  namespace: string,
  taskQueue: string,
): Promise<ActivityQueueHealth> {
  try {
    const enhanced = await service.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      apiMode: DescribeTaskQueueMode.DESCRIBE_TASK_QUEUE_MODE_ENHANCED,
      versions: { unversioned: true },
      taskQueueTypes: [TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY],
      reportPollers: true,
      reportStats: true,
    });
    const types = Object.values(enhanced.versionsInfo ?? {}).flatMap((v) => Object.values(v.typesInfo ?? {}));
    return {
      taskQueue,
      pollers: types.reduce((n, t) => n + (t.pollers?.length ?? 0), 0),
      backlog: types.reduce((n, t) => n + Number(t.stats?.approximateBacklogCount ?? 0), 0),
      oldestWaitingMs: Math.max(0, ...types.map((t) => durationMs(t.stats?.approximateBacklogAge))),
    };
  } catch {
    const legacy = await service.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      reportStats: true,
    });
    return {
      taskQueue,
      pollers: legacy.pollers?.length ?? 0,
      backlog: Number(legacy.stats?.approximateBacklogCount ?? 0),
      oldestWaitingMs: durationMs(legacy.stats?.approximateBacklogAge),
    };
  }
}

function durationMs(d: google.protobuf.IDuration | null | undefined): number {
  if (!d) return 0;
  return Number(d.seconds ?? 0) * 1000 + Math.floor((d.nanos ?? 0) / 1e6);
}
