// Reads a raw (undecoded) history the way someone with access to the Temporal server would: every payload in it,
// every failure, and all of its bytes outside the search attributes (plaintext by contract).
import { type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
type Failure = temporal.api.failure.v1.IFailure;

// Search attributes are indexed by the server, so no codec ever sees them (FlinksLoginId is plaintext by contract);
// headers carry no product data and are not encoded by the SDK either.
const NOT_ENCODED = new Set(['searchAttributes', 'header']);

/** The message type of a decoded protobuf object (the generated classes are reflection-backed: no instanceof). */
function isMessage(node: object, type: string): boolean {
  return (node as { $type?: { fullName?: string } }).$type?.fullName === `.temporal.api.${type}`;
}

function walk(value: unknown, visit: (node: object) => boolean): void {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
  if (visit(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (!NOT_ENCODED.has(key)) walk(child, visit);
  }
}

/** Every payload a codec encodes: inputs, results, signals, updates, summaries, failure details and attributes. */
export function payloadsOf(history: History): Payload[] {
  const found: Payload[] = [];
  walk(history, (node) => {
    if (!isMessage(node, 'common.v1.Payload')) return false;
    found.push(node as Payload);
    return true;
  });
  return found;
}

export function failuresOf(history: History): Failure[] {
  const found: Failure[] = [];
  walk(history, (node) => {
    if (isMessage(node, 'failure.v1.Failure')) found.push(node as Failure);
    return false;
  });
  return found;
}

/** The serialized history without its search attributes: what is left of it is for the codec to protect. */
export function bytesWithoutSearchAttributes(history: History): Buffer {
  const { History: HistoryMessage } = temporal.api.history.v1;
  const copy = HistoryMessage.decode(HistoryMessage.encode(history).finish());
  for (const event of copy.events) {
    if (event.workflowExecutionStartedEventAttributes)
      event.workflowExecutionStartedEventAttributes.searchAttributes = null;
    if (event.upsertWorkflowSearchAttributesEventAttributes) {
      event.upsertWorkflowSearchAttributesEventAttributes.searchAttributes = null;
    }
  }
  return Buffer.from(HistoryMessage.encode(copy).finish());
}

/** How many times `text` occurs in `bytes`. */
export function occurrences(bytes: Buffer, text: string): number {
  let count = 0;
  for (let at = bytes.indexOf(text); at >= 0; at = bytes.indexOf(text, at + 1)) count += 1;
  return count;
}
