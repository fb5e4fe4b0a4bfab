/** One refresh's full GetAccountsDetail body, on its way out of the worker (never into workflow history). */
export interface DataRecord {
  loginId: string;
  requestId: string;
  /** ISO-8601 with a zone: when the worker received the data. */
  fetchedAt: string;
  body: unknown;
}

export interface DataSinkWriteOptions {
  signal?: AbortSignal;
}

/** Where fetched data goes. Writing the same requestId twice must not store it twice (activities retry). */
export interface DataSink {
  write(record: DataRecord, options?: DataSinkWriteOptions): Promise<{ location: string }>;
}
