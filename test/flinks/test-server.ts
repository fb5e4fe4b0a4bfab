// A tiny programmable node:http server for the client's quirk tests: each request is recorded and
// answered by the current route (JSON, raw text, a hang, a destroyed socket, a delay).
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path after `/v3/<customerId>/BankingServices/`, e.g. `Authorize`, `GetAccountsDetailAsync/abc`. */
  endpoint: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
  receivedAt: number;
}

export type Reply =
  | { status: number; json?: unknown; text?: string; headers?: Record<string, string>; delayMs?: number }
  | { hang: true }
  | { destroy: true };

export type Route = (req: RecordedRequest) => Reply | Promise<Reply>;

export interface TestServer {
  baseUrl: string;
  origin: string;
  requests: RecordedRequest[];
  /** Requests being handled right now, and the most seen at once. */
  inFlight: number;
  maxInFlight: number;
  /** Requests whose connection the client closed before we answered (aborts, timeouts). */
  clientClosed: number;
  setRoute(route: Route): void;
  close(): Promise<void>;
}

export const CUSTOMER_ID = '43387ca6-0391-4c82-857d-70d95f087ecb';

export async function startTestServer(
  initial: Route = () => ({ status: 404, json: {} }),
): Promise<TestServer> {
  let route = initial;
  const hanging = new Set<ServerResponse>();
  const prefix = `/v3/${CUSTOMER_ID}/BankingServices/`;
  const state = { inFlight: 0, maxInFlight: 0, clientClosed: 0 };
  const requests: RecordedRequest[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = req.url ?? '/';
      let json: unknown = undefined;
      try {
        json = body === '' ? undefined : JSON.parse(body);
      } catch {
        json = undefined;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        endpoint: url.startsWith(prefix) ? url.slice(prefix.length) : url,
        url,
        headers: req.headers,
        body,
        json,
        receivedAt: Date.now(),
      };
      requests.push(recorded);
      state.inFlight += 1;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        state.inFlight -= 1;
      };
      res.on('close', () => {
        if (!res.writableEnded) state.clientClosed += 1;
        finish();
      });
      void (async () => {
        const reply = await route(recorded);
        if ('hang' in reply) {
          hanging.add(res);
          return;
        }
        if ('destroy' in reply) {
          req.socket.destroy();
          return;
        }
        if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
        if (res.destroyed) return;
        const text = reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
        res.writeHead(reply.status, {
          'content-type': reply.text === undefined ? 'application/json; charset=utf-8' : 'text/plain',
          ...reply.headers,
        });
        res.end(text);
        finish();
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    baseUrl: `${origin}/v3/${CUSTOMER_ID}/BankingServices`,
    origin,
    requests,
    get inFlight() {
      return state.inFlight;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    get clientClosed() {
      return state.clientClosed;
    },
    setRoute(next: Route) {
      route = next;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Collects every line a FlinksLogger receives, with its fields, as one string per call. */
export function captureLogger(): {
  lines: string[];
  logger: {
    debug: (m: string, f?: object) => void;
    info: (m: string, f?: object) => void;
    warn: (m: string, f?: object) => void;
    error: (m: string, f?: object) => void;
  };
} {
  const lines: string[] = [];
  const push =
    (level: string) =>
    (message: string, fields?: object): void => {
      lines.push(`${level} ${message} ${fields === undefined ? '' : JSON.stringify(fields)}`);
    };
  return {
    lines,
    logger: { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') },
  };
}

export async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
