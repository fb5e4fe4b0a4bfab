// The codec server (`npm run codec-server`): decrypts payloads for the Temporal Web UI (`--ui-codec-endpoint`,
// TEMPORAL_CODEC_ENDPOINT) and CLI (`--codec-endpoint`). Anyone it answers can read every payload it is sent, so it
// accepts one browser origin, requires a bearer token when one is configured, and reads bounded bodies only.
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type PayloadCodec } from '@temporalio/common';
import { bearerToken, secretMatches } from '../security/bearer-token';
import { BAD_REQUEST_TARGET_MESSAGE, parseRequestTarget } from '../security/request-target';
import { PayloadDecryptionError, UnknownEncryptionKeyError } from './errors';
import { fromJsonPayload, payloadsBodySchema, toJsonPayload } from './payload-json';
import { sendJson } from '../http/json-reply';

/** A history page decoded by the UI stays well below this; Temporal refuses payloads above 2 MiB anyway. */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Default 127.0.0.1: only this machine. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** The Web UI's origin, e.g. http://localhost:8233: browsers on any other page are refused. */
  corsOrigin: string;
  /** When set, every request but a CORS preflight needs `Authorization: Bearer <authToken>`. */
  authToken?: string;
  maxBodyBytes?: number;
  /** A request (headers and body) that takes longer is cut off: slow clients hold no socket for long. */
  requestTimeoutMs?: number;
  /** Where unexpected errors are reported (never payloads or tokens). */
  log?: (line: string) => void;
}

export interface CodecServer {
  /** e.g. `http://127.0.0.1:8888`: the value for `--ui-codec-endpoint`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const ROUTES = { '/encode': 'encode', '/decode': 'decode' } as const;
type Route = keyof typeof ROUTES;

// The headers the Web UI sends: its namespace, the JSON body, and the user's access token when it passes one.
const ALLOWED_HEADERS = 'x-namespace, content-type, authorization';

/** A refusal with a status and a message for the client; nothing else about a failure is ever sent. */
class Refusal extends Error {
  override readonly name = 'Refusal';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: OutgoingHttpHeaders = {},
  ) {
    super(message);
  }
}

export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const log = options.log ?? (() => undefined);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const origin = req.headers.origin;
    // Only the UI's pages may call: a page elsewhere could otherwise have a signed-in user's browser decode for it.
    if (origin !== undefined && origin !== options.corsOrigin) {
      throw new Refusal(
        403,
        `Origin ${origin} is not allowed: this codec server serves ${options.corsOrigin}`,
      );
    }
    const url = parseRequestTarget(req.url);
    if (url === null) throw new Refusal(400, BAD_REQUEST_TARGET_MESSAGE);
    const path = url.pathname;
    if (req.method === 'OPTIONS') {
      // A preflight carries no credentials: it only learns what the real request may send.
      sendJson(res, 204, undefined, {
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': '600',
      });
      return;
    }
    if (
      options.authToken !== undefined &&
      !secretMatches(bearerToken(req.headers.authorization), options.authToken)
    ) {
      throw new Refusal(401, 'Authorization: Bearer <CODEC_AUTH_TOKEN> is missing or wrong', {
        'www-authenticate': 'Bearer realm="codec"',
      });
    }
    if (!Object.hasOwn(ROUTES, path)) throw new Refusal(404, `No route ${path}: POST /encode or /decode`);
    if (req.method !== 'POST')
      throw new Refusal(405, `${req.method} is not allowed: POST`, { allow: 'POST, OPTIONS' });
    // Also keeps out cross-site "simple" requests (text/plain, forms), which browsers send without a preflight.
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      throw new Refusal(415, 'Content-Type must be application/json');
    }
    const body = payloadsBodySchema.safeParse(parseJson(await readBody(req, maxBodyBytes)));
    if (!body.success) {
      const issue = body.error.issues[0];
      throw new Refusal(
        400,
        `Body must be { payloads: [{ metadata, data }] }: ${issue?.path.join('.')} ${issue?.message}`,
      );
    }
    const payloads = body.data.payloads.map(fromJsonPayload);
    try {
      const result = await options.codec[ROUTES[path as Route]](payloads);
      sendJson(res, 200, { payloads: result.map(toJsonPayload) });
    } catch (error) {
      // Name the key id or what is malformed: what an operator needs, and nothing secret.
      if (error instanceof UnknownEncryptionKeyError || error instanceof PayloadDecryptionError) {
        throw new Refusal(422, error.message);
      }
      throw error;
    }
  };

  const server = createServer(
    { requestTimeout: requestTimeoutMs, connectionsCheckingInterval: 1_000 },
    (req, res) => {
      // Every answer to the UI's origin carries CORS headers, errors included, so the UI can show why.
      if (req.headers.origin === options.corsOrigin) {
        res.setHeader('access-control-allow-origin', options.corsOrigin);
        res.setHeader('access-control-allow-credentials', 'true');
      }
      res.setHeader('vary', 'Origin');
      handle(req, res).catch((error: unknown) => {
        if (error instanceof Refusal) {
          sendJson(res, error.status, { error: error.message }, error.headers);
          return;
        }
        log(
          `codec server: ${req.method} ${req.url} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        sendJson(res, 500, { error: 'Internal error' });
      });
    },
  );
  server.headersTimeout = Math.min(5_000, requestTimeoutMs);
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The body, or a 413 as soon as it is known to be too large (declared or streamed). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new Refusal(413, `Body is larger than ${maxBytes} bytes`, { connection: 'close' });
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      // Stop keeping anything; the 413 closes the connection.
      req.off('data', onData);
      req.resume();
      reject(tooLarge());
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw new Refusal(400, 'Body is not JSON');
  }
}

