// Whether a worker process is doing its job, from the SDK's own view of its two workers (WorkerStatus): healthy only
// while both run and their pollers poll. What GET /healthz of WORKER_HEALTH_PORT answers (health-server.ts).
import { type WorkerStatus } from '@temporalio/worker';

export type WorkerHealthStatus = 'starting' | 'running' | 'draining' | 'stopped' | 'failed';

export interface WorkerHealth {
  status: WorkerHealthStatus;
  /** What is not running, and why; absent when healthy. */
  reason?: string;
  /** Each worker's run state and activities in flight, once the workers exist. */
  workers?: Record<string, { runState: WorkerStatus['runState']; activitiesInFlight: number }>;
}

/** The process's both workers: `main` polls workflows and activities, `flinks` activities only. */
export interface WorkerStatuses {
  main: WorkerStatus;
  flinks: WorkerStatus;
}

export function isHealthy(health: WorkerHealth): boolean {
  return health.status === 'running';
}

/** Before the workers exist (bundling the workflows, connecting to Temporal, creating the workers). */
export function startingHealth(doing: string): WorkerHealth {
  return { status: 'starting', reason: `starting: ${doing}` };
}

// The worst status wins: one failed worker makes the process failed, whatever the other does; one still draining
// while the other has stopped makes it draining (a shutdown under way).
const SEVERITY: readonly WorkerHealthStatus[] = ['running', 'starting', 'stopped', 'draining', 'failed'];

export function assessWorkers(statuses: WorkerStatuses): WorkerHealth {
  const assessed = [
    assessWorker('main', statuses.main, true),
    assessWorker('flinks', statuses.flinks, false),
  ];
  const status = assessed.reduce<WorkerHealthStatus>(
    (worst, { status }) => (SEVERITY.indexOf(status) > SEVERITY.indexOf(worst) ? status : worst),
    'running',
  );
  const reasons = assessed.flatMap(({ reason }) => (reason === undefined ? [] : [reason]));
  return {
    status,
    ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}),
    workers: Object.fromEntries(
      Object.entries(statuses).map(([name, s]) => [
        name,
        { runState: s.runState, activitiesInFlight: s.numInFlightActivities },
      ]),
    ),
  };
}

function assessWorker(
  name: string,
  status: WorkerStatus,
  pollsWorkflows: boolean,
): { status: WorkerHealthStatus; reason?: string } {
  const count = status.numInFlightActivities;
  const inFlight = `${count} ${count === 1 ? 'activity' : 'activities'} in flight`;
  switch (status.runState) {
    case 'INITIALIZED':
      return { status: 'starting', reason: `starting: the ${name} worker has not started polling yet` };
    case 'STOPPING':
    case 'DRAINING':
    case 'DRAINED':
      // SIGTERM or SIGINT: in-flight activities get WORKER_SHUTDOWN_GRACE, then are cancelled and handed back.
      return {
        status: 'draining',
        reason: `draining: the ${name} worker is shutting down (${status.runState}, ${inFlight})`,
      };
    case 'STOPPED':
      return { status: 'stopped', reason: `stopped: the ${name} worker has stopped` };
    case 'FAILED':
      return { status: 'failed', reason: `failed: the ${name} worker has failed (see the worker's log)` };
    case 'RUNNING':
      break;
  }
  const pollers = new Map([['activity', status.activityPollerState]]);
  if (pollsWorkflows) pollers.set('workflow', status.workflowPollerState);
  for (const [kind, state] of pollers) {
    if (state === 'FAILED') {
      return { status: 'failed', reason: `failed: the ${name} worker's ${kind} poller has failed` };
    }
    if (state !== 'POLLING') {
      return { status: 'draining', reason: `draining: the ${name} worker's ${kind} poller has shut down` };
    }
  }
  return { status: 'running' };
}
