// The HTTP API on node:http: routing, auth, body limits, slow-client timeouts and one JSON error shape.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import { type FlinksRefreshClient } from '../client';
import { defaultWebhookInFlightLimitBytes } from '../config';
import { type DataSink, type FlinksLogger, silentLogger } from '../flinks';
import { requireBearer } from './bearer';
import { ByteBudget } from './byte-budget';
import { cardRoutes } from './card-routes';
import { BAD_REQUEST_TARGET_MESSAGE, parseRequestTarget } from '../security/request-target';
import { errorReply } from './error-reply';
import { healthRoute } from './health-route';
import { InvalidRequestTargetError } from './http-errors';
import { readJsonBody } from './json-body';
import { pageTokenSeal } from './page-token';
import { type Reply, Router } from './router';
import { webhookGuard, type WebhookGuardOptions } from './webhook-guard';
import { webhookRoute } from './webhook-route';

export interface ApiTimeouts {
  /** The whole header block must arrive within this (slowloris). Default 10 s. */
  headersMs?: number;
  /** The whole request, body included, must arrive within this. Default 60 s (a large webhook on a slow link). */
  requestMs?: number;
  /** An idle keep-alive connection is closed after this. Default 5 s. */
  keepAliveMs?: number;
}

export interface ApiDeps {
  cards: FlinksRefreshClient;
  /** Where webhook data goes: the same sink the worker writes to. */
  sink: DataSink;
  /** API_TOKEN: Bearer token of every route but /healthz. */
  token: string;
  /** API_BODY_LIMIT, bytes. Default 64 KiB. */
  bodyLimitBytes?: number;
  /** WEBHOOK_BODY_LIMIT, bytes: a GetAccountsDetail body carries statements. Default 32 MiB. */
  webhookBodyLimitBytes?: number;
  /** WEBHOOK_IN_FLIGHT_LIMIT, bytes: what all webhook bodies being read or handled may hold together. */
  webhookInFlightLimitBytes?: number;
  webhooks?: Omit<WebhookGuardOptions, 'apiToken'>;
  timeouts?: ApiTimeouts;
  /** How long a request waits to learn that Temporal is unreachable (then 503, nothing attempted). Default 3 s. */
  temporalTimeoutMs?: number;
  log?: FlinksLogger;
}

export interface ApiServer {
  server: Server;
  /** Starts listening; port 0 picks a free one. Resolves with the bound port and a base URL. */
  listen(port: number, host?: string): Promise<{ port: number; url: string }>;
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts what is left. */
  close(graceMs?: number): Promise<void>;
}

export class ApiConfigError extends Error {
  override readonly name = 'ApiConfigError';
}

export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;
export const DEFAULT_WEBHOOK_BODY_LIMIT_BYTES = 32 * 1024 * 1024;

export function createApiServer(deps: ApiDeps): ApiServer {
  if (!deps.token) throw new ApiConfigError('The HTTP API needs a token (API_TOKEN)');
  const log = deps.log ?? silentLogger;
  const bodyLimit = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const temporalTimeoutMs = deps.temporalTimeoutMs ?? 3_000;
  const webhookBodyLimit = deps.webhookBodyLimitBytes ?? DEFAULT_WEBHOOK_BODY_LIMIT_BYTES;
  const webhookInFlight =
    deps.webhookInFlightLimitBytes ?? defaultWebhookInFlightLimitBytes(webhookBodyLimit);
  if (webhookInFlight < webhookBodyLimit) {
    throw new ApiConfigError(
      `The webhook in-flight limit (${webhookInFlight} bytes) is below the webhook body limit (${webhookBodyLimit} bytes)`,
    );
  }
  const router = new Router([
    healthRoute(deps.cards, temporalTimeoutMs),
    ...cardRoutes(deps.cards, temporalTimeoutMs, pageTokenSeal(deps.token)),
    webhookRoute({
      cards: deps.cards,
      temporalTimeoutMs,
      sink: deps.sink,
      log,
      bodyLimitBytes: webhookBodyLimit,
      inFlight: new ByteBudget(webhookInFlight, 'WEBHOOK_IN_FLIGHT_LIMIT'),
    }),
  ]);
  const guardWebhook = webhookGuard({ ...deps.webhooks, apiToken: deps.token });

  const serve = async (req: IncomingMessage, url: URL | null): Promise<Reply> => {
    if (url === null) throw new InvalidRequestTargetError(BAD_REQUEST_TARGET_MESSAGE);
    const { route, params } = router.match(req.method ?? 'GET', url.pathname);
    if (route.auth === 'token') requireBearer(req, deps.token);
    else if (route.auth === 'webhook') guardWebhook(req, url);
    const limit = route.bodyLimitBytes ?? bodyLimit;
    // Held until the handler is done with the body (parsed, stored), not only while it arrives.
    const reservation = route.inFlight?.reserve();
    try {
      return await route.handle({ req, url, params, body: () => readJsonBody(req, limit, reservation) });
    } finally {
      reservation?.release();
    }
  };

  // Everything a request carries is read in here, where a throw becomes an answer: a throw in the listener itself
  // would end the process.
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = parseRequestTarget(req.url);
    const context = { method: req.method ?? '?', path: url?.pathname ?? '(not a path)' };
    await serve(req, url)
      .catch((error: unknown) => errorReply(error, log, context))
      .then((reply) => send(req, res, reply))
      .catch((error: unknown) => {
        log.error('could not answer a request', { ...context, error: String(error) });
        res.destroy();
      });
  };

  const headersMs = deps.timeouts?.headersMs ?? 10_000;
  const requestMs = deps.timeouts?.requestMs ?? 60_000;
  const server = createServer(
    {
      headersTimeout: headersMs,
      requestTimeout: requestMs,
      // How often Node checks the two timeouts above (default 30 s would let them overrun by that much).
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersMs / 4))),
    },
    (req, res) => void answer(req, res).catch(() => res.destroy()),
  );
  server.keepAliveTimeout = deps.timeouts?.keepAliveMs ?? 5_000;
  // A malformed request line or headers, or a timed-out slow client: a bare 400/408 and close, as Node does.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  });

  return {
    server,
    listen: (port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const bound = (server.address() as AddressInfo).port;
          const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
          resolve({ port: bound, url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${bound}` });
        });
      }),
    close: (graceMs = 5_000) =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(reply.body);
  // A request whose body was not read to the end (413, or refused before reading) cannot share its connection.
  const unread = !req.complete;
  res.writeHead(reply.status, {
    ...reply.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...(unread ? { connection: 'close' } : {}),
  });
  res.end(text, () => {
    if (unread) req.destroy();
  });
}
