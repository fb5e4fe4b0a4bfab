// The Temporal Web UI as its own process (temporal-ui-server, the ui-server the CLI's dev server embeds), pointed at
// the cluster's frontend. Its config is written into the data folder: the image's env template (ui-server's
// config/docker.yaml) has no setting for the listen address, and here it listens on 127.0.0.1 only.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForPort } from '../../src/temporal/exec';
import { managedProcess, type ManagedProcess, ManagedProcessError } from './managed-process';

export interface UiServerOptions {
  executable: string;
  /** The cluster's frontend, host:port. */
  temporalAddress: string;
  namespace: string;
  port: number;
  /** A folder of its own for the generated config. */
  dir: string;
  logFile: string;
  pidFile?: string;
  /** The codec server that decodes encrypted payloads (TEMPORAL_ENCRYPTION_KEYS set). */
  codecEndpoint?: string;
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface UiServer {
  url: string;
  process: ManagedProcess;
}

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const url = `http://localhost:${options.port}`;
  const configDir = join(options.dir, 'config');
  mkdirSync(configDir, { recursive: true });
  // JSON is YAML; these are the keys ui-server's config/development.yaml shows.
  const config = {
    temporalGrpcAddress: options.temporalAddress,
    host: '127.0.0.1',
    port: options.port,
    enableUi: true,
    defaultNamespace: options.namespace,
    notifyOnNewVersion: false,
    // Plain http on localhost: the CSRF cookie must not require https (the dev server's UI does the same).
    cors: { cookieInsecure: true, allowOrigins: [url, `http://127.0.0.1:${options.port}`] },
    codec: { endpoint: options.codecEndpoint ?? '' },
  };
  writeFileSync(join(configDir, 'cluster.yaml'), `${JSON.stringify(config, null, 2)}\n`);
  const ui = managedProcess({
    name: 'temporal-ui-server',
    command: options.executable,
    args: ['--root', options.dir, '--config', 'config', '--env', 'cluster', 'start'],
    env: process.env,
    logFile: options.logFile,
    pidFile: options.pidFile ? { path: options.pidFile, commandIncludes: options.executable } : undefined,
    onUnexpectedExit: options.onUnexpectedExit,
  });
  ui.start();
  try {
    await waitForPort(options.port, 30_000, () => !ui.running);
  } catch {
    await ui.stop({ signal: 'SIGKILL' });
    throw new ManagedProcessError(
      `the Temporal UI server did not listen on ${options.port}:\n${ui.logTail()}`,
    );
  }
  return { url, process: ui };
}
