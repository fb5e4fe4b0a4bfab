// What the backend hears from a card. The idempotency key lets it drop redeliveries.
import { type CardError, type CardStatus } from './card-messages';

export type CardNotification =
  | {
      type: 'card.status-changed';
      idempotencyKey: string;
      loginId: string;
      at: string;
      from: CardStatus;
      to: CardStatus;
      eligibleUntil: string | null;
      lastError: CardError | null;
      /** With awaiting-user-mfa: what Flinks Connect can resume (`?requestId=`), when Flinks gave one. */
      pendingRequestId: string | null;
    }
  | {
      type: 'card.eligibility-expiring';
      idempotencyKey: string;
      loginId: string;
      at: string;
      eligibleUntil: string;
      lastSuccessfulRefreshAt: string | null;
      lastError: CardError | null;
    };
