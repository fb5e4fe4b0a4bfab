// The product's own processes in `npm run cluster`: workers (what `npm run worker` runs) and the HTTP API (what
// `npm run api` runs), started with node and ts-node directly, not through npm, so a signal reaches the program
// itself once (npm would relay it a second time). Each is ready when Temporal sees it poll (a worker) or its port
// answers (the API).
import { type Client } from '@temporalio/client';
import { join } from 'node:path';
import { waitForPort } from '../../src/temporal/exec';
import { activityQueuePollers } from '../../src/temporal/task-queue-pollers';
import { managedProcess, type ManagedProcess, ManagedProcessError } from './managed-process';

export interface ProductProcess {
  readonly name: string;
  readonly pid: number | undefined;
  readonly process: ManagedProcess;
  /** SIGTERM (a graceful shutdown), SIGKILL after the grace. */
  stop(): Promise<void>;
}

export interface ProductProcessOptions {
  root: string;
  env: NodeJS.ProcessEnv;
  logDir: string;
  runDir: string;
  onUnexpectedExit: (name: string, code: number | null, signal: NodeJS.Signals | null) => void;
}

const WORKER_READY_TIMEOUT_MS = 180_000;
/** WORKER_SHUTDOWN_GRACE is 5 s by default here; in-flight activities may take that long, then the rest. */
const STOP_GRACE_MS = 40_000;

function productProcess(options: ProductProcessOptions, name: string, entry: string): ProductProcess {
  const part = managedProcess({
    name,
    command: process.execPath,
    args: ['-r', 'ts-node/register/transpile-only', entry],
    cwd: options.root,
    env: options.env,
    logFile: join(options.logDir, `${name}.log`),
    pidFile: { path: join(options.runDir, `${name}.pid`), commandIncludes: entry },
    onUnexpectedExit: (code, signal) => options.onUnexpectedExit(name, code, signal),
  });
  return {
    name,
    get pid() {
      return part.pid;
    },
    process: part,
    stop: () => part.stop({ graceMs: STOP_GRACE_MS }),
  };
}

/** `count` worker processes; resolves once Temporal lists every one of them polling the Flinks task queue. */
export async function startWorkerProcesses(
  options: ProductProcessOptions & {
    count: number;
    client: Client;
    namespace: string;
    flinksTaskQueue: string;
  },
): Promise<ProductProcess[]> {
  const workers = Array.from({ length: options.count }, (_, i) =>
    productProcess(options, `worker-${i + 1}`, 'src/worker.ts'),
  );
  for (const worker of workers) worker.process.start();
  const deadline = Date.now() + WORKER_READY_TIMEOUT_MS;
  for (;;) {
    const dead = workers.find((w) => !w.process.running);
    if (dead) throw new ManagedProcessError(`${dead.name} exited while starting:\n${dead.process.logTail()}`);
    const pollers = await activityQueuePollers(
      options.client.connection,
      options.namespace,
      [options.flinksTaskQueue],
      5_000,
    ).catch(() => []);
    // The SDK's default identity is pid@host.
    const polling = new Set(pollers.map((p) => p.identity.split('@')[0]));
    if (workers.every((w) => polling.has(String(w.pid)))) return workers;
    if (Date.now() > deadline) {
      const late = workers.find((w) => !polling.has(String(w.pid))) as ProductProcess;
      throw new ManagedProcessError(
        `${late.name} did not poll within ${WORKER_READY_TIMEOUT_MS / 1000} s:\n${late.process.logTail()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The HTTP API on `port` (127.0.0.1 unless API_HOST says otherwise). */
export async function startApiProcess(
  options: ProductProcessOptions & { port: number },
): Promise<ProductProcess & { url: string }> {
  const api = productProcess(options, 'api', 'src/api/main.ts');
  api.process.start();
  try {
    await waitForPort(options.port, 120_000, () => !api.process.running);
  } catch {
    await api.process.stop({ signal: 'SIGKILL' });
    throw new ManagedProcessError(
      `the HTTP API did not listen on ${options.port}:\n${api.process.logTail()}`,
    );
  }
  const host = options.env.API_HOST?.trim() || '127.0.0.1';
  return Object.assign(api, { url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${options.port}` });
}
