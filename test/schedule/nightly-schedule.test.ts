// The nightly schedule on the dev server: applying is idempotent, updates in place, and never unpauses.
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { InvalidTimeOfDayError } from '../../src/domain/time-of-day';
import { applySchedule, describeSchedule, NIGHTLY_SCHEDULE_ID } from '../../src/schedule';
import { connectToDevServer } from '../harness/dev-server';
import { deleteNightlySchedule } from './schedule-helpers';

let env: TestWorkflowEnvironment;
const options = { taskQueue: 'schedule-test-queue', flinksTaskQueue: 'schedule-test-queue-flinks' };

beforeAll(async () => {
  env = await connectToDevServer();
  await deleteNightlySchedule(env.client);
});

afterAll(async () => {
  await deleteNightlySchedule(env.client);
  await env?.teardown();
});

async function schedulesNamed(id: string): Promise<number> {
  let n = 0;
  for await (const schedule of env.client.schedule.list()) if (schedule.scheduleId === id) n += 1;
  return n;
}

test('applying twice leaves one schedule: daily 08:30 UTC, overlap skip, a catch-up window, a small jitter', async () => {
  expect(await applySchedule(env.client, options)).toEqual({
    scheduleId: NIGHTLY_SCHEDULE_ID,
    created: true,
    paused: false,
  });
  expect(await applySchedule(env.client, options)).toEqual({
    scheduleId: NIGHTLY_SCHEDULE_ID,
    created: false,
    paused: false,
  });
  expect(await schedulesNamed(NIGHTLY_SCHEDULE_ID)).toBe(1);

  const description = await env.client.schedule.getHandle(NIGHTLY_SCHEDULE_ID).describe();
  expect(description.policies).toMatchObject({
    overlap: 'SKIP',
    catchupWindow: 4 * 3_600_000,
    pauseOnFailure: false,
  });
  expect(description.spec.jitter).toBe(5 * 60_000);
  expect(description.action).toMatchObject({
    type: 'startWorkflow',
    workflowType: 'nightlyRoutine',
    workflowId: NIGHTLY_SCHEDULE_ID,
    taskQueue: 'schedule-test-queue',
    // Paced (ROUTINE_PACING): one shard at a time, 2 signals in flight.
    args: [{ shardConcurrency: 1, signalConcurrency: 2, flinksTaskQueue: 'schedule-test-queue-flinks' }],
  });
  const view = await describeSchedule(env.client);
  expect(view).toMatchObject({ when: 'daily at 08:30 UTC (jitter 5m)', paused: false, overlap: 'SKIP' });
  // Next runs include the jitter: 08:30 to 08:35.
  const next = new Date(view.nextRuns[0] as string);
  expect(next.getUTCHours()).toBe(8);
  expect(next.getUTCMinutes()).toBeGreaterThanOrEqual(30);
  expect(next.getUTCMinutes()).toBeLessThan(35);
});

test('a paused schedule stays paused, with its note, when applied again with a new time', async () => {
  const handle = env.client.schedule.getHandle(NIGHTLY_SCHEDULE_ID);
  await handle.pause('paused by an operator during a Flinks incident');

  const applied = await applySchedule(env.client, {
    ...options,
    time: '09:15',
    routineInput: { maxDataAge: '12 hours' },
  });

  expect(applied).toEqual({ scheduleId: NIGHTLY_SCHEDULE_ID, created: false, paused: true });
  const view = await describeSchedule(env.client);
  expect(view).toMatchObject({
    paused: true,
    note: 'paused by an operator during a Flinks incident',
    when: 'daily at 09:15 UTC (jitter 5m)',
  });
  expect((await handle.describe()).action).toMatchObject({
    args: [{ maxDataAge: '12 hours', flinksTaskQueue: 'schedule-test-queue-flinks' }],
  });
  expect(await schedulesNamed(NIGHTLY_SCHEDULE_ID)).toBe(1);

  await handle.unpause('incident over');
  expect(await applySchedule(env.client, options)).toMatchObject({ paused: false });
});

test('refuses a time that is not HH:MM, naming it, before calling the server', async () => {
  await expect(applySchedule(env.client, { ...options, time: '8.30' })).rejects.toThrow(
    InvalidTimeOfDayError,
  );
  await expect(applySchedule(env.client, { ...options, time: '8.30' })).rejects.toThrow(
    "not a UTC time of day: '8.30'",
  );
});
