// Keeps one process's Flinks request budget at its share of FLINKS_MAX_RPS as Flinks workers come and go.
import { type RateLimiter } from '../flinks';
import {
  FLEET_FLOOR_RPS,
  FLEET_TIMING,
  type FleetPoller,
  type FleetState,
  type FleetTiming,
  type FleetView,
  fleetOversubscribed,
  fleetShare,
  fleetState,
  fleetStateChangesAtMs,
  fleetViewTrustMs,
  NEW_FLEET_VIEW,
  observeFleet,
  observePresence,
} from './flinks-rate';

export interface FleetGateOptions {
  /** The gate every Flinks request of this process goes through. */
  limiter: RateLimiter;
  /** FLINKS_MAX_RPS: the whole fleet's budget. */
  maxRps: number;
  /** This process's poller identity on the Flinks queue and the presence queue. */
  self: string;
  /** The pollers of the Flinks queue and of the fleet's presence queue, as Temporal lists them. */
  listPollers(): Promise<FleetPoller[]>;
  /** One presence poll as `self`, held open by the server for a few seconds: resolves once it is answered. */
  announce(): Promise<void>;
  log(level: 'info' | 'warn', message: string, fields: Record<string, unknown>): void;
  timing?: FleetTiming;
  now?: () => number;
}

/** While joining, looks again soon: the first presence poll shows up within milliseconds. */
const JOINING_LOOK_MS = 250;
/** Between two presence polls at least this long: a server answering at once never makes a busy loop. */
const ANNOUNCE_SPACING_MS = 1_000;

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class FlinksFleetGate {
  private view: FleetView = NEW_FLEET_VIEW;
  private lookTimer: NodeJS.Timeout | null = null;
  private changeTimer: NodeJS.Timeout | null = null;
  private stopped = true;
  private lastShare: number | null = null;
  private lastMembers: number | null = null;
  private lastState: FleetState = 'joining';
  /** The listing's or the presence poll's failure since the last success: each is logged once, not per try. */
  private listingError: string | null = null;
  private announceError: string | null = null;
  private readonly timing: FleetTiming;
  private readonly now: () => number;

  /** Holds every request at once: nothing is sent before the first look at the fleet. */
  constructor(private readonly options: FleetGateOptions) {
    this.timing = options.timing ?? FLEET_TIMING;
    this.now = options.now ?? Date.now;
    options.limiter.setMaxRps(0);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.announceWhileRunning();
    void this.look();
  }

  /** Stops looking and announcing; a presence poll in flight ends on its own within seconds. */
  stop(): void {
    this.stopped = true;
    for (const timer of [this.lookTimer, this.changeTimer]) if (timer) clearTimeout(timer);
    this.lookTimer = null;
    this.changeTimer = null;
  }

  private async announceWhileRunning(): Promise<void> {
    while (!this.stopped) {
      const startedAtMs = this.now();
      const answered = await this.options.announce().then(
        () => true,
        (error: unknown) => {
          if (this.announceError === null && !this.stopped) {
            this.options.log('warn', 'Presence poll on the Flinks fleet queue failed; retrying', {
              error: errorText(error),
            });
          }
          this.announceError = errorText(error);
          return false;
        },
      );
      if (this.stopped) return;
      if (answered) {
        if (this.announceError !== null) this.options.log('info', 'Presence poll answered again', {});
        this.announceError = null;
        this.view = observePresence(this.view, startedAtMs);
        this.apply();
      }
      const wait = startedAtMs + ANNOUNCE_SPACING_MS - this.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait).unref());
    }
  }

  private async look(): Promise<void> {
    const askedAtMs = this.now();
    const pollers = await this.options.listPollers().then(
      (listed) => {
        if (this.listingError !== null && !this.stopped) {
          this.options.log('info', 'Listing the Flinks queue pollers again', {});
        }
        this.listingError = null;
        return listed;
      },
      (error: unknown) => {
        if (this.listingError === null && !this.stopped) {
          this.options.log(
            'warn',
            'Could not list the Flinks queue pollers; the count stands until it expires',
            {
              error: errorText(error),
              ...(this.view.countedAtMs !== null
                ? {
                    countExpiresAt: new Date(
                      this.view.countedAtMs + fleetViewTrustMs(this.timing),
                    ).toISOString(),
                  }
                : {}),
            },
          );
        }
        this.listingError = errorText(error);
        return null;
      },
    );
    if (this.stopped) return;
    const before = this.view;
    this.view = observeFleet(
      this.view,
      { self: this.options.self, pollers, atMs: this.now(), askedAtMs },
      this.timing,
    );
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
    this.lookTimer = setTimeout(
      () => {
        this.lookTimer = null;
        void this.look();
      },
      this.view.joinedAtMs === null ? JOINING_LOOK_MS : this.timing.refreshMs,
    );
    this.lookTimer.unref();
  }

  /** Sets the limiter to the share the view gives now, and comes back when that share changes by itself. */
  private apply(): void {
    if (this.stopped) return;
    const now = this.now();
    const state = fleetState(this.view, now, this.timing);
    const share = fleetShare(this.view, this.options.maxRps, now, this.timing);
    this.logStateChange(state);
    const members = this.view.members;
    if (share !== this.lastShare || members !== this.lastMembers) {
      this.lastShare = share;
      this.lastMembers = members;
      this.options.limiter.setMaxRps(share);
      const { joinedAtMs, holdUntilMs } = this.view;
      this.options.log('info', 'Flinks request budget of this process', {
        requestsPerSecond: share,
        processes: members,
        fleetMaxRps: this.options.maxRps,
        fleet: state,
        ...(joinedAtMs !== null && state === 'warming-up'
          ? { warmingUpUntil: new Date(holdUntilMs).toISOString() }
          : {}),
      });
    }
    if (this.changeTimer) clearTimeout(this.changeTimer);
    this.changeTimer = null;
    const changesAt = fleetStateChangesAtMs(this.view, now, this.timing);
    if (changesAt === null) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = null;
      this.apply();
    }, changesAt - now);
    this.changeTimer.unref();
  }

  /** A warning once when the budget falls back, a line when it recovers: never one per look. */
  private logStateChange(state: FleetState): void {
    const before = this.lastState;
    this.lastState = state;
    if (state === before) return;
    if (state === 'fleet-unknown') {
      this.options.log(
        'warn',
        `Flinks fleet unknown (its pollers cannot be listed): this process sends at most ${FLEET_FLOOR_RPS} request a second until they can`,
        { error: this.listingError, processesLastCounted: this.view.members },
      );
    } else if (state === 'presence-lost') {
      this.options.log(
        'warn',
        'Presence on the Flinks fleet queue not recorded for too long: this process sends nothing until it is',
        { error: this.announceError },
      );
    } else if (state === 'counted' && (before === 'fleet-unknown' || before === 'presence-lost')) {
      this.options.log('info', 'Flinks fleet counted again', { processes: this.view.members });
    }
  }
}
