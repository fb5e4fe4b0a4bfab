// POST /flinks/webhooks: Flinks pushes a GetAccountsDetail body (plus "ResponseType") after a refresh. The data
// goes to the sink (one record per requestId, so redeliveries store nothing new), then the card hears that a
// refresh succeeded (a redelivery carries the same LastRefresh, which changes nothing in the card).
import { z } from 'zod';
import { CardDisconnectedError, CardNotFoundError, type FlinksRefreshClient } from '../client';
import { loginIdSchema } from '../domain/card-messages';
import { notAfter } from '../domain/time';
import { type DataSink, deliverAccountsDetail, type FlinksLogger } from '../flinks';
import { accountsDetailSchema } from '../flinks/schemas';
import { type ByteBudget } from './byte-budget';
import { type Route } from './router';
import { validate } from './validation';

export const WEBHOOK_PATH = '/flinks/webhooks';

const envelopeSchema = z.object({ ResponseType: z.string().min(1) }).passthrough();
// Flinks' RequestIds are GUIDs; the sink names its files after them, so anything else is refused here.
const requestIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,200}$/, 'must be a Flinks RequestId: letters, digits and dashes, at most 200');
/** A GetAccountsDetail webhook the receiver stores: Flinks' shape, a loginId (a UUID) and a usable RequestId. */
export const detailWebhookSchema = accountsDetailSchema.and(
  z
    .object({ Login: z.object({ Id: loginIdSchema }).passthrough(), RequestId: requestIdSchema })
    .passthrough(),
);

export interface WebhookRouteDeps {
  cards: FlinksRefreshClient;
  sink: DataSink;
  log: FlinksLogger;
  bodyLimitBytes: number;
  inFlight: ByteBudget;
  temporalTimeoutMs: number;
}

export function webhookRoute({
  cards,
  sink,
  log,
  bodyLimitBytes,
  inFlight,
  temporalTimeoutMs,
}: WebhookRouteDeps): Route {
  return {
    method: 'POST',
    path: WEBHOOK_PATH,
    auth: 'webhook',
    bodyLimitBytes,
    inFlight,
    async handle(ctx) {
      const payload = (await ctx.body()) ?? {};
      const { ResponseType: type } = validate(envelopeSchema, payload, 'webhook');
      if (type !== 'GetAccountsDetail') {
        // Flinks sends other types (KYC, Investments, …) to the same URL; 200 so it does not redeliver them.
        log.info('webhook ignored', { responseType: type });
        return {
          status: 200,
          body: { received: true, handled: false, note: `ResponseType ${type} is not used` },
        };
      }
      const body = validate(detailWebhookSchema, payload, 'GetAccountsDetail webhook');
      // Asked first so that an unreachable Temporal changes nothing, not even the sink (Flinks will redeliver).
      await cards.ping(temporalTimeoutMs);
      const { summary } = await deliverAccountsDetail(sink, body);
      // The sink keeps what Flinks sent; the card hears a time it can believe (the card clamps it too).
      const lastRefresh = notAfter(summary.lastRefresh, Date.now());
      if (lastRefresh !== summary.lastRefresh) {
        log.warn('webhook LastRefresh is in the future; the card hears now plus the clock skew', {
          loginId: summary.loginId,
          lastRefresh: summary.lastRefresh ?? undefined,
          clampedTo: lastRefresh ?? undefined,
        });
      }
      const card = await signalCard(cards, summary.loginId, summary.requestId, lastRefresh);
      if (card !== 'signalled') {
        log.warn('webhook for a card this product does not keep', { loginId: summary.loginId, card });
      }
      return {
        status: 200,
        body: {
          received: true,
          handled: true,
          loginId: summary.loginId,
          requestId: summary.requestId,
          lastRefresh,
          card,
          ...(card === 'signalled'
            ? {}
            : { note: `No live card for this loginId (${card}); the data was stored all the same` }),
        },
      };
    },
  };
}

/**
 * An unknown or disconnected card is answered 200 all the same: a redelivery cannot make the card appear, and
 * Flinks would retry 10 times for nothing. Its data is already in the sink, so nothing is lost.
 */
async function signalCard(
  cards: FlinksRefreshClient,
  loginId: string,
  requestId: string,
  lastRefresh: string | null,
): Promise<'signalled' | 'unknown' | 'disconnected'> {
  try {
    await cards.webhookRefresh(loginId, requestId, lastRefresh);
    return 'signalled';
  } catch (error) {
    if (error instanceof CardNotFoundError) return 'unknown';
    if (error instanceof CardDisconnectedError) return 'disconnected';
    throw error;
  }
}
