// Card lives that cover every path of cardLifecycle: recorded as histories for the replay test
// (scripts/record-histories.ts) so that a workflow change that breaks running cards fails CI.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { DAY_MS, HOUR_MS } from '../../src/domain/time';
import { type cardLifecycle } from '../../src/workflows/card-lifecycle';
import {
  disconnectSignal,
  nightlyStatusSignal,
  reconnectedSignal,
  refreshNowUpdate,
  setScheduledRefreshSignal,
  stateQuery,
  webhookRefreshSignal,
} from '../../src/workflows/definitions';
import { type CardWorld, eventually, floodWithMalformedSignals } from '../workflows/card-env';

type CardHandle = WorkflowHandleWithFirstExecutionRunId<typeof cardLifecycle>;

export interface CardScenario {
  name: string;
  /** Drives one card through a path and leaves it closed (completed or continued-as-new) or idle. */
  run(world: CardWorld): Promise<CardHandle>;
}

const newCard = async (
  world: CardWorld,
  scenario: Parameters<CardWorld['sim']['admin']['createCard']>[0]['scenario'],
) => (await world.sim.admin.createCard({ scenario })).loginId;

export const cardScenarios: CardScenario[] = [
  {
    name: 'card-routine-and-keep-alive',
    async run(world) {
      const handle = await world.startCard({
        loginId: await newCard(world, 'healthy'),
        institution: 'FlinksCapital',
      });
      for (let day = 1; day <= 3; day++) {
        await world.env.sleep(DAY_MS);
        await handle.signal(nightlyStatusSignal, { routineId: `r-${day}`, ineligible: null });
      }
      await handle.signal(nightlyStatusSignal, { routineId: 'r-3', ineligible: null });
      await handle.signal(nightlyStatusSignal, {
        routineId: 'r-4',
        ineligible: { lastRefreshDate: null, lastRefreshState: null, lastRefreshErrorCode: 'RETRY_LATER' },
      });
      await handle.signal(nightlyStatusSignal, { routineId: 'r-5', ineligible: null, maxDataAgeMs: 1000 });
      await world.env.sleep(12 * DAY_MS);
      return handle;
    },
  },
  {
    name: 'card-lapse-and-manual-refresh',
    async run(world) {
      const loginId = await newCard(world, 'healthy');
      const handle = await world.startCard({ loginId });
      await world.env.sleep(DAY_MS);
      await world.sim.admin.setScenario(loginId, 'retry-later');
      await world.env.sleep(8 * DAY_MS);
      await handle.signal(nightlyStatusSignal, {
        routineId: 'listed',
        ineligible: {
          lastRefreshDate: null,
          lastRefreshState: 'Failed',
          lastRefreshErrorCode: 'INVALID_REQUEST',
        },
      });
      await eventually(
        () => handle.query(stateQuery),
        (v) => v.lastRoutineId === 'listed' && v.status !== 'refreshing',
      );
      return handle;
    },
  },
  {
    name: 'card-mfa-reconnect-and-abandon',
    async run(world) {
      const loginId = await newCard(world, 'mfa-on-live');
      const handle = await world.startCard({ loginId });
      const first = await handle.executeUpdate(refreshNowUpdate, { args: [{}] });
      await handle.executeUpdate(refreshNowUpdate, { args: [{}] });
      const { requestId } = await world.sim.admin.completeUserReconnect(loginId, first.requestId);
      await handle.signal(reconnectedSignal, { requestId });
      await eventually(
        () => handle.query(stateQuery),
        (v) => v.status === 'scheduled',
      );
      await handle.signal(nightlyStatusSignal, {
        routineId: 'mfa',
        ineligible: {
          lastRefreshDate: null,
          lastRefreshState: 'AnsweringSecurityChallenge',
          lastRefreshErrorCode: null,
        },
      });
      await world.env.sleep(31 * DAY_MS);
      const again = await world.sim.admin.completeUserReconnect(loginId);
      await handle.signal(reconnectedSignal, { requestId: again.requestId });
      await eventually(
        () => handle.query(stateQuery),
        (v) => v.status === 'scheduled',
      );
      return handle;
    },
  },
  {
    // Scheduled refresh turned off while an MFA session is open: a Refresh press resumes that session (B11).
    name: 'card-mfa-unscheduled-resume',
    async run(world) {
      const loginId = await newCard(world, 'mfa-on-live');
      const handle = await world.startCard({ loginId });
      const first = await handle.executeUpdate(refreshNowUpdate, { args: [{}] });
      await handle.signal(setScheduledRefreshSignal, { enabled: false });
      await eventually(
        () => handle.query(stateQuery),
        (v) => v.status === 'unscheduled',
      );
      const again = await handle.executeUpdate(refreshNowUpdate, { args: [{}] });
      if (again.requestId !== first.requestId) {
        throw new Error(`Refresh mid-MFA opened session ${again.requestId}, not ${first.requestId}`);
      }
      const { requestId } = await world.sim.admin.completeUserReconnect(loginId, first.requestId);
      await handle.signal(reconnectedSignal, { requestId });
      await eventually(
        () => handle.query(stateQuery),
        (v) => v.pendingRequestId === null && v.status !== 'refreshing',
      );
      return handle;
    },
  },
  {
    name: 'card-commands-and-disconnect',
    async run(world) {
      const loginId = await newCard(world, 'disabled-institution');
      const handle = await world.startCard({ loginId });
      await handle.executeUpdate(refreshNowUpdate, { args: [{}] });
      await handle.signal(setScheduledRefreshSignal, { enabled: false });
      await handle.signal(setScheduledRefreshSignal, { enabled: true });
      await handle.signal(webhookRefreshSignal, {
        requestId: 'wh',
        lastRefresh: new Date(await world.now()).toISOString(),
      });
      const raw = world.env.client.workflow.getHandle(handle.workflowId);
      await raw.signal('reconnected', { requestId: 42 });
      await handle.signal(disconnectSignal, { deleteData: true });
      await handle.result();
      return handle;
    },
  },
  {
    // The default threshold (250 events, under SHORT_RUNS_PATCH): malformed signals until the card moves on.
    name: 'card-short-runs',
    async run(world) {
      const loginId = await newCard(world, 'healthy');
      const handle = await world.startCard({ loginId });
      await floodWithMalformedSignals(world, handle.workflowId, 300);
      await world.env.sleep(HOUR_MS);
      return handle;
    },
  },
  {
    name: 'card-continue-as-new',
    async run(world) {
      const loginId = await newCard(world, 'healthy');
      const handle = await world.startCard({ loginId, policy: { continueAsNewAfterEvents: 40 } });
      const raw = world.env.client.workflow.getHandle(handle.workflowId);
      await Promise.all(Array.from({ length: 40 }, (_, i) => raw.signal('nightlyStatus', { routineId: i })));
      await eventually(
        () => handle.query(stateQuery),
        (v) => v.malformedMessages.count === 40,
      );
      await world.env.sleep(HOUR_MS);
      return handle;
    },
  },
  {
    // The sink refuses (its root is a file) from the day-5 look on: redeliveries on their own backoff, then delivered;
    // and another login's requestId, refused.
    name: 'card-sink-outage',
    async run(world) {
      const loginId = await newCard(world, 'healthy');
      const other = await newCard(world, 'healthy');
      const handle = await world.startCard({ loginId });
      await rm(world.sinkDir, { recursive: true, force: true });
      await writeFile(world.sinkDir, 'not a directory');
      try {
        await world.env.sleep(5 * DAY_MS + 3 * HOUR_MS);
      } finally {
        await rm(world.sinkDir, { force: true });
        await mkdir(world.sinkDir, { recursive: true });
      }
      await world.env.sleep(7 * HOUR_MS);
      await eventually(
        () => handle.query(stateQuery),
        (v) => v.deliveryPending === null,
      );
      const { requestId } = await world.sim.admin.completeUserReconnect(other);
      await handle.signal(reconnectedSignal, { requestId });
      await eventually(
        () => handle.query(stateQuery),
        (v) => v.lastError?.code === 'REQUEST_ID_LOGIN_MISMATCH',
      );
      return handle;
    },
  },
];
