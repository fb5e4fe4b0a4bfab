// What the benchmark's worker process and the bench say to each other over IPC.

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
