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

/** The SDK records a patch (`wf.patched`) as this marker, its details plain JSON of the patch ID only. */
const PATCH_MARKER = 'core_patch';

function isPatchMarker(node: object): boolean {
  return (
    isMessage(node, 'history.v1.MarkerRecordedEventAttributes') &&
    (node as temporal.api.history.v1.IMarkerRecordedEventAttributes).markerName === PATCH_MARKER
  );
}

function walk(value: unknown, visit: (node: object) => boolean): void {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
  // Written by the SDK's core, never by the data converter: see patchMarkerDetails.
  if (isPatchMarker(value)) return;
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

/** The details of every patch marker, decoded: plain JSON by the SDK, which the codec test checks hold a patch ID. */
export function patchMarkerDetails(history: History): unknown[] {
  return (history.events ?? []).flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== PATCH_MARKER) return [];
    return Object.values(marker.details ?? {}).flatMap((payloads) =>
      (payloads.payloads ?? []).map((p) => JSON.parse(Buffer.from(p.data ?? []).toString('utf8')) as unknown),
    );
  });
}
