// Runs the product's worker in a child process, so its memory is its own (the bench process also holds the
// simulator, a client and every measurement), and follows what its sampler reports.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { type LagSummary, type ParentMessage, type WorkerSample } from './worker-messages';

/** How the worker's figures are taken, for the results. */
export const WORKER_METHOD =
  'the product worker (src/worker.ts main, compiled with swc) in a child process; RSS from /proc (VmHWM) ' +
  'and process.memoryUsage() every 250 ms; event-loop lag from perf_hooks.monitorEventLoopDelay inside the ' +
  'worker (delay beyond its 10 ms timer)';

export interface WindowMeasure {
  /** The highest RSS in the window: the kernel's high-water mark when it could be reset, else the samples'. */
  peakRssBytes: number;
  peakSource: 'kernel high-water mark (VmHWM, reset at the window start)' | 'samples every 250 ms';
  meanRssBytes: number;
  minRssBytes: number;
  /** V8 heap in use at the window's end. */
  heapUsedBytes: number;
  lagMs: LagSummary;
  samples: number;
}

export interface WorkerChild {
  pid: number;
  /** The sampler's latest report. */
  latest(): WorkerSample;
  /** Starts a measurement window (peak memory and event-loop lag start afresh); `end()` closes it. */
  window(): Promise<{ end(): Promise<WindowMeasure> }>;
  /** The process's peak RSS since it started, bundling of the workflow code included (Linux; else null). */
  lifetimePeakRssBytes(): Promise<number | null>;
  stop(): Promise<void>;
}

export class WorkerChildError extends Error {
  override readonly name = 'WorkerChildError';
}

const STARTED_LINE = 'Worker started';
const START_TIMEOUT_MS = 180_000;

export async function startWorkerChild(options: {
  entry: string;
  env: Record<string, string>;
  logFile: string;
}): Promise<WorkerChild> {
  const child = spawn(process.execPath, [options.entry], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const log = createWriteStream(options.logFile);
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      log.write(chunk);
      // Only the start is searched: the rest goes to the log file.
      if (output.length < 100_000) output += chunk.toString();
      if (output.includes(STARTED_LINE)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() =>
      reject(new WorkerChildError(`the worker process exited before starting:\n${output.slice(-2_000)}`)),
    );
    setTimeout(
      () => reject(new WorkerChildError(`the worker process did not start within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    ).unref();
  });
  let latest: WorkerSample | null = null;
  const listeners = new Set<(sample: WorkerSample) => void>();
  child.on('message', (message: WorkerSample) => {
    if (message.kind !== 'sample') return;
    latest = message;
    for (const listener of listeners) listener(message);
  });

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    log.end();
  };
  try {
    await started;
    // The first sample arrives within 250 ms of the sampler starting, which precedes the worker's start.
    await nextSample(child, listeners);
  } catch (error) {
    await stop();
    throw error;
  }
  const pid = child.pid as number;

  return {
    pid,
    latest: () => latest as WorkerSample,
    async window() {
      const seen: WorkerSample[] = [];
      const listener = (sample: WorkerSample): void => void seen.push(sample);
      const kernelPeak = await resetHighWaterMark(pid);
      send(child, { kind: 'reset-lag' });
      // Samples taken before the child handled the reset would carry the previous window's lag.
      await nextSample(child, listeners);
      listeners.add(listener);
      return {
        async end() {
          const last = await nextSample(child, listeners);
          listeners.delete(listener);
          const rss = [...seen, last].map((s) => s.rssBytes);
          const sampledPeak = Math.max(...rss);
          const hwm = kernelPeak ? await highWaterMark(pid) : null;
          return {
            peakRssBytes: hwm === null ? sampledPeak : Math.max(hwm, sampledPeak),
            peakSource:
              hwm === null
                ? 'samples every 250 ms'
                : 'kernel high-water mark (VmHWM, reset at the window start)',
            meanRssBytes: rss.reduce((sum, v) => sum + v, 0) / rss.length,
            minRssBytes: Math.min(...rss),
            heapUsedBytes: last.heapUsedBytes,
            lagMs: last.lagMs,
            samples: rss.length,
          };
        },
      };
    },
    lifetimePeakRssBytes: () => highWaterMark(pid),
    stop,
  };
}

function send(child: ChildProcess, message: ParentMessage): void {
  child.send(message);
}

function nextSample(child: ChildProcess, listeners: Set<(s: WorkerSample) => void>): Promise<WorkerSample> {
  return new Promise((resolve, reject) => {
    const onExit = (): void => reject(new WorkerChildError('the worker process exited'));
    if (child.exitCode !== null || child.signalCode !== null) return onExit();
    const listener = (sample: WorkerSample): void => {
      listeners.delete(listener);
      child.off('exit', onExit);
      resolve(sample);
    };
    listeners.add(listener);
    child.once('exit', onExit);
  });
}

/** Linux: writing 5 to clear_refs resets VmHWM to the current RSS. False where that is not possible. */
async function resetHighWaterMark(pid: number): Promise<boolean> {
  try {
    await writeFile(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

async function highWaterMark(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}
