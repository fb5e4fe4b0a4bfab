// The worker process's health endpoint (WORKER_HEALTH_PORT): GET /healthz answers 200 while both workers run and
// poll, 503 with the reason otherwise (starting, draining, stopped, failed). For compose's healthcheck and for
// orchestrators' probes. It only reads state: no request can change the worker or end the process.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { sendJson } from '../http/json-reply';
import { BAD_REQUEST_TARGET_MESSAGE, parseRequestTarget } from '../security/request-target';
import { isHealthy, type WorkerHealth } from './worker-health';

export class HealthServerError extends Error {
  override readonly name = 'HealthServerError';
}

export interface HealthServerOptions {
  host: string;
  port: number;
  /** The process's health now; asked on every request. */
  health: () => WorkerHealth;
  /** Where an unexpected error is reported. */
  log?: (message: string) => void;
}

export interface HealthServer {
  /** e.g. http://127.0.0.1:3001/healthz */
  url: string;
  close(): Promise<void>;
}

export const HEALTH_PATH = '/healthz';

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    // A body is never read: drained so the connection can be reused.
    req.resume();
    const url = parseRequestTarget(req.url);
    if (url === null) return sendJson(res, 400, { error: BAD_REQUEST_TARGET_MESSAGE });
    if (url.pathname !== HEALTH_PATH)
      return sendJson(res, 404, { error: `No route ${url.pathname}: GET ${HEALTH_PATH}` });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendJson(res, 405, { error: `${req.method} is not allowed: GET` }, { allow: 'GET, HEAD' });
    }
    let health: WorkerHealth;
    try {
      health = options.health();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      options.log?.(`worker health: reading the workers' state failed: ${message}`);
      health = { status: 'failed', reason: `failed: the workers' state could not be read (${message})` };
    }
    sendJson(res, isHealthy(health) ? 200 : 503, health, {}, req.method === 'HEAD');
  };

  const server = createServer({ requestTimeout: 5_000, connectionsCheckingInterval: 1_000 }, (req, res) => {
    try {
      answer(req, res);
    } catch (error) {
      // Nothing above should throw; if it does, the answer is a 500 and the process lives on.
      options.log?.(`worker health: ${error instanceof Error ? error.message : String(error)}`);
      sendJson(res, 500, { error: 'Internal error' });
    }
  });
  server.headersTimeout = 5_000;
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    const refused = (error: NodeJS.ErrnoException) =>
      reject(
        new HealthServerError(
          `the worker health endpoint cannot listen on ${options.host}:${options.port} (WORKER_HEALTH_HOST, WORKER_HEALTH_PORT): ${error.code ?? error.message}`,
        ),
      );
    server.once('error', refused);
    server.listen(options.port, options.host, () => {
      server.off('error', refused);
      resolve();
    });
  });
  server.on('error', (error) => options.log?.(`worker health: ${error.message}`));
  // The endpoint never keeps the process alive: it ends when the workers have stopped.
  server.unref();
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}${HEALTH_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

