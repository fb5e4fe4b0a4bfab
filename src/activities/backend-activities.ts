// Activities that talk to our own backend. They run on the workflows' queue, not Flinks' rate-limited one.
import { Context } from '@temporalio/activity';
import { type CardNotification } from '../domain/notifications';
import { type BackendNotifier } from './backend-notifier';

export function createBackendActivities({ notifier }: { notifier: BackendNotifier }) {
  return {
    /** Retried by the workflow's policy until the backend takes it; the key makes redelivery harmless. */
    async notifyBackend(notification: CardNotification): Promise<'delivered' | 'logged'> {
      return notifier.send(notification, Context.current().cancellationSignal);
    },
  };
}

export type BackendActivities = ReturnType<typeof createBackendActivities>;
