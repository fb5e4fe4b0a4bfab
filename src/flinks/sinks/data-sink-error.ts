/** A sink could not store a record. Messages name the sink and the status, never the record or secrets. */
export class DataSinkError extends Error {
  /** HTTP status for HttpSink answers, null otherwise. */
  readonly httpStatus: number | null;
  /** Whether trying again later can help (5xx, 408, 429, network, timeout, I/O hiccups). */
  readonly retryable: boolean;

  constructor(message: string, init: { httpStatus?: number | null; retryable: boolean; cause?: unknown }) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'DataSinkError';
    this.httpStatus = init.httpStatus ?? null;
    this.retryable = init.retryable;
  }
}
