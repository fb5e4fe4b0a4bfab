// One long-running part of the cluster (PostgreSQL, a Temporal service, the UI server, a worker…) as a child in its
// own process group: the terminal's Ctrl-C reaches only us, we stop the parts in order, and a signal for the part
// reaches everything it started. Its output goes straight to a log file. Whatever still runs when this process
// exits is SIGKILLed, so nothing outlives a crash of the harness or of jest.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class ManagedProcessError extends Error {
  override readonly name = 'ManagedProcessError';
}

export interface ManagedProcessOptions {
  name: string;
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Output (stdout and stderr) is appended here. */
  logFile: string;
  /** Called when the process exits while nobody asked it to stop (a crash, or a kill from outside). */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  /**
   * Holds the pid while it runs: a run of ours that was SIGKILLed never stopped its parts, so the next start()
   * kills the group it names first (if that pid still runs this command).
   */
  pidFile?: { path: string; commandIncludes: string };
}

export interface ManagedProcess {
  readonly name: string;
  readonly logFile: string;
  /** The pid (= process group id) of the current run; undefined before the first start. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Running still, but told to stop (kill() or stop()): start() would do nothing until it has exited. */
  readonly exiting: boolean;
  /** Spawns it if it is not running. */
  start(): void;
  /** Sends a signal to its whole process group now (a fault: no waiting, and an exit is not "unexpected"). */
  kill(signal: NodeJS.Signals): void;
  /** Resolves once the current run has exited (at once if not running). */
  exited(): Promise<void>;
  /**
   * `signal` (SIGTERM) or `request` (e.g. `pg_ctl stop`), then SIGKILL after `graceMs`; resolves once it is gone.
   * Idempotent.
   */
  stop(options?: {
    signal?: NodeJS.Signals;
    request?: () => Promise<unknown>;
    graceMs?: number;
  }): Promise<void>;
  /** The last lines of its log, for error messages. */
  logTail(lines?: number): string;
}

const live = new Set<ManagedProcess>();
let exitHookInstalled = false;

/** SIGKILLs every managed process group still running (jest teardown, or this process exiting). */
export function killAllManagedProcesses(): void {
  for (const part of live) {
    try {
      part.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

export function managedProcess(options: ManagedProcessOptions): ManagedProcess {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', killAllManagedProcesses);
  }
  let pid: number | undefined;
  let running = false;
  let expectExit = false;
  let exit: Promise<void> = Promise.resolve();

  const signalGroup = (signal: NodeJS.Signals): void => {
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  };

  const self: ManagedProcess = {
    name: options.name,
    logFile: options.logFile,
    get pid() {
      return pid;
    },
    get running() {
      return running;
    },
    get exiting() {
      return running && expectExit;
    },
    start() {
      if (running) return;
      if (options.pidFile) killLeftover(options.pidFile.path, options.pidFile.commandIncludes);
      mkdirSync(dirname(options.logFile), { recursive: true });
      const fd = openSync(options.logFile, 'a', 0o600);
      let child;
      try {
        child = spawn(options.command, [...options.args], {
          cwd: options.cwd,
          env: options.env,
          detached: true,
          stdio: ['ignore', fd, fd],
        });
      } finally {
        closeSync(fd);
      }
      if (child.pid === undefined) {
        throw new ManagedProcessError(`${options.name}: could not start ${options.command}`);
      }
      const thisPid = child.pid;
      pid = thisPid;
      if (options.pidFile) {
        mkdirSync(dirname(options.pidFile.path), { recursive: true });
        writeFileSync(options.pidFile.path, `${thisPid}\n`);
      }
      running = true;
      expectExit = false;
      live.add(self);
      exit = new Promise<void>((resolve) => {
        child.once('error', () => undefined);
        child.once('exit', (code, signal) => {
          running = false;
          live.delete(self);
          if (options.pidFile) rmSync(options.pidFile.path, { force: true });
          // Anything the part started and left behind in its group goes with it.
          try {
            process.kill(-thisPid, 'SIGKILL');
          } catch {
            // The group is empty: the usual case.
          }
          if (!expectExit) options.onUnexpectedExit?.(code, signal);
          resolve();
        });
      });
    },
    kill(signal) {
      if (!running) return;
      expectExit = true;
      signalGroup(signal);
    },
    exited() {
      return exit;
    },
    async stop({ signal = 'SIGTERM', request, graceMs = 10_000 } = {}) {
      if (!running) return exit;
      expectExit = true;
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      try {
        if (request) await request();
        else signalGroup(signal);
        await exit;
      } finally {
        clearTimeout(timer);
      }
    },
    logTail(lines = 20) {
      try {
        const text = readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
        // Server logs carry long stack traces: keep a readable end.
        return text.length > 4_000 ? `…${text.slice(-4_000)}` : text;
      } catch {
        return '(no log)';
      }
    },
  };
  return self;
}

/** The pids of every process in these process groups (Linux /proc; empty elsewhere). */
export function processesInGroups(groups: readonly number[]): number[] {
  const wanted = new Set(groups);
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/PID/stat: pid (comm) state ppid pgrp …; comm may hold spaces, so split after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // A zombie has exited already; it only waits for a parent to read its status.
      if (state !== 'Z' && wanted.has(Number(pgrp))) found.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** SIGKILLs the process group a pid file names, if that pid still runs `command` (never an unrelated process). */
function killLeftover(pidFile: string, command: string): void {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1) return;
  let commandLine = '';
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return; // Gone, or no /proc: never kill what we cannot identify.
  }
  if (!commandLine.includes(command)) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
