// `--demo-clock 5m`: a "night" every few minutes. The simulator runs Flinks' nightly job for every card, then the
// routine runs as the schedule would at 08:30 UTC, so an afternoon shows several nights. Real time stays the default.
import { type Client } from '@temporalio/client';
import { type FlinksLogger } from '../flinks';
import { runRoutineNow } from '../schedule';
import { type Simulator } from '../simulator';

export interface DemoClockDeps {
  client: Client;
  sim: Simulator;
  taskQueue: string;
  flinksTaskQueue: string;
  everyMs: number;
  log: FlinksLogger;
  /** After each night, for the table's footer. */
  onNight?: (night: number, at: Date) => void;
}

export interface DemoClock {
  stop(): void;
}

export function startDemoClock(deps: DemoClockDeps): DemoClock {
  let night = 0;
  let running = false;
  const tick = async (): Promise<void> => {
    // A night still running (a slow routine) is not stacked with another.
    if (running) return;
    running = true;
    try {
      night += 1;
      const at = new Date();
      await deps.sim.admin.runNightlyJob();
      // Each demo night is its own routine: the default routineId is per UTC day and would run only once.
      const { routineId } = await runRoutineNow(deps.client, {
        taskQueue: deps.taskQueue,
        flinksTaskQueue: deps.flinksTaskQueue,
        routineId: `demo-night-${night}-${at.toISOString()}`,
      });
      deps.log.info('demo night', { night, routineId });
      deps.onNight?.(night, at);
    } catch (error) {
      deps.log.error('demo night failed', {
        night,
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), deps.everyMs);
  return { stop: () => clearInterval(timer) };
}
