// One look at an activity task queue, as the Temporal server describes it: its pollers and its backlog, across
// every partition (the enhanced DescribeTaskQueue). The fleet gate counts the pollers; the queue watch reads both.
import { isGrpcServiceError } from '@temporalio/client';
import { type google, temporal } from '@temporalio/proto';

type WorkflowService = temporal.api.workflowservice.v1.WorkflowService;
export type PollerInfo = temporal.api.taskqueue.v1.IPollerInfo;

const { TaskQueueType, DescribeTaskQueueMode } = temporal.api.enums.v1;

/**
 * gRPC UNIMPLEMENTED and INVALID_ARGUMENT: a server that does not offer the enhanced DescribeTaskQueue. Only then
 * is the legacy call asked, which describes the root partition only (it undercounts). A transient failure
 * (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, …) fails the look instead: the caller's last view stands.
 */
const ENHANCED_UNSUPPORTED = new Set<number>([12, 3]);

export interface ActivityQueueDescription {
  pollers: PollerInfo[];
  /** Activity tasks waiting for a worker. */
  backlog: number;
  /** How long the oldest of them has waited. */
  oldestWaitingMs: number;
}

export async function describeActivityQueue(
  service: WorkflowService,
  namespace: string,
  taskQueue: string,
): Promise<ActivityQueueDescription> {
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
    // A server older than the enhanced mode ignores the field and answers the legacy way.
    if (types.length === 0) return legacyDescription(enhanced);
    return {
      pollers: types.flatMap((t) => t.pollers ?? []),
      backlog: types.reduce((n, t) => n + Number(t.stats?.approximateBacklogCount ?? 0), 0),
      oldestWaitingMs: Math.max(0, ...types.map((t) => durationMs(t.stats?.approximateBacklogAge))),
    };
  } catch (error) {
    if (!isGrpcServiceError(error) || !ENHANCED_UNSUPPORTED.has(error.code)) throw error;
    const legacy = await service.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      reportStats: true,
    });
    return legacyDescription(legacy);
  }
}

function legacyDescription(
  answer: temporal.api.workflowservice.v1.IDescribeTaskQueueResponse,
): ActivityQueueDescription {
  return {
    pollers: answer.pollers ?? [],
    backlog: Number(answer.stats?.approximateBacklogCount ?? 0),
    oldestWaitingMs: durationMs(answer.stats?.approximateBacklogAge),
  };
}

function durationMs(d: google.protobuf.IDuration | null | undefined): number {
  if (!d) return 0;
  return Number(d.seconds ?? 0) * 1000 + Math.floor((d.nanos ?? 0) / 1e6);
}
