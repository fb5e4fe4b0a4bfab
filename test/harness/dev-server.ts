// The dev server (Temporal CLI `server start-dev`): full server features, including visibility queries and schedules.
import {
  type ClientOptionsForTestEnv,
  type EphemeralServerExecutable,
  type LocalTestWorkflowEnvironmentOptions,
  TestWorkflowEnvironment,
} from '@temporalio/testing';
import { HARNESS_ENV } from './env-keys';
import { devServerExecutable } from './executables';
import { HarnessError } from './harness-error';
import { installTestRuntime } from './runtime';
import { cardSearchAttributes } from '../../src/workflows/search-attributes';

/** Server options shared by the global dev server and private ones: every contract search attribute registered. */
export function devServerOptions(
  executable: EphemeralServerExecutable,
  extraArgs: readonly string[] = [],
): NonNullable<LocalTestWorkflowEnvironmentOptions['server']> {
  return {
    executable,
    searchAttributes: [...cardSearchAttributes],
    // Only errors: the dev server's warnings would interleave with jest's output.
    log: { format: 'pretty', level: 'error' },
    extraArgs: [
      // Update-with-start (cards are started by their first update): on by default since server 1.27, explicit here
      // in case TEMPORAL_CLI_PATH or PATH provides an older CLI.
      '--dynamic-config-value',
      'frontend.enableExecuteMultiOperation=true',
      ...extraArgs,
    ],
  };
}

/**
 * Connects to the dev server shared by all suites (started in global-setup.ts). Call `env.teardown()` in afterAll:
 * it closes this suite's connections and leaves the shared server running.
 */
export async function connectToDevServer(
  options: { client?: ClientOptionsForTestEnv } = {},
): Promise<TestWorkflowEnvironment> {
  installTestRuntime();
  const address = process.env[HARNESS_ENV.devServerAddress];
  if (!address) {
    throw new HarnessError(
      `${HARNESS_ENV.devServerAddress} is not set: run suites through jest (test/harness/global-setup.ts)`,
    );
  }
  return TestWorkflowEnvironment.createFromExistingServer({
    address,
    namespace: process.env[HARNESS_ENV.devServerNamespace] ?? 'default',
    client: options.client,
  });
}

/**
 * A dev server of the suite's own, for tests that need different server settings, e.g.
 * `startPrivateDevServer(['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=40'])`.
 * `env.teardown()` stops it.
 */
export async function startPrivateDevServer(
  extraArgs: readonly string[] = [],
): Promise<TestWorkflowEnvironment> {
  installTestRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: devServerOptions(await devServerExecutable(), extraArgs),
  });
}
