// The API as the configuration describes it (API_*, WEBHOOK_*): shared by `npm run api` and `npm start`.
import { type FlinksRefreshClient } from '../client';
import { type ClientConfig } from '../config';
import { type DataSink, type FlinksLogger } from '../flinks';
import { type ApiServer, createApiServer } from './server';

export function createConfiguredApiServer(
  config: Pick<ClientConfig, 'api'>,
  deps: { cards: FlinksRefreshClient; sink: DataSink; token: string; log: FlinksLogger },
): ApiServer {
  return createApiServer({
    ...deps,
    bodyLimitBytes: config.api.bodyLimitBytes,
    webhookBodyLimitBytes: config.api.webhook.bodyLimitBytes,
    webhookInFlightLimitBytes: config.api.webhook.inFlightLimitBytes,
    webhooks: {
      secret: config.api.webhook.secret,
      previousSecret: config.api.webhook.previousSecret,
      allowedIps: config.api.webhook.allowedIps,
      trustedProxies: config.api.trustedProxies,
      trustedProxyHops: config.api.trustedProxyHops,
    },
  });
}
