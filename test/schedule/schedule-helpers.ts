import { type Client } from '@temporalio/client';
import { NIGHTLY_SCHEDULE_ID } from '../../src/schedule';

/** Suites share the dev server and the schedule's fixed ID: each starts from no schedule and leaves none. */
export async function deleteNightlySchedule(client: Client): Promise<void> {
  await client.schedule
    .getHandle(NIGHTLY_SCHEDULE_ID)
    .delete()
    .catch(() => undefined);
}
