// Notifications the backend refused for good, kept as plain JSON summaries so an operator sees what it never heard.
import { type CardNotification } from './notifications';

/** A parked notification: what and when, and why the backend refused it. Never its body (it may hold a Flinks message). */
export interface UndeliverableNotification {
  idempotencyKey: string;
  type: CardNotification['type'];
  /** The notification's own `at`: when the card changed. */
  at: string;
  /** When it was given up on. */
  parkedAt: string;
  /** The backend's last answer; null when it never answered (a notification that cannot be sent at all). */
  status: number | null;
  reason: string;
}

/** The most recent parked notifications a card keeps; older ones are only in the worker's log. */
export const UNDELIVERABLE_KEPT = 20;

/** The activity failure type of a notification the backend refused for good (a 4xx, not 408/429, tried enough). */
export const NOTIFICATION_REJECTED_TYPE = 'NotificationRejectedError';

/** Tries of a notification the backend keeps refusing before it is parked: about 35 minutes of the outbox's backoff. */
export const NOTIFICATION_ATTEMPTS_BEFORE_PARKING = 10;

/** An answer that retrying the same request will not change: any non-2xx below 500 but 408 and 429. */
export function isPermanentRejection(status: number): boolean {
  return status < 500 && (status < 200 || status >= 300) && status !== 408 && status !== 429;
}

/** The list with `entry` appended, newest last, at most UNDELIVERABLE_KEPT long. */
export function parkNotification(
  list: readonly UndeliverableNotification[] | undefined,
  entry: UndeliverableNotification,
): UndeliverableNotification[] {
  return [...(list ?? []), entry].slice(-UNDELIVERABLE_KEPT);
}
