export type ClockSource = () => number | Promise<number>;

/**
 * The simulator's notion of "now". Either borrowed (the `clock` option, e.g. a time-skipping test
 * server's `currentTimeMs()`), or owned: a virtual clock that starts at real now, keeps ticking
 * with real time, and can be advanced or set through the admin API.
 */
export class SimClock {
  private offsetMs = 0;

  private constructor(private readonly source: ClockSource | null) {}

  static owned(): SimClock {
    return new SimClock(null);
  }

  static borrowed(source: ClockSource): SimClock {
    return new SimClock(source);
  }

  get owned(): boolean {
    return this.source === null;
  }

  async now(): Promise<number> {
    if (this.source === null) return Date.now() + this.offsetMs;
    const value = await this.source();
    if (!Number.isFinite(value)) throw new Error(`clock option returned ${String(value)}, not a number of ms`);
    return value;
  }

  /** Moves an owned clock forward by `ms`; returns the new now. */
  advance(ms: number): number {
    this.assertOwned();
    this.offsetMs += ms;
    return Date.now() + this.offsetMs;
  }

  /** Sets an owned clock to `ms` (it keeps ticking from there); returns the new now. */
  set(ms: number): number {
    this.assertOwned();
    this.offsetMs = ms - Date.now();
    return ms;
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
