import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type Socket } from 'node:net';
import { BAD_REQUEST_TARGET_MESSAGE, parseRequestTarget } from '../security/request-target';
import { type SimAdmin } from './admin';
import { serveAdmin } from './admin-http';
import { failure } from './codes';
import { matchApiPath, serveApi } from './flinks-api';
import { writeJson } from './http-io';
import { type ResolvedOptions } from './options';
import { errorReply } from './responses';
import { Waits } from './waits';
import { type SimWorld } from './world';

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/** The HTTP front: `/admin/...` for control, `/v3/{customerId}/BankingServices/...` for Flinks. */
export async function listen(world: SimWorld, admin: SimAdmin, options: ResolvedOptions): Promise<RunningServer> {
  const waits = new Waits();
  const sockets = new Set<Socket>();

  const dispatch = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = parseRequestTarget(req.url);
    if (url === null) {
      req.resume();
      const body = { HttpStatusCode: 400, FlinksCode: 'BAD_REQUEST', Message: BAD_REQUEST_TARGET_MESSAGE };
      return writeJson(res, 400, body);
    }
    // Liveness, for tests and orchestrators: the process answers.
    if (url.pathname === '/healthz' && req.method === 'GET') {
      req.resume();
      return writeJson(res, 200, { status: 'ok' });
    }
    const segments = url.pathname.split('/').filter((part) => part !== '');
    if (segments[0] === 'admin') return serveAdmin(admin, options.allowRemoteAdmin, req, res, segments.slice(1));
    const path = matchApiPath(url.pathname, options.customerId);
    if (path !== null) return serveApi(world, waits, path, req, res, url);
    req.resume();
    const notFound = errorReply(failure('NOT_FOUND', `No route for ${url.pathname}.`));
    writeJson(res, notFound.status, notFound.body);
  };

  const server: Server = createServer((req, res) => {
    dispatch(req, res).catch((error: unknown) => {
      // Both serve functions already answer their own errors; this is the last line of defence.
      const message = error instanceof Error ? error.message : String(error);
      writeJson(res, 500, { HttpStatusCode: 500, FlinksCode: 'AGGREGATION_ERROR', Message: `Simulator error: ${message}` });
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket: Socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      waits.cancelAll();
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
    });
    return closing;
  };
  return { port, close };
}
