// What POST /flinks/webhooks takes, as the webhook and HTTP API fuzz suites both judge it.
import { z } from 'zod';
import { loginIdSchema } from '../../src/domain/card-messages';
import { accountsDetailSchema } from '../../src/flinks/schemas';

/** A GetAccountsDetail webhook the receiver must accept: Flinks' shape, and a loginId (a UUID) in Login.Id. */
export const detailWebhookSchema = accountsDetailSchema.and(
  z.object({ Login: z.object({ Id: loginIdSchema }).passthrough() }),
);

/** What the directory sink can use as a file name (src/flinks/sinks/directory-sink.ts). */
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/**
 * B2, open: a valid GetAccountsDetail webhook whose RequestId the directory sink cannot use as a file name is
 * answered 500 (DataSinkError, not retryable, falls through to the generic 500). Both suites draw such payloads
 * again and reproduce the bug with test.failing (webhook.fuzz.test.ts).
 */
export function unsafeRequestIdBug(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null) return null;
  if ((payload as { ResponseType?: unknown }).ResponseType !== 'GetAccountsDetail') return null;
  if (!detailWebhookSchema.safeParse(payload).success) return null;
  const requestId = (payload as { RequestId: string }).RequestId;
  return SAFE_SEGMENT.test(requestId) && !requestId.includes('..') ? null : 'B2 RequestId not a file name';
}
