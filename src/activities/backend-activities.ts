// Activities that talk to our own backend. They run on the workflows' queue, not Flinks' rate-limited one.
import { activityInfo, ApplicationFailure, Context } from '@temporalio/activity';
import { type CardNotification } from '../domain/notifications';
import {
  isPermanentRejection,
  NOTIFICATION_ATTEMPTS_BEFORE_PARKING,
  NOTIFICATION_REJECTED_TYPE,
} from '../domain/undeliverable-notifications';
import { BackendNotificationError, type BackendNotifier } from './backend-notifier';

export function createBackendActivities({ notifier }: { notifier: BackendNotifier }) {
  return {
    /**
     * Retried by the workflow's policy until the backend takes it; the key makes redelivery harmless. A refusal that
     * retrying will not change (a 4xx but 408/429) ends it after NOTIFICATION_ATTEMPTS_BEFORE_PARKING tries, so the
     * card's outbox moves on: a few tries first, as a 401 from a one-sided secret rotation is fixed within minutes.
     */
    async notifyBackend(notification: CardNotification): Promise<'delivered' | 'logged'> {
      try {
        return await notifier.send(notification, Context.current().cancellationSignal);
      } catch (error) {
        const { attempt } = activityInfo();
        if (
          error instanceof BackendNotificationError &&
          error.status !== null &&
          isPermanentRejection(error.status) &&
          attempt >= NOTIFICATION_ATTEMPTS_BEFORE_PARKING
        ) {
          throw ApplicationFailure.create({
            type: NOTIFICATION_REJECTED_TYPE,
            message: `${error.message}, ${attempt} tries: given up`,
            details: [{ status: error.status }],
            nonRetryable: true,
          });
        }
        throw error;
      }
    },
  };
}

export type BackendActivities = ReturnType<typeof createBackendActivities>;
