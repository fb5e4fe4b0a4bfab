// A card's messages waiting their turn, and how a new one merges with those already waiting. A backend retrying
// `reconnected` every second must not grow the card's queue (and the history it travels in) without bound: of two
// waiting messages of one kind, only the later one's meaning survives, so the queue holds at most one per kind.
import {
  describeZodError,
  disconnectSchema,
  nightlyStatusSchema,
  reconnectedSchema,
  setScheduledRefreshSchema,
  webhookRefreshSchema,
} from './card-messages';

/** A signal waiting its turn: plain JSON, carried through continue-as-new. */
export type PendingMessage =
  | { kind: 'nightlyStatus'; payload: unknown }
  | { kind: 'reconnected'; payload: unknown }
  | { kind: 'setScheduledRefresh'; payload: unknown }
  | { kind: 'webhookRefresh'; payload: unknown }
  | { kind: 'disconnect'; payload: unknown };

export type PendingKind = PendingMessage['kind'];

const schemas = {
  nightlyStatus: nightlyStatusSchema,
  reconnected: reconnectedSchema,
  setScheduledRefresh: setScheduledRefreshSchema,
  webhookRefresh: webhookRefreshSchema,
  disconnect: disconnectSchema,
} as const;

/** Why a message's payload is malformed, or null when it is well formed. */
export function malformedReason(message: PendingMessage): string | null {
  // A disconnect's payload is optional: `disconnect()` with no argument means `{}`.
  const payload = message.kind === 'disconnect' ? (message.payload ?? {}) : message.payload;
  const parsed = schemas[message.kind].safeParse(payload);
  return parsed.success ? null : describeZodError(parsed.error);
}

/**
 * The queue with `incoming` merged into a waiting message of its kind, or null when none waits (append it). Both
 * must be well formed. The later message wins, moved to the back, except that:
 * - a disconnect keeps its place, and deletes the data if either asked to;
 * - webhook refreshes keep the newest LastRefresh.
 */
export function mergePending(
  pending: readonly PendingMessage[],
  incoming: PendingMessage,
): PendingMessage[] | null {
  if (malformedReason(incoming) !== null) return null;
  const index = pending.findIndex((m) => m.kind === incoming.kind && malformedReason(m) === null);
  if (index < 0) return null;
  const waiting = pending[index] as PendingMessage;
  const rest = pending.filter((_, i) => i !== index);
  switch (incoming.kind) {
    case 'disconnect': {
      const deleteData = deletes(waiting.payload) || deletes(incoming.payload);
      const merged = [...pending];
      merged[index] = { kind: 'disconnect', payload: deleteData ? { deleteData: true } : {} };
      return merged;
    }
    case 'webhookRefresh': {
      const newest = lastRefreshMs(incoming.payload) >= lastRefreshMs(waiting.payload) ? incoming : waiting;
      return [...rest, newest];
    }
    default:
      return [...rest, incoming];
  }
}

function deletes(payload: unknown): boolean {
  return disconnectSchema.safeParse(payload ?? {}).data?.deleteData === true;
}

function lastRefreshMs(payload: unknown): number {
  const lastRefresh = webhookRefreshSchema.safeParse(payload).data?.lastRefresh;
  return lastRefresh ? Date.parse(lastRefresh) : Number.NEGATIVE_INFINITY;
}
