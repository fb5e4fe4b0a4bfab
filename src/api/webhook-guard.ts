// Who may POST /flinks/webhooks. Flinks signs nothing (webhooks are configured by Flinks support with a URL), so the
// options are a shared secret and an IP allow-list. The secret is best sent as a header (a proxy in front can add it,
// so no URL that proxies log carries it), else in the URL; two are accepted while one is rotated out.
import { type IncomingMessage } from 'node:http';
import { secretMatchesAny } from '../security/bearer-token';
import { requireBearer } from './bearer';
import { ForbiddenError, UnauthorizedError } from './http-errors';
import { clientAddress, ipMatcher } from './ip-allow-list';

export interface WebhookGuardOptions {
  /** WEBHOOK_SECRET: required as the `x-webhook-token` header, or as `?token=` in the URL given to Flinks. */
  secret?: string;
  /** WEBHOOK_SECRET_PREVIOUS: accepted as well while senders move to the new secret. */
  previousSecret?: string;
  /** WEBHOOK_ALLOWED_IPS: IPs and CIDR blocks; empty = any address. */
  allowedIps?: readonly string[];
  /** API_TRUSTED_PROXIES: peers whose X-Forwarded-For names the real caller (a TLS-terminating proxy). */
  trustedProxies?: readonly string[];
  /** API_TRUSTED_PROXY_HOPS: proxies in front of the API, the peer included. Default 1. */
  trustedProxyHops?: number;
  /** API_TOKEN: what the route asks for when neither a secret nor an allow-list is configured. */
  apiToken: string;
}

export const WEBHOOK_TOKEN_HEADER = 'x-webhook-token';

/**
 * A check that throws 403 (address not allowed) or 401 (wrong or missing secret). With neither WEBHOOK_SECRET
 * nor WEBHOOK_ALLOWED_IPS the route is not left open: it wants the API token like every other route.
 */
export function webhookGuard(options: WebhookGuardOptions): (req: IncomingMessage, url: URL) => void {
  const allowed = options.allowedIps?.length ? ipMatcher(options.allowedIps) : null;
  const trusted = ipMatcher(options.trustedProxies ?? []);
  const hops = options.trustedProxyHops ?? 1;
  const { secret } = options;
  const secrets = [secret, options.previousSecret].filter((s): s is string => s !== undefined);
  return (req, url) => {
    if (allowed) {
      const address = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trusted, hops);
      if (address === null) {
        throw new ForbiddenError(
          'Webhooks are not accepted from a caller whose address X-Forwarded-For does not give ' +
            '(a hop is not an IP, or fewer hops than API_TRUSTED_PROXY_HOPS)',
        );
      }
      if (!allowed(address)) throw new ForbiddenError(`Webhooks are not accepted from ${address}`);
    }
    if (secret !== undefined) {
      const header = req.headers[WEBHOOK_TOKEN_HEADER];
      const received = url.searchParams.get('token') ?? (typeof header === 'string' ? header : undefined);
      if (!secretMatchesAny(received, secrets)) {
        throw new UnauthorizedError(
          'Missing or wrong webhook secret (the x-webhook-token header, or ?token= in the webhook URL)',
        );
      }
    } else if (!allowed) {
      requireBearer(req, options.apiToken);
    }
  };
}
