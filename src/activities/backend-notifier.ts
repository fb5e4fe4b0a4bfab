// POSTs card notifications to the backend, signed like the HTTP data sink. Without a URL it only logs.
import { request } from 'undici';
import { type CardNotification } from '../domain/notifications';
import { SIGNATURE_HEADER, signBody } from '../flinks';

export interface BackendNotifierOptions {
  url: string | null;
  signingSecret: string | null;
  timeoutMs?: number;
  log: (message: string, fields: Record<string, unknown>) => void;
}

export class BackendNotificationError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'BackendNotificationError';
  }
}

export class BackendNotifier {
  constructor(private readonly options: BackendNotifierOptions) {}

  async send(notification: CardNotification, signal?: AbortSignal): Promise<'delivered' | 'logged'> {
    const { url, signingSecret, timeoutMs = 10_000, log } = this.options;
    if (url === null) {
      log('card notification (no BACKEND_NOTIFY_URL set)', { ...notification });
      return 'logged';
    }
    const body = JSON.stringify(notification);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'idempotency-key': notification.idempotencyKey,
    };
    if (signingSecret !== null) headers[SIGNATURE_HEADER] = signBody(body, signingSecret);
    let status: number;
    try {
      const response = await request(url, {
        method: 'POST',
        headers,
        body,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      status = response.statusCode;
      await response.body.dump();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new BackendNotificationError(
        `backend notification ${notification.idempotencyKey} failed: ${reason}`,
        null,
      );
    }
    if (status < 200 || status >= 300) {
      throw new BackendNotificationError(
        `backend answered ${status} to notification ${notification.idempotencyKey}`,
        status,
      );
    }
    return 'delivered';
  }
}
