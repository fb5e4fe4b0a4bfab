// Jest global teardown: stops the shared dev server (SIGKILL from sdk-core), so no server outlives the run.
// Quiet on purpose: it runs after jest's summary, which should stay the last thing `npm test` prints.
import { takeSharedDevServer } from './shared-dev-server';

/** A leaked handle (e.g. a Worker a failing test never shut down) would otherwise keep CI waiting for its timeout. */
const EXIT_WATCHDOG_MS = 30_000;

export default async function globalTeardown(): Promise<void> {
  await takeSharedDevServer()?.teardown();
  setTimeout(() => {
    process.stderr.write(
      `[harness] open handles kept jest alive ${EXIT_WATCHDOG_MS / 1000} s after the run: exiting\n`,
    );
    // jest's own 'exit' listener still sets the failure exit code when tests failed.
    process.exit();
  }, EXIT_WATCHDOG_MS).unref();
}
