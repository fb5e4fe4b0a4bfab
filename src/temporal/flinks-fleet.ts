// How the fleet gate reaches Temporal: it lists who polls the Flinks queue and the fleet's presence queue, and
// keeps a poll of its own open on the presence queue whatever the Flinks worker's slots are doing.
import { temporal } from '@temporalio/proto';
import { type FleetGateOptions } from '../activities/flinks-fleet-gate';
import { FLEET_TIMING } from '../activities/flinks-rate';
import { activityQueuePollers, type ServiceConnection } from './task-queue-pollers';

/**
 * The queue whose pollers are the processes of the Flinks queue's fleet. No activity is ever scheduled on it: a poll
 * there is a process saying it is present, which the SDK's own polls stop saying while every slot is busy.
 */
export function fleetPresenceQueue(flinksTaskQueue: string): string {
  return `${flinksTaskQueue}-fleet`;
}

/**
 * How long a presence poll is held: the server answers it, empty, 2 s before, and records the poller when it
 * starts and when it ends. At least 10 s, or the server logs each poll as a long poll with a short timeout.
 */
export const PRESENCE_POLL_MS = 10_000;

/** The fleet gate's links to Temporal for the Flinks worker polling `flinksTaskQueue` as `identity`. */
export function flinksFleetOnTemporal(
  connection: ServiceConnection,
  namespace: string,
  flinksTaskQueue: string,
  identity: string,
): Pick<FleetGateOptions, 'self' | 'listPollers' | 'announce'> {
  const presenceQueue = fleetPresenceQueue(flinksTaskQueue);
  return {
    self: identity,
    listPollers: () =>
      activityQueuePollers(connection, namespace, [flinksTaskQueue, presenceQueue], FLEET_TIMING.refreshMs),
    announce: async () => {
      await connection.withDeadline(Date.now() + PRESENCE_POLL_MS, () =>
        connection.workflowService.pollActivityTaskQueue({
          namespace,
          taskQueue: {
            name: presenceQueue,
            kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL,
          },
          identity,
        }),
      );
    },
  };
}
