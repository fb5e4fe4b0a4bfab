// PostgreSQL for the cluster: Debian's binaries (off PATH), a data folder of its own, one TCP port on 127.0.0.1, no
// system service. The server refuses to run as root, so as root it runs as the `postgres` user (setpriv execs, so
// the child is the postmaster itself and a signal to it is a signal to PostgreSQL).
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { findOnPath, isExecutableFile, runCommand, tail } from '../../src/temporal/exec';
import { isProcessAlive } from '../../src/start/embedded-dev-server';
import { projectRoot } from '../../src/temporal/paths';
import { managedProcess, type ManagedProcess } from './managed-process';

export class PostgresError extends Error {
  override readonly name = 'PostgresError';
}

/** smart: wait for clients; fast: disconnect them, clean shutdown; immediate: no shutdown (a crash, WAL replay next). */
export type PostgresStopMode = 'smart' | 'fast' | 'immediate';

export interface PostgresOptions {
  dataDir: string;
  port: number;
  logFile: string;
  /** The role Temporal connects as (trust auth on 127.0.0.1 only). */
  user: string;
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface Postgres {
  readonly port: number;
  readonly process: ManagedProcess;
  /** Starts it (initdb first if the folder is new) and waits until it accepts connections. */
  start(): Promise<void>;
  /** `pg_ctl stop -m MODE`, then waits for the postmaster to exit. */
  stop(mode?: PostgresStopMode): Promise<void>;
}

const DEBIAN_BIN = '/usr/lib/postgresql/15/bin';
const READY_TIMEOUT_MS = 60_000;

/** Debian's PostgreSQL 15 binaries, else whatever `initdb` is on PATH; undefined when neither exists. */
export async function findPostgresBin(): Promise<string | undefined> {
  if (isExecutableFile(join(DEBIAN_BIN, 'initdb'))) return DEBIAN_BIN;
  const listed = await runCommand('dpkg', ['-L', 'postgresql-15']).catch(() => undefined);
  const initdb = listed?.stdout.split('\n').find((line) => line.endsWith('/bin/initdb'));
  if (initdb && isExecutableFile(initdb)) return initdb.slice(0, -'/initdb'.length);
  const onPath = findOnPath('initdb');
  return onPath ? onPath.slice(0, -'/initdb'.length) : undefined;
}

export function postgres(bin: string, options: PostgresOptions): Postgres {
  const asPostgres = process.getuid?.() === 0;
  const prefix = asPostgres ? ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups', '--'] : [];
  const run = (program: string, args: readonly string[]) => {
    const [command, ...rest] = [...prefix, join(bin, program), ...args] as [string, ...string[]];
    return runCommand(command, rest, { env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  };
  const server = managedProcess({
    name: 'postgresql',
    command: prefix[0] ?? join(bin, 'postgres'),
    args: [
      ...prefix.slice(1),
      ...(asPostgres ? [join(bin, 'postgres')] : []),
      '-D',
      options.dataDir,
      '-p',
      String(options.port),
      '-c',
      'listen_addresses=127.0.0.1',
      // TCP only: a socket path inside a deep data folder can exceed the 107-byte limit.
      '-c',
      'unix_socket_directories=',
      // Four Temporal services with 20 + 10 connections each, plus the SQL tool and psql.
      '-c',
      'max_connections=200',
    ],
    env: { ...process.env, LC_ALL: 'C.UTF-8' },
    logFile: options.logFile,
    onUnexpectedExit: options.onUnexpectedExit,
  });

  const initialise = async (): Promise<void> => {
    if (existsSync(join(options.dataDir, 'PG_VERSION'))) return;
    mkdirSync(dirname(options.dataDir), { recursive: true });
    mkdirSync(options.dataDir, { mode: 0o700 });
    if (asPostgres) {
      const uid = await runCommand('id', ['-u', 'postgres']);
      const gid = await runCommand('id', ['-g', 'postgres']);
      if (uid.code !== 0) {
        throw new PostgresError('running as root, but there is no `postgres` user to run PostgreSQL as');
      }
      makeReachable(options.dataDir, Number(uid.stdout.trim()), Number(gid.stdout.trim()));
      chownSync(options.dataDir, Number(uid.stdout.trim()), Number(gid.stdout.trim()));
    }
    const result = await run('initdb', [
      '-D',
      options.dataDir,
      '-U',
      options.user,
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ]);
    if (result.code !== 0) {
      throw new PostgresError(
        `initdb -D ${options.dataDir} failed (exit ${result.code}${asPostgres ? '; as the postgres user, who must be able to reach that folder' : ''}):\n${tail(result.stderr)}`,
      );
    }
  };

  /** A postmaster left running by a crashed run still holds the folder: stop it, if it is one on this folder. */
  const stopLeftover = async (): Promise<void> => {
    const pidFile = join(options.dataDir, 'postmaster.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return;
    await run('pg_ctl', ['-D', options.dataDir, 'stop', '-m', 'fast', '-w']);
  };

  const waitReady = async (): Promise<void> => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const ready = await runCommand(join(bin, 'pg_isready'), [
        '-q',
        '-h',
        '127.0.0.1',
        '-p',
        String(options.port),
      ]);
      if (ready.code === 0) return;
      if (!server.running) {
        throw new PostgresError(`PostgreSQL exited while starting:\n${server.logTail()}`);
      }
      if (Date.now() > deadline) {
        throw new PostgresError(`PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  return {
    port: options.port,
    process: server,
    async start() {
      if (server.exiting) await server.exited();
      if (server.running) return;
      await initialise();
      await stopLeftover();
      server.start();
      await waitReady();
    },
    async stop(mode = 'fast') {
      await server.stop({
        graceMs: 30_000,
        request: async () => {
          const result = await run('pg_ctl', ['-D', options.dataDir, 'stop', '-m', mode, '-w']);
          // pg_ctl could not (e.g. no pid file yet): the postmaster's own signal for the same mode.
          if (result.code !== 0)
            server.kill(mode === 'smart' ? 'SIGTERM' : mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
        },
      });
    },
  };
}

/**
 * The postgres user must traverse every folder above its data folder. Ours (in the project or the temp folder, e.g.
 * .data/ made 0700 by `npm start`) get o+x (enter, not list); anything else that blocks it is an error to act on.
 */
function makeReachable(dataDir: string, uid: number, gid: number): void {
  const ours = [projectRoot(), tmpdir()];
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    const stat = statSync(dir);
    const reachable =
      (stat.mode & 0o001) !== 0 ||
      (stat.uid === uid && (stat.mode & 0o100) !== 0) ||
      (stat.gid === gid && (stat.mode & 0o010) !== 0);
    if (!reachable) {
      const inside = ours.some(
        (root) =>
          dir !== root && !relative(root, dir).startsWith('..') && !relative(root, dir).startsWith(sep),
      );
      if (!inside) {
        throw new PostgresError(
          `the postgres user cannot enter ${dir} (mode ${(stat.mode & 0o777).toString(8)}), above the data folder ${dataDir}: ` +
            'choose a data folder it can reach, or allow it (chmod o+x)',
        );
      }
      chmodSync(dir, (stat.mode & 0o777) | 0o001);
    }
    if (dirname(dir) === dir) return;
  }
}
