// What the benchmark's worker process and the bench say to each other: over IPC, and at start through the
// environment (beside the product's own variables, which configure the worker as in production).

/** The bench's own settings for the worker, when a run varies them. */
export const WORKER_ENV = {
  /** A prebuilt workflow bundle's path (unset: the worker bundles src/workflows at start). */
  workflowBundle: 'BENCH_WORKFLOW_BUNDLE',
  /** Experiments only: JSON `{ main?, flinks? }` merged into the workers' options (passed through from the bench's
   * own environment; results do not record it). */
  workerOptions: 'BENCH_WORKER_OPTIONS',
} as const;

export interface LagSummary {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** Sent every 250 ms: memory now, and the event-loop lag since the last reset. */
export interface WorkerSample {
  kind: 'sample';
  at: number;
  rssBytes: number;
  heapUsedBytes: number;
  lagMs: LagSummary;
}

export type ParentMessage = { kind: 'reset-lag' };
