// Bytes that request bodies hold in memory, across requests: each body has its own limit, but many bodies at once
// (a burst of large webhooks, or slow senders each holding a connection) could still exhaust the process.
import { ServerBusyError } from './http-errors';

/** What one request holds: it grows as its body is known or arrives, and gives everything back on release. */
export interface ByteReservation {
  /** Holds `totalBytes` for this request (no-op when it holds that much already); ServerBusyError when over. */
  hold(totalBytes: number): void;
  release(): void;
}

export class ByteBudget {
  private used = 0;

  /** `what` names the setting in the 503's message (e.g. WEBHOOK_IN_FLIGHT_LIMIT). */
  constructor(
    readonly limitBytes: number,
    private readonly what: string,
  ) {}

  get usedBytes(): number {
    return this.used;
  }

  reserve(): ByteReservation {
    let held = 0;
    let released = false;
    return {
      hold: (totalBytes) => {
        if (released || totalBytes <= held) return;
        if (this.used + totalBytes - held > this.limitBytes) {
          throw new ServerBusyError(
            `Too many bytes in flight: other requests already hold ${this.used} of ${this.what} ` +
              `(${this.limitBytes} bytes); nothing was read or stored. Retry in a few seconds.`,
          );
        }
        this.used += totalBytes - held;
        held = totalBytes;
      },
      release: () => {
        if (released) return;
        released = true;
        this.used -= held;
        held = 0;
      },
    };
  }
}
