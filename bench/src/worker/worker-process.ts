// The benchmark's worker process: the product's own `npm run worker` entry (src/worker.ts main, configured by the
// environment), plus a sampler that reports this process's memory and event-loop delay to the bench over IPC.
// Sampling in here, not from outside, because only the process itself can see its event loop.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { main, type WorkerOverrides } from '../../../src/worker';
import { type ParentMessage, WORKER_ENV, type WorkerSample } from './worker-messages';

/** The delay histogram's timer period: the recorded delays include it, so lag is what exceeds it. */
const RESOLUTION_MS = 10;
const SAMPLE_EVERY_MS = 250;

const delays = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
delays.enable();

const lagMs = (nanoseconds: number): number => Math.max(0, nanoseconds / 1e6 - RESOLUTION_MS);

function sample(): WorkerSample {
  const memory = process.memoryUsage();
  const recorded = delays.count > 0;
  return {
    kind: 'sample',
    at: Date.now(),
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    lagMs: {
      p50: recorded ? lagMs(delays.percentile(50)) : 0,
      p99: recorded ? lagMs(delays.percentile(99)) : 0,
      max: recorded ? lagMs(delays.max) : 0,
      mean: recorded ? lagMs(delays.mean) : 0,
    },
  };
}

// Only when the bench is listening: run by hand, this is just `npm run worker`.
if (process.send) {
  setInterval(() => process.send?.(sample()), SAMPLE_EVERY_MS).unref();
  process.on('message', (message: ParentMessage) => {
    // The bench measures windows (a product run): the histogram starts afresh at each.
    if (message.kind === 'reset-lag') delays.reset();
  });
  // The IPC channel must not keep the process alive once the workers have stopped.
  process.channel?.unref();
}

function overrides(): WorkerOverrides {
  const bundle = process.env[WORKER_ENV.workflowBundle];
  const extra = JSON.parse(process.env[WORKER_ENV.workerOptions] ?? '{}') as NonNullable<
    WorkerOverrides['workerOptions']
  >;
  return {
    ...(bundle ? { workflowBundle: { codePath: bundle } } : {}),
    workerOptions: extra,
  };
}

main(overrides()).catch((error: unknown) => {
  process.stderr.write(
    `worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
