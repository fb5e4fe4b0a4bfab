// A card connected again while it closes (a connect, or a reconnect, after a disconnect): the closing run hands
// over to a new one (continue-as-new) instead of completing, so the connect is never lost.
import { type CardInput } from './card-messages';
import { initialCardState, type CardState } from './card-state';
import { malformedReason, type PendingMessage } from './pending-messages';

/**
 * The new card's state and what it must do first. Notification keys continue from the closing card's, so the
 * backend never sees one key twice; a connect's requestId is fetched as the first message.
 */
export function restartedCard(
  closing: CardState,
  input: CardInput,
  nowMs: number,
): { state: CardState; pending: PendingMessage[] } {
  const state: CardState = { ...initialCardState(input, nowMs), notificationSeq: closing.notificationSeq };
  const pending: PendingMessage[] = input.requestId
    ? [{ kind: 'reconnected', payload: { requestId: input.requestId } }]
    : [];
  return { state, pending };
}

/** The requestId of a well-formed reconnect that arrived while the card closed, or null. */
export function reconnectWhileClosing(pending: readonly PendingMessage[]): string | null {
  const last = [...pending].reverse().find((m) => m.kind === 'reconnected' && malformedReason(m) === null);
  return last ? (last.payload as { requestId: string }).requestId : null;
}
