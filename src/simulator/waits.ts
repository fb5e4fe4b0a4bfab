import { type ServerResponse } from 'node:http';

/**
 * Timers the server can cut short: latency and hang faults hold requests, and close() must not
 * wait for them (nor leave them keeping the process alive).
 */
export class Waits {
  private readonly pending = new Set<() => void>();
  private closed = false;

  /** Resolves true after `ms`, or false as soon as the server closes or the client goes away. */
  wait(ms: number, res: ServerResponse): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(!this.closed);
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (completed: boolean) => {
        clearTimeout(timer);
        this.pending.delete(cancel);
        res.off('close', cancel);
        resolve(completed);
      };
      const cancel = () => finish(false);
      const timer = setTimeout(() => finish(true), ms);
      this.pending.add(cancel);
      res.once('close', cancel);
    });
  }

  cancelAll(): void {
    this.closed = true;
    for (const cancel of [...this.pending]) cancel();
  }
}
