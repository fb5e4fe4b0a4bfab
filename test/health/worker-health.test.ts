// What GET /healthz says for each state of the SDK's two workers (WorkerStatus values as the SDK reports them).
import { type WorkerStatus } from '@temporalio/worker';
import { assessWorkers, isHealthy, startingHealth } from '../../src/health/worker-health';

function status(overrides: Partial<WorkerStatus> = {}): WorkerStatus {
  return {
    runState: 'RUNNING',
    workflowPollerState: 'POLLING',
    activityPollerState: 'POLLING',
    hasOutstandingWorkflowPoll: true,
    hasOutstandingActivityPoll: true,
    numInFlightWorkflowActivations: 0,
    numInFlightActivities: 0,
    numInFlightNonLocalActivities: 0,
    numInFlightLocalActivities: 0,
    numCachedWorkflows: 0,
    numHeartbeatingActivities: 0,
    ...overrides,
  };
}
// The Flinks worker registers no workflows: the SDK reports its workflow poller SHUTDOWN from the start.
const flinksRunning = status({ workflowPollerState: 'SHUTDOWN' });

test('healthy only while both run and poll', () => {
  const health = assessWorkers({ main: status(), flinks: flinksRunning });
  expect(health).toEqual({
    status: 'running',
    workers: {
      main: { runState: 'RUNNING', activitiesInFlight: 0 },
      flinks: { runState: 'RUNNING', activitiesInFlight: 0 },
    },
  });
  expect(isHealthy(health)).toBe(true);
});

test.each<[string, Partial<Record<'main' | 'flinks', Partial<WorkerStatus>>>, string, RegExp]>([
  [
    'created, not yet run',
    { main: { runState: 'INITIALIZED' } },
    'starting',
    /the main worker has not started/,
  ],
  [
    'shutting down with an activity in flight',
    { main: { runState: 'STOPPED' }, flinks: { runState: 'STOPPING', numInFlightActivities: 1 } },
    'draining',
    /the flinks worker is shutting down \(STOPPING, 1 activity in flight\)/,
  ],
  [
    'both stopped',
    { main: { runState: 'STOPPED' }, flinks: { runState: 'STOPPED' } },
    'stopped',
    /has stopped/,
  ],
  [
    'one failed, one draining',
    { main: { runState: 'FAILED' }, flinks: { runState: 'DRAINING' } },
    'failed',
    /main worker has failed/,
  ],
  [
    "the main worker's workflow poller failed",
    { main: { workflowPollerState: 'FAILED' } },
    'failed',
    /main worker's workflow poller has failed/,
  ],
  [
    "the flinks worker's activity poller shut down",
    { flinks: { activityPollerState: 'SHUTDOWN' } },
    'draining',
    /flinks worker's activity poller has shut down/,
  ],
])('%s: %s', (_what, overrides, expected, reason) => {
  const health = assessWorkers({
    main: status(overrides.main),
    flinks: { ...flinksRunning, ...overrides.flinks },
  });
  expect(health).toMatchObject({ status: expected, reason: expect.stringMatching(reason) });
  expect(isHealthy(health)).toBe(false);
});

test('before the workers exist it is starting, saying what it does', () => {
  expect(startingHealth('connecting to Temporal at temporal:7233')).toEqual({
    status: 'starting',
    reason: 'starting: connecting to Temporal at temporal:7233',
  });
});
