// Keeps one process's Flinks request budget at its share of FLINKS_MAX_RPS as Flinks workers come and go.
import { type RateLimiter } from '../flinks';
import {
  FLEET_TIMING,
  type FleetPoller,
  type FleetTiming,
  type FleetView,
  fleetOversubscribed,
  fleetShare,
  NEW_FLEET_VIEW,
  observeFleet,
} from './flinks-rate';

export interface FleetGateOptions {
  /** The gate every Flinks request of this process goes through. */
  limiter: RateLimiter;
  /** FLINKS_MAX_RPS: the whole fleet's budget. */
  maxRps: number;
  /** This process's poller identity on the Flinks queue. */
  self: string;
  /** The Flinks queue's pollers, as Temporal lists them. */
  listPollers(): Promise<FleetPoller[]>;
  log(level: 'info' | 'warn', message: string, fields: Record<string, unknown>): void;
  timing?: FleetTiming;
  now?: () => number;
}

/** While joining, looks again soon: the worker's first poll shows up within milliseconds. */
const JOINING_LOOK_MS = 250;

export class FlinksFleetGate {
  private view: FleetView = NEW_FLEET_VIEW;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private lastShare: number | null = null;
  private lastMembers: number | null = null;
  private readonly timing: FleetTiming;
  private readonly now: () => number;

  /** Holds every request at once: nothing is sent before the first look at the fleet. */
  constructor(private readonly options: FleetGateOptions) {
    this.timing = options.timing ?? FLEET_TIMING;
    this.now = options.now ?? Date.now;
    options.limiter.setMaxRps(0);
  }

  start(): void {
    this.stopped = false;
    void this.look();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async look(): Promise<void> {
    const pollers = await this.options.listPollers().catch((error: unknown) => {
      this.options.log('warn', 'Could not list the Flinks queue pollers; the request budget stands', {
        error: error instanceof Error ? error.message : String(error),
      });
      return null;
    });
    if (this.stopped) return;
    const before = this.view;
    this.view = observeFleet(this.view, { self: this.options.self, pollers, atMs: this.now() }, this.timing);
    if (this.view.members !== before.members && fleetOversubscribed(this.view, this.options.maxRps)) {
      this.options.log(
        'warn',
        'More Flinks worker processes than FLINKS_MAX_RPS: each sends 1 request a second',
        {
          processes: this.view.members,
          maxRps: this.options.maxRps,
        },
      );
    }
    this.apply();
    this.schedule();
  }

  private apply(): void {
    const share = fleetShare(this.view, this.options.maxRps, this.now());
    const members = this.view.members;
    if (share === this.lastShare && members === this.lastMembers) return;
    this.lastShare = share;
    this.lastMembers = members;
    this.options.limiter.setMaxRps(share);
    const { joinedAtMs, holdUntilMs } = this.view;
    this.options.log('info', 'Flinks request budget of this process', {
      requestsPerSecond: share,
      processes: members,
      fleetMaxRps: this.options.maxRps,
      ...(joinedAtMs !== null && share === 0 ? { warmingUpUntil: new Date(holdUntilMs).toISOString() } : {}),
    });
  }

  private schedule(): void {
    if (this.stopped) return;
    // A warm-up ends between two looks: look again right then, so the budget opens on time.
    const untilHoldEnds = this.view.holdUntilMs - this.now();
    const next =
      this.view.joinedAtMs === null
        ? JOINING_LOOK_MS
        : untilHoldEnds > 0
          ? Math.min(this.timing.refreshMs, untilHoldEnds)
          : this.timing.refreshMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.look();
    }, next);
    this.timer.unref();
  }
}
