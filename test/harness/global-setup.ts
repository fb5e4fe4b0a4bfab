// Jest global setup: resolves both servers' executables once and starts the ONE dev server all suites share.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveTemporalCli, resolveTestServer } from '../../src/temporal/binaries';
import { formatSeconds } from '../../src/temporal/exec';
import { devServerOptions } from './dev-server';
import { HARNESS_ENV } from './env-keys';
import { installTestRuntime } from './runtime';
import { setSharedDevServer } from './shared-dev-server';

export default async function globalSetup(): Promise<void> {
  const log = (line: string): void => void process.stderr.write(`[tools] ${line}\n`);
  // Normally `npm test`'s pretest has installed both already; this also covers a bare `npx jest`.
  const [cli, testServer] = [await resolveTemporalCli({ log }), await resolveTestServer({ log })];
  process.env[HARNESS_ENV.devServerExecutable] = JSON.stringify(cli.executable);
  process.env[HARNESS_ENV.timeSkippingExecutable] = JSON.stringify(testServer.executable);

  installTestRuntime();
  const started = Date.now();
  const env = await TestWorkflowEnvironment.createLocal({ server: devServerOptions(cli.executable) });
  setSharedDevServer(env);
  process.env[HARNESS_ENV.devServerAddress] = env.address;
  process.env[HARNESS_ENV.devServerNamespace] = env.namespace ?? 'default';
  process.stderr.write(
    `\nTemporal dev server on ${env.address} in ${formatSeconds(Date.now() - started)} (${cli.description})\n`,
  );
}
