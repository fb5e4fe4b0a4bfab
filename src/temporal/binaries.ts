// The one place that decides which executables run the real Temporal servers: the CLI's dev server, the Java
// time-skipping server, and a real cluster's Go programs (our machines cannot reach temporal.download, so the SDK's
// own download is only the last fallback).
import { type EphemeralServerExecutable } from '@temporalio/testing';
import { resolveTestServer, type ResolveTestServerOptions } from './java-test-server';
import { resolveTemporalCli, type ResolveTemporalCliOptions } from './temporal-cli';

export {
  resolveTemporalCli,
  TemporalCliNotFoundError,
  TEMPORAL_CLI_MODULE,
  TEMPORAL_CLI_VERSION,
  type ResolvedTemporalCli,
  type ResolveTemporalCliOptions,
  type TemporalCliSource,
} from './temporal-cli';
export {
  CLUSTER_TOOLS,
  resolveClusterTools,
  TEMPORAL_SERVER_VERSION,
  UI_SERVER_VERSION,
  type ClusterTools,
  type ResolvedClusterTools,
  type ResolveClusterToolsOptions,
} from './cluster-tools';
export {
  resolveTestServer,
  TestServerNotFoundError,
  type ResolvedTestServer,
  type ResolveTestServerOptions,
  type TestServerSource,
} from './java-test-server';

/** The Temporal CLI for `TestWorkflowEnvironment.createLocal({ server: { executable } })`; builds it if needed. */
export async function temporalCliExecutable(
  options?: ResolveTemporalCliOptions,
): Promise<EphemeralServerExecutable> {
  return (await resolveTemporalCli(options)).executable;
}

/** The time-skipping server for `TestWorkflowEnvironment.createTimeSkipping({ server: { executable } })`. */
export async function testServerExecutable(
  options?: ResolveTestServerOptions,
): Promise<EphemeralServerExecutable> {
  return (await resolveTestServer(options)).executable;
}
