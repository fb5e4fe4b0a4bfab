import { abortReason } from './abortable-sleep';

export interface RateLimiterOptions {
  /** Requests in flight at once; unset = unlimited. */
  maxConcurrency?: number;
  /** Requests started in any sliding 1-second window (a whole number ≥ 1); unset = unlimited. */
  maxRps?: number;
  now?: () => number;
}

interface Waiter {
  grant: () => void;
}

const WINDOW_MS = 1_000;

/**
 * A FIFO gate for outgoing requests: at most `maxConcurrency` in flight and `maxRps` started per
 * second. Waiting honours an AbortSignal (the waiter leaves the queue and rejects with its reason).
 * `setMaxRps` changes the per-second budget while it runs (0 holds every request until it is raised).
 */
export class RateLimiter {
  private readonly maxConcurrency: number;
  private maxRps: number;
  private readonly now: () => number;
  private active = 0;
  private readonly recentStarts: number[] = [];
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(options: RateLimiterOptions = {}) {
    this.maxConcurrency = checkLimit('maxConcurrency', options.maxConcurrency);
    this.maxRps = checkLimit('maxRps', options.maxRps);
    this.now = options.now ?? Date.now;
  }

  /** The per-second budget now (Infinity: unlimited). */
  get requestsPerSecond(): number {
    return this.maxRps;
  }

  /**
   * A new per-second budget: a whole number ≥ 0, where 0 holds requests. Lowering it lets no new request start
   * until the last second's starts fit under it, so the new budget holds in every window from now on.
   */
  setMaxRps(value: number): void {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`RateLimiter: maxRps must be a whole number ≥ 0 (got ${value})`);
    }
    this.maxRps = value;
    this.pump();
  }

  get inFlight(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.pump();
    }
  }

  private acquire(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.queue.length === 0 && this.canStart()) {
      this.start();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        reject(abortReason(signal as AbortSignal));
        this.pump();
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      this.pump();
    });
  }

  private canStart(): boolean {
    if (this.active >= this.maxConcurrency) return false;
    this.pruneStarts();
    return this.recentStarts.length < this.maxRps;
  }

  private start(): void {
    this.active += 1;
    // Recorded even when unlimited, so a budget set later counts the starts already in its window.
    this.recentStarts.push(this.now());
  }

  private pruneStarts(): void {
    const cutoff = this.now() - WINDOW_MS;
    while (this.recentStarts.length > 0 && (this.recentStarts[0] as number) <= cutoff)
      this.recentStarts.shift();
  }

  private pump(): void {
    while (this.queue.length > 0 && this.canStart()) {
      const next = this.queue.shift() as Waiter;
      this.start();
      next.grant();
    }
    // Blocked by the per-second budget only: wake up when the oldest start leaves the window.
    // (A concurrency block is lifted by the finishing request's own pump.)
    const oldest = this.recentStarts[0];
    if (
      this.queue.length > 0 &&
      this.timer === null &&
      this.active < this.maxConcurrency &&
      this.maxRps > 0 &&
      oldest !== undefined
    ) {
      const wait = Math.max(1, oldest + WINDOW_MS - this.now() + 1);
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, wait);
    }
  }
}

function checkLimit(name: string, value: number | undefined): number {
  if (value === undefined) return Number.POSITIVE_INFINITY;
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`RateLimiter: ${name} must be a whole number ≥ 1 (got ${value})`);
  }
  return value;
}
