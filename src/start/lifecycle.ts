// A foreground command that starts many parts and runs until Ctrl-C (`npm start`, `npm run cluster`): every part
// registers how to stop it, Ctrl-C (or SIGTERM, SIGHUP, or a failure) stops them all in reverse order, a second
// Ctrl-C forces the exit after killing what must not be left behind.
import { StopStack } from './stop-stack';

export class StartError extends Error {
  override readonly name = 'StartError';
}

/** A Ctrl-C this long after the first one forces the exit. */
const FORCE_AFTER_MS = 1_500;

export interface Lifecycle {
  readonly stack: StopStack;
  /** Resolves on Ctrl-C, SIGTERM, SIGHUP or fail(). */
  readonly stopRequested: Promise<void>;
  readonly stopping: boolean;
  /** Stops everything, and makes the exit code 1 with this message (the first one wins). */
  fail(message: string): void;
  /** Throws a StartError if a stop was asked for meanwhile: call between start steps. */
  checkpoint(): void;
  /** What a forced exit (a second Ctrl-C) kills first, e.g. a server that would outlive us. */
  onForce(kill: () => void): void;
  /**
   * Records an error thrown by the start steps; returns true when it is a real failure (to log), false when it is
   * only the checkpoint of a stop that was asked for.
   */
  failed(error: unknown): boolean;
  /** Stops everything (each step reported on one line), prints "Stopped."; returns the failure message or null. */
  finish(): Promise<string | null>;
}

export function startLifecycle(
  write: (text: string) => void = (t) => void process.stdout.write(t),
): Lifecycle {
  const stack = new StopStack();
  let failure: string | null = null;
  let requestStop!: () => void;
  const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
  let stopping = false;
  let forceKill: () => void = () => undefined;
  let firstSignalAt = 0;
  const onSignal = (): void => {
    if (stopping) {
      // npm relays the terminal's Ctrl-C a moment after the terminal sent it: only a later one means "force".
      if (Date.now() - firstSignalAt < FORCE_AFTER_MS) return;
      // A second Ctrl-C: no more waiting, but still no server left behind.
      forceKill();
      process.exit(130);
    }
    stopping = true;
    firstSignalAt = Date.now();
    write('\nStopping… (Ctrl-C again to force)\n');
    requestStop();
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, onSignal);
  // @temporalio/client 1.24's retry interceptor starts a call's next attempt from a timer: a call still retrying
  // (the demo seeding, cut short by Ctrl-C) once the stop has closed the client throws this from that timer, which
  // would crash the stop half-way. Only then, and only that error, is ignored; anything else crashes as usual.
  process.on('uncaughtException', (error) => {
    if (stopping && error instanceof Error && error.message === 'Channel has been shut down') return;
    process.stderr.write(`Uncaught ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });

  return {
    stack,
    stopRequested,
    get stopping() {
      return stopping;
    },
    fail(message) {
      failure ??= message;
      requestStop();
    },
    checkpoint() {
      if (stopping || failure !== null) throw new StartError(failure ?? 'stopped before the start finished');
    },
    onForce(kill) {
      forceKill = kill;
    },
    failed(error) {
      if (error instanceof StartError && stopping) return false;
      failure ??= error instanceof Error ? error.message : String(error);
      return true;
    },
    async finish() {
      if (!stopping) write('\nStopping…\n');
      stopping = true;
      firstSignalAt ||= Date.now();
      await stack.unwind((name, error) =>
        write(error === undefined ? `${name} ✓  ` : `${name} ✗ (${String(error)})  `),
      );
      write('\nStopped.\n');
      return failure;
    },
  };
}
