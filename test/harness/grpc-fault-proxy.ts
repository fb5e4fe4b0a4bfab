// A gRPC proxy (h2c, loopback) in front of a Temporal server that answers chosen calls with a gRPC error: the real
// server behind it, real status codes in front of it. Every Temporal service call is unary, so a request is read
// whole before it is judged and forwarded.
import http2 from 'node:http2';
import { type AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface GrpcCall {
  /** `/temporal.api.workflowservice.v1.WorkflowService/DescribeTaskQueue` */
  path: string;
  /** The request message, out of gRPC's frame (5-byte header, gzip when its flag says so, as Core sends). */
  message: Buffer;
}

export interface GrpcFault {
  /** gRPC status code, e.g. 14 UNAVAILABLE. */
  code: number;
  message: string;
}

/** The path of a WorkflowService method, as `GrpcCall.path` has it. */
export function workflowServicePath(method: string): string {
  return `/temporal.api.workflowservice.v1.WorkflowService/${method}`;
}

/** Decides per call: a fault to answer with, or null to forward it. */
export type FaultRule = (call: GrpcCall) => GrpcFault | null;

export interface GrpcFaultProxy {
  /** host:port to connect to instead of the server's. */
  address: string;
  /** Every call so far, in order, and whether it was answered with a fault. */
  readonly calls: (GrpcCall & { faulted: boolean })[];
  setRule(rule: FaultRule | null): void;
  close(): Promise<void>;
}

function requestMessage(frame: Buffer): Buffer {
  const message = frame.subarray(5);
  return frame[0] === 1 ? gunzipSync(message) : message;
}

const HOP_HEADERS = new Set([':scheme', ':authority', 'connection', 'keep-alive', 'transfer-encoding']);

export async function startGrpcFaultProxy(target: string): Promise<GrpcFaultProxy> {
  const upstream = http2.connect(`http://${target}`);
  upstream.on('error', () => undefined);
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  const calls: (GrpcCall & { faulted: boolean })[] = [];
  let rule: FaultRule | null = null;

  const forward = (
    stream: http2.ServerHttp2Stream,
    headers: http2.IncomingHttpHeaders,
    body: Buffer,
  ): void => {
    const outgoing = Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_HEADERS.has(name)));
    const request = upstream.request(outgoing);
    request.end(body);
    stream.on('close', () => {
      if (!request.closed) request.close(http2.constants.NGHTTP2_CANCEL);
    });
    request.on('error', () => {
      if (!stream.closed) stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    });
    request.on('response', (responseHeaders) => {
      if (stream.closed) return;
      // Trailers-only: an error status in the headers ends the call.
      if ('grpc-status' in responseHeaders) {
        stream.respond(responseHeaders, { endStream: true });
        return;
      }
      stream.respond(responseHeaders, { waitForTrailers: true });
      let trailers: http2.OutgoingHttpHeaders = {};
      request.on('data', (chunk: Buffer) => stream.write(chunk));
      request.on('trailers', (received) => {
        trailers = received;
      });
      request.on('end', () => {
        if (stream.closed) return;
        stream.once('wantTrailers', () => stream.sendTrailers(trailers));
        stream.end();
      });
    });
  };

  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', () => undefined);
    stream.on('end', () => {
      const body = Buffer.concat(chunks);
      const call: GrpcCall = { path: String(headers[':path']), message: requestMessage(body) };
      const fault = rule?.(call) ?? null;
      calls.push({ ...call, faulted: fault !== null });
      if (stream.closed) return;
      if (fault === null) {
        forward(stream, headers, body);
        return;
      }
      stream.respond(
        {
          ':status': 200,
          'content-type': 'application/grpc',
          'grpc-status': String(fault.code),
          'grpc-message': encodeURIComponent(fault.message),
        },
        { endStream: true },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    address: `127.0.0.1:${port}`,
    calls,
    setRule(next) {
      rule = next;
    },
    async close() {
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      upstream.close();
    },
  };
}
