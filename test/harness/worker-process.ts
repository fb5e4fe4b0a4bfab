// `npm run worker` as a child process with exactly the environment given: for tests that run the product the way
// a deployment does (a process of its own, configured by variables alone).
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface WorkerProcess {
  pid: number;
  /** SIGTERM: a graceful shutdown (in-flight activities get WORKER_SHUTDOWN_GRACE). */
  stop(): Promise<void>;
  /** SIGKILL: the process dies at once, mid-task; resolves once it has exited. */
  kill(): Promise<void>;
  /** Everything it has written to stdout and stderr so far. */
  output(): string;
}

/** Resolves once the worker logged that it started; rejects with its output if it exits first. */
export async function spawnWorkerProcess(options: {
  env: Record<string, string | undefined>;
  /** A command that runs the worker's command line, e.g. `['unshare', '--pid', '--fork']`. */
  launcher?: readonly string[];
}): Promise<WorkerProcess> {
  const [command, ...args] = [...(options.launcher ?? []), process.execPath];
  args.push('-r', 'ts-node/register/transpile-only', 'src/worker.ts');
  const child = spawn(command as string, args, {
    cwd: join(__dirname, '..', '..'),
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Worker started')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() =>
      reject(new Error(`worker process exited before starting: ${output.slice(-2_000)}`)),
    );
  });
  const signalled = (signal: NodeJS.Signals) => async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    pid: child.pid as number,
    stop: signalled('SIGTERM'),
    kill: signalled('SIGKILL'),
    output: () => output,
  };
}
