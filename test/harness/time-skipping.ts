// The Java time-skipping test server: timers (days of them) complete in moments. It has no visibility queries
// (workflow.list/count) and no schedules: use the dev server for those.
import { type ClientOptionsForTestEnv, TestWorkflowEnvironment } from '@temporalio/testing';
import { timeSkippingExecutable } from './executables';
import { installTestRuntime } from './runtime';

/**
 * A fresh time-skipping server for the calling suite (well under a second to start with the prepared JVM). Time
 * skipping is global to the server, so run one workflow-under-test at a time per env; `env.teardown()` in afterAll.
 */
export async function createTimeSkippingEnv(
  options: { client?: ClientOptionsForTestEnv } = {},
): Promise<TestWorkflowEnvironment> {
  installTestRuntime();
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: await timeSkippingExecutable() },
    client: options.client,
  });
}
