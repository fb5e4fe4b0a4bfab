// Two ways to send a fuzzed request, both over real sockets: fetch (undici, what a backend would use) and a raw
// HTTP/1.1 writer for what fetch refuses or rewrites (`..` segments, raw UTF-8 or NUL bytes in the path, TRACE,
// duplicate headers, chunked bodies). Every request has a deadline: a hang is a finding, not a stuck suite.
import { connect } from 'node:net';

export interface FuzzRequest {
  method: string;
  /** As written on the request line: already percent-encoded, or not, on purpose. */
  path: string;
  headers: [string, string][];
  body?: Buffer;
  transport: 'fetch' | 'raw';
  /** raw only: send the body chunked instead of with a Content-Length. */
  chunked?: boolean;
}

export interface FuzzResponse {
  /** 0 when no HTTP answer came back (connection reset, timeout). */
  status: number;
  body: string;
  contentType: string | null;
  /** Set when the request ended without an answer: 'timeout', or the socket error. */
  error?: string;
  ms: number;
}

export async function send(baseUrl: string, request: FuzzRequest, timeoutMs: number): Promise<FuzzResponse> {
  const started = Date.now();
  const result =
    request.transport === 'fetch'
      ? await viaFetch(baseUrl, request, timeoutMs)
      : await viaSocket(baseUrl, request, timeoutMs);
  return { ...result, ms: Date.now() - started };
}

async function viaFetch(
  baseUrl: string,
  request: FuzzRequest,
  timeoutMs: number,
): Promise<Omit<FuzzResponse, 'ms'>> {
  try {
    const response = await fetch(`${baseUrl}${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: request.body === undefined ? undefined : new Uint8Array(request.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.text();
    return { status: response.status, body, contentType: response.headers.get('content-type') };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return {
      status: 0,
      body: '',
      contentType: null,
      error: name === 'TimeoutError' ? 'timeout' : `${String(error)}${cause}`,
    };
  }
}

function viaSocket(
  baseUrl: string,
  request: FuzzRequest,
  timeoutMs: number,
): Promise<Omit<FuzzResponse, 'ms'>> {
  const lines = [`${request.method} ${request.path} HTTP/1.1`, 'host: fuzz', 'connection: close'];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  const body = request.body;
  if (body !== undefined && request.chunked) lines.push('transfer-encoding: chunked');
  else if (body !== undefined) lines.push(`content-length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  const payload =
    body === undefined
      ? []
      : request.chunked
        ? [Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]
        : [body];
  return sendBytes(baseUrl, Buffer.concat([head, ...payload]), timeoutMs);
}

/** Writes `bytes` as they are (request line, headers, body) onto a new connection and reads the one answer. */
export function sendBytes(
  baseUrl: string,
  bytes: Buffer,
  timeoutMs: number,
): Promise<Omit<FuzzResponse, 'ms'>> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseResponse(Buffer.concat(chunks)), ...(error ? { error } : {}) });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (isComplete(Buffer.concat(chunks))) finish();
    });
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (error) => finish(chunks.length > 0 ? undefined : String(error)));
    socket.on('connect', () => socket.write(bytes, () => undefined));
  });
}

/** Complete when the head arrived and, with a Content-Length, the whole body. */
function isComplete(raw: Buffer): boolean {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const head = raw.subarray(0, end).toString('latin1');
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  return length !== null && raw.length - end - 4 >= Number(length[1]);
}

function parseResponse(raw: Buffer): Omit<FuzzResponse, 'ms' | 'error'> {
  const end = raw.indexOf('\r\n\r\n');
  const head = (end < 0 ? raw : raw.subarray(0, end)).toString('latin1');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  const contentType = /\r\ncontent-type:\s*([^\r\n]*)/i.exec(head);
  return {
    status: status ? Number(status[1]) : 0,
    body: end < 0 ? '' : raw.subarray(end + 4).toString('utf8'),
    contentType: contentType?.[1] ?? null,
  };
}

/** Lines that only a stack trace or a leaked source location would put in a response. */
export const STACK_TRACE = /\n\s+at |\bat [\w.<>]+ \(|node_modules|\/work\/|\.ts:\d+|\.js:\d+/;
