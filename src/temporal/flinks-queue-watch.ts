// Says loudly, in the worker's log, when Flinks activities wait on a task queue that no worker polls: a card
// started on another queue, or FLINKS_TASK_QUEUE set on one side only, would otherwise wait forever in silence.
import { type ActivityQueueHealth } from './task-queue-backlog';

export interface FlinksQueueWatchOptions {
  /** Every Flinks queue this process's cards may use: the configured one and the derived default. */
  taskQueues: readonly string[];
  health(taskQueue: string): Promise<ActivityQueueHealth>;
  log(level: 'warn' | 'error', message: string, fields: Record<string, unknown>): void;
  /** Default 60 s. */
  intervalMs?: number;
  /** A task waiting less than this may just be starting up; default 30 s. */
  graceMs?: number;
}

export const FLINKS_QUEUE_WATCH_INTERVAL_MS = 60_000;

export class FlinksQueueWatch {
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;

  constructor(private readonly options: FlinksQueueWatchOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule(Math.min(5_000, this.interval));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One look at every queue; exported for tests. Never throws: a failed look is itself logged. */
  async look(): Promise<ActivityQueueHealth[]> {
    const unpolled: ActivityQueueHealth[] = [];
    for (const taskQueue of new Set(this.options.taskQueues)) {
      try {
        const health = await this.options.health(taskQueue);
        if (isStranded(health, this.options.graceMs ?? 30_000)) {
          unpolled.push(health);
          this.options.log('error', 'Flinks activities are waiting on a task queue that no worker polls', {
            taskQueue,
            waiting: health.backlog,
            oldestWaitingSeconds: Math.round(health.oldestWaitingMs / 1000),
            fix: 'run a worker whose Flinks queue (FLINKS_TASK_QUEUE, default <TEMPORAL_TASK_QUEUE>-flinks) is this one',
          });
        }
      } catch (error) {
        this.options.log('warn', 'Could not describe a Flinks task queue', {
          taskQueue,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return unpolled;
  }

  private get interval(): number {
    return this.options.intervalMs ?? FLINKS_QUEUE_WATCH_INTERVAL_MS;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.look().finally(() => this.schedule(this.interval));
    }, delayMs);
    this.timer.unref();
  }
}

/** Work has waited past the grace period and nobody polls: it will wait forever. */
export function isStranded(health: ActivityQueueHealth, graceMs: number): boolean {
  return health.pollers === 0 && health.backlog > 0 && health.oldestWaitingMs >= graceMs;
}
