import { randomUUID } from 'node:crypto';

const SWEEP_EVERY = 256;

/** Authorize tokens: single-use, and they lapse when unused for `ttlMs` (Flinks: 30 minutes). */
export class TokenStore {
  private readonly issuedAt = new Map<string, number>();
  private issuedSinceSweep = 0;

  constructor(private readonly ttlMs: number) {}

  issue(now: number): string {
    this.sweepSometimes(now);
    const token = randomUUID();
    this.issuedAt.set(token, now);
    return token;
  }

  /** True exactly once per issued, unexpired token. */
  consume(token: string, now: number): boolean {
    const at = this.issuedAt.get(token);
    if (at === undefined) return false;
    this.issuedAt.delete(token);
    return now - at <= this.ttlMs;
  }

  private sweepSometimes(now: number): void {
    this.issuedSinceSweep += 1;
    if (this.issuedSinceSweep < SWEEP_EVERY) return;
    this.issuedSinceSweep = 0;
    for (const [token, at] of this.issuedAt) {
      if (now - at > this.ttlMs) this.issuedAt.delete(token);
    }
  }
}
