export type ClockSource = () => number | Promise<number>;

/**
 * The simulator's notion of "now". Either borrowed (the `clock` option, e.g. a time-skipping test
 * server's `currentTimeMs()`), or owned: a virtual clock that starts at real now and can be advanced
 * or set through the admin API. An owned clock keeps ticking with real time unless `ticks` is false
 * (then it moves only when told to, which makes exact timestamps assertable).
 */
export class SimClock {
  private offsetMs = 0;
  private readonly startedAt = Date.now();

  private constructor(
    private readonly source: ClockSource | null,
    private readonly ticks: boolean,
  ) {}

  static owned(ticks: boolean): SimClock {
    return new SimClock(null, ticks);
  }

  static borrowed(source: ClockSource): SimClock {
    return new SimClock(source, true);
  }

  get owned(): boolean {
    return this.source === null;
  }

  async now(): Promise<number> {
    if (this.source === null) return this.ownedNow();
    const value = await this.source();
    if (!Number.isFinite(value)) throw new Error(`clock option returned ${String(value)}, not a number of ms`);
    return value;
  }

  /** Moves an owned clock forward by `ms`; returns the new now. */
  advance(ms: number): number {
    this.assertOwned();
    this.offsetMs += ms;
    return this.ownedNow();
  }

  /** Sets an owned clock to `ms` (a ticking one goes on from there); returns the new now. */
  set(ms: number): number {
    this.assertOwned();
    this.offsetMs = ms - this.base();
    return ms;
  }

  private ownedNow(): number {
    return this.base() + this.offsetMs;
  }

  private base(): number {
    return this.ticks ? Date.now() : this.startedAt;
  }

  private assertOwned(): void {
    if (this.source !== null) {
      throw new ClockNotOwnedError();
    }
  }
}

export class ClockNotOwnedError extends Error {
  constructor() {
    super('the simulator was started with a `clock` option; move that clock instead');
    this.name = 'ClockNotOwnedError';
  }
}
