// POSTs card notifications to the backend, signed like the HTTP data sink. Without a URL it only logs.
import { request } from 'undici';
import { type CardNotification } from '../domain/notifications';
import { SIGNATURE_HEADER, signatureHeader, type SigningSecrets } from '../flinks';

export interface BackendNotifierOptions {
  url: string | null;
  signingSecret: string | null;
  /** BACKEND_SIGNING_SECRET_PREVIOUS: while set, a second signature with it, for a rotation. */
  previousSigningSecret?: string | null;
  timeoutMs?: number;
  log: (message: string, fields: Record<string, unknown>) => void;
}

export class BackendNotificationError extends Error {
  override readonly name = 'BackendNotificationError';

  constructor(
    message: string,
    /** The backend's status; null when it did not answer. */
    readonly status: number | null,
  ) {
    super(message);
  }
}

export class BackendNotifier {
  private readonly secrets: SigningSecrets | null;

  constructor(private readonly options: BackendNotifierOptions) {
    const { signingSecret, previousSigningSecret } = options;
    this.secrets =
      signingSecret === null
        ? null
        : previousSigningSecret
          ? [signingSecret, previousSigningSecret]
          : [signingSecret];
  }

  async send(notification: CardNotification, signal?: AbortSignal): Promise<'delivered' | 'logged'> {
    const { url, timeoutMs = 10_000, log } = this.options;
    if (url === null) {
      log('card notification (no BACKEND_NOTIFY_URL set)', { ...notification });
      return 'logged';
    }
    const body = JSON.stringify(notification);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'idempotency-key': notification.idempotencyKey,
    };
    // Signed at each attempt: the timestamp is what lets the backend refuse a replay.
    if (this.secrets !== null) headers[SIGNATURE_HEADER] = signatureHeader(body, this.secrets);
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
