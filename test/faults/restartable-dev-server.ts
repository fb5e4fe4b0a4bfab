// A dev server of the suite's own, on a SQLite file, that can go down and come back on the same file and port: a
// Temporal restart in the middle of work, as the product's workers and clients see it. It is `npm start`'s embedded
// server (the resolved Temporal CLI, the contract's search attributes, `--db-filename`), started again by hand.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedDevServer, startEmbeddedDevServer } from '../../src/start/embedded-dev-server';
import { cardSearchAttributes } from '../../src/workflows/search-attributes';
import { devServerExecutable } from '../harness/executables';
import { HarnessError } from '../harness/harness-error';

export interface RestartableDevServer {
  /** host:port, the same across restarts. */
  address: string;
  dbPath: string;
  /**
   * SIGKILL (a crash: nothing flushed on the way out) or SIGTERM (a clean stop), then a new server on the same
   * SQLite file and port. Resolves once it accepts connections again.
   */
  restart(signal: 'SIGKILL' | 'SIGTERM'): Promise<{ downMs: number }>;
  stop(): Promise<void>;
}

export async function startRestartableDevServer(): Promise<RestartableDevServer> {
  const executable = await devServerExecutable();
  if (executable.type !== 'existing-path') {
    throw new HarnessError('a restartable dev server needs an installed Temporal CLI (run `npm run tools`)');
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'restartable-dev-server-'));
  const output: string[] = [];
  let restarting = false;
  const start = (port: number) =>
    startEmbeddedDevServer({
      cli: executable.path,
      dataDir,
      port,
      uiPort: 0,
      namespace: 'default',
      searchAttributes: cardSearchAttributes,
      onOutput: (line) => void output.splice(0, Math.max(0, output.push(line) - 50)),
      onUnexpectedExit: (code, signal) => {
        if (!restarting) {
          process.stderr.write(
            `restartable dev server exited by itself (${signal ?? code}):\n${output.join('\n')}\n`,
          );
        }
      },
    });

  let server: EmbeddedDevServer = await start(0);
  const port = Number(server.address.split(':').pop());
  return {
    address: server.address,
    dbPath: server.dbPath,
    async restart(signal) {
      restarting = true;
      const down = Date.now();
      try {
        if (signal === 'SIGKILL') process.kill(server.pid, 'SIGKILL');
        await server.stop();
        server = await start(port);
      } finally {
        restarting = false;
      }
      return { downMs: Date.now() - down };
    },
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
