// `npm start`'s own Temporal: the CLI's dev server with SQLite in the data folder (cards survive a restart), the
// Web UI, and the contract's search attributes. It runs in its own process group, so the terminal's Ctrl-C reaches
// only us and we stop it last, after the workers; a pid file lets the next start clean up after a crash.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { TypedSearchAttributes } from '@temporalio/common';
import { findFreePort, waitForPort } from '../temporal/exec';
import { type SearchAttributeDefinition } from '../temporal/search-attributes';

export interface EmbeddedDevServerOptions {
  /** The Temporal CLI executable. */
  cli: string;
  dataDir: string;
  /** 0 = a free port. */
  port: number;
  uiPort: number;
  namespace: string;
  searchAttributes: readonly SearchAttributeDefinition[];
  /** The codec server the Web UI decodes encrypted payloads through (TEMPORAL_ENCRYPTION_KEYS set). */
  uiCodecEndpoint?: string;
  /** The server's own output (warnings and errors): to the log, never the terminal's table. */
  onOutput: (line: string) => void;
  /** Called if the server exits while we did not ask it to. */
  onUnexpectedExit: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface EmbeddedDevServer {
  address: string;
  uiUrl: string;
  pid: number;
  dbPath: string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export class DevServerError extends Error {
  override readonly name = 'DevServerError';
}

const PID_FILE = 'temporal-dev-server.pid';
export const DEV_SERVER_DB = 'temporal.db';

export async function startEmbeddedDevServer(options: EmbeddedDevServerOptions): Promise<EmbeddedDevServer> {
  const pidFile = join(options.dataDir, PID_FILE);
  const dbPath = join(options.dataDir, DEV_SERVER_DB);
  await stopLeftover(pidFile, dbPath);
  const port = options.port === 0 ? await findFreePort() : options.port;
  const uiPort = options.uiPort === 0 ? await findFreePort() : options.uiPort;
  await assertFree(port, 'the Temporal server', '--temporal-port');
  await assertFree(uiPort, 'the Temporal Web UI', '--ui-port');

  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--db-filename',
    dbPath,
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    ...options.searchAttributes.flatMap((key) => [
      '--search-attribute',
      `${key.name}=${TypedSearchAttributes.toMetadataType(key.type)}`,
    ]),
    // Updates (refreshNow) and update-with-start: explicit, in case an older CLI is on PATH.
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableExecuteMultiOperation=true',
    ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
  ];
  const child = spawn(options.cli, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new DevServerError(`could not start ${options.cli}`);
  writeFileSync(pidFile, `${pid}\n`);
  forwardLines(child, options.onOutput);

  let stopping = false;
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      rmSync(pidFile, { force: true });
      if (!stopping) options.onUnexpectedExit(code, signal);
      resolve();
    });
  });
  // Last resort if this process dies without running its shutdown: never leave the server behind.
  const killOnExit = () => {
    if (!exited) process.kill(pid, 'SIGKILL');
  };
  process.once('exit', killOnExit);

  try {
    await waitForPort(port, 60_000, () => exited);
  } catch {
    stopping = true;
    if (!exited) child.kill('SIGKILL');
    await exit;
    throw new DevServerError(
      `the Temporal dev server did not start on 127.0.0.1:${port} (see the log for its output)`,
    );
  }

  return {
    address: `127.0.0.1:${port}`,
    uiUrl: `http://localhost:${uiPort}`,
    pid,
    dbPath,
    async stop(graceMs = 10_000) {
      stopping = true;
      process.off('exit', killOnExit);
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

function forwardLines(child: ChildProcess, onOutput: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) onOutput(line);
    });
  }
}

/**
 * A dev server left running by a crashed `npm start` still holds the SQLite file (the next one would fail with
 * SQLITE_BUSY): stop it, but only if the pid still names a dev server on this very database.
 */
async function stopLeftover(pidFile: string, dbPath: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0 || !commandLineOf(pid).includes(dbPath)) return;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < 10_000 && isProcessAlive(pid); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    // No such process, or no /proc (macOS): never kill what we cannot identify.
    return '';
  }
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function assertFree(port: number, what: string, flag: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', () =>
      reject(
        new DevServerError(
          `port ${port} for ${what} is in use (another Temporal?): stop it, pick another with ${flag}, ` +
            'or set TEMPORAL_ADDRESS to use a server that is already running',
        ),
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}
