// Hands the shared dev server from global setup to global teardown (both run in jest's parent process, where
// globalThis is shared; suites run in their own contexts and connect by address instead).
import { type TestWorkflowEnvironment } from '@temporalio/testing';

const KEY = Symbol.for('flinks-refresh.test.sharedDevServer');
type Holder = { [KEY]?: TestWorkflowEnvironment };

export function setSharedDevServer(env: TestWorkflowEnvironment): void {
  (globalThis as Holder)[KEY] = env;
}

export function takeSharedDevServer(): TestWorkflowEnvironment | undefined {
  const holder = globalThis as Holder;
  const env = holder[KEY];
  delete holder[KEY];
  return env;
}
