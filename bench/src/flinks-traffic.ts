// Follows the simulator's request log during a run: how many Flinks requests so far, which cards Flinks has
// heard about, and how long since the last request. The log (sized for the whole run) is cheap to copy; the
// counters snapshot is not (a deep clone of every card's counts, ~40 ms at 10,000 cards).
import { type Simulator } from '../../src/simulator';

const POLL_MS = 500;

export class FlinksTraffic {
  private seen = 0;
  /** Entries before this one are answered, so their loginId is final. */
  private scanFrom = 0;
  private lastChangeAt = Date.now();
  readonly cards = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly sim: Simulator) {}

  start(): this {
    this.timer = setInterval(() => void this.poll(), POLL_MS);
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get requests(): number {
    return this.seen;
  }

  /** Resolves once no request has arrived for `ms` (or at the deadline). */
  async quiet(ms: number, deadline: number): Promise<void> {
    while (Date.now() - this.lastChangeAt < ms && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async poll(): Promise<void> {
    const log = await this.sim.admin.requestLog();
    // A request learns its loginId once handled, after the simulated latency: look again until answered.
    for (let i = this.scanFrom; i < log.length; i++) {
      const entry = log[i];
      if (entry?.loginId !== undefined) this.cards.add(entry.loginId);
      if (entry?.status !== 0 && i === this.scanFrom) this.scanFrom += 1;
    }
    if (log.length === this.seen) return;
    this.seen = log.length;
    this.lastChangeAt = Date.now();
  }
}
