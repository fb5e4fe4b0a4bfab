import { type DataRecord } from './data-sink';
import { DataSinkError } from './data-sink-error';

/**
 * The record as the JSON a sink stores. A body JSON.stringify cannot write (nested deeper than the stack allows)
 * will not write on a retry either, so that is a permanent DataSinkError, never a retryable one.
 */
export function serializeRecord(record: DataRecord, sink: string): string {
  try {
    return JSON.stringify(record);
  } catch (error) {
    // RangeError: "Maximum call stack size exceeded" (too deep) or "Invalid string length" (too large).
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataSinkError(
      `${sink}: the record of requestId ${record.requestId} cannot be written as JSON (${reason})`,
      { retryable: false, cause: error },
    );
  }
}
