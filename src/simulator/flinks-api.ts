import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type ApiRequest, bodyRequestId, parseBody } from './api-request';
import { handleAuthorize } from './authorize';
import { defaultMessages, failure, type FlinksFailure } from './codes';
import { type RequestLogEntry } from './counters';
import { dataCallHandler } from './data-calls';
import { handleGenerateToken } from './generate-token';
import { type Handler } from './handler';
import { decodeSegment, readBody, writeJson } from './http-io';
import { handleDeleteCard, handleNightlyStatus, handleSetScheduledRefresh } from './management';
import { errorReply, type JsonReply } from './responses';
import { type Waits } from './waits';
import { type SimWorld } from './world';

interface Route {
  methods: readonly string[];
  handler: Handler;
}

const routes: Record<string, Route> = {
  GenerateAuthorizeToken: { methods: ['POST'], handler: handleGenerateToken },
  Authorize: { methods: ['POST'], handler: handleAuthorize },
  GetAccountsDetail: { methods: ['POST'], handler: dataCallHandler({ kind: 'detail', async: false }) },
  // The docs poll with GET; some public clients POST. Both work.
  GetAccountsDetailAsync: { methods: ['GET', 'POST'], handler: dataCallHandler({ kind: 'detail', async: true }) },
  GetAccountsSummary: { methods: ['POST'], handler: dataCallHandler({ kind: 'summary', async: false }) },
  GetAccountsSummaryAsync: { methods: ['GET', 'POST'], handler: dataCallHandler({ kind: 'summary', async: true }) },
  GetNightlyRefreshStatus: { methods: ['GET'], handler: handleNightlyStatus },
  SetScheduledRefresh: { methods: ['PATCH'], handler: handleSetScheduledRefresh },
  DeleteCard: { methods: ['DELETE'], handler: handleDeleteCard },
};

/** Endpoint names are matched case-insensitively, like the ASP.NET routing behind Flinks. */
const byLowerName = new Map(Object.keys(routes).map((name) => [name.toLowerCase(), name]));

export type ApiPath =
  | { kind: 'endpoint'; endpoint: string; param: string | undefined }
  | { kind: 'unknown-endpoint'; name: string }
  | { kind: 'wrong-customer' };

/** `/v3/{customerId}/BankingServices/{Endpoint}[/{param}]`, or null when the path is not the API's. */
export function matchApiPath(pathname: string, customerId: string): ApiPath | null {
  const parts = pathname.split('/').filter((part) => part !== '');
  if (parts.length < 4 || parts[0]?.toLowerCase() !== 'v3' || parts[2]?.toLowerCase() !== 'bankingservices') return null;
  if (parts[1]?.toLowerCase() !== customerId.toLowerCase()) return { kind: 'wrong-customer' };
  const name = parts[3] ?? '';
  const endpoint = byLowerName.get(name.toLowerCase());
  if (endpoint === undefined || parts.length > 5) return { kind: 'unknown-endpoint', name };
  return { kind: 'endpoint', endpoint, param: parts[4] === undefined ? undefined : decodeSegment(parts[4]) };
}

function reply(res: ServerResponse, entry: RequestLogEntry, answer: JsonReply, truncate = false): void {
  entry.status = answer.status;
  writeJson(res, answer.status, answer.body, truncate);
}

function injectedFailure(code: 'TOO_MANY_REQUESTS' | 'AGGREGATION_ERROR'): FlinksFailure {
  return failure(code, defaultMessages[code] ?? code);
}

/** The RequestId a session call is about, for the error bodies of injected faults. */
function sessionRequestId(req: ApiRequest): string | undefined {
  const fromPath = req.endpoint.endsWith('Async') ? req.param : undefined;
  return fromPath ?? bodyRequestId(req);
}

/** One Flinks API request: route, read, inject faults, handle, answer. Never rejects. */
export async function serveApi(
  world: SimWorld,
  waits: Waits,
  path: ApiPath,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const endpoint = path.kind === 'endpoint' ? path.endpoint : 'unknown';
  const entry = world.counters.request(endpoint, Date.now());
  try {
    const raw = await readBody(req);
    if (path.kind === 'wrong-customer') {
      return reply(res, entry, errorReply(failure('ACCESS_DENIED', 'Unknown customerId.')));
    }
    if (path.kind === 'unknown-endpoint') {
      return reply(res, entry, errorReply(failure('NOT_FOUND', `No endpoint named '${path.name}'.`)));
    }
    const route = routes[path.endpoint];
    const method = req.method ?? 'GET';
    if (route === undefined || !route.methods.includes(method)) {
      const allowed = route?.methods.join(', ') ?? '';
      return reply(res, entry, errorReply(failure('METHOD_NOT_ALLOWED', `${path.endpoint} accepts ${allowed}, not ${method}.`)));
    }
    const contentType = req.headers['content-type'];
    const apiReq: ApiRequest = {
      method,
      endpoint: path.endpoint,
      param: path.param,
      headers: req.headers,
      query: url.searchParams,
      body: parseBody(raw.bytes, contentType, raw.tooLarge),
    };

    const fault = world.faults.decide(path.endpoint);
    if (fault.delayMs > 0) world.counters.fault('latency');
    if (fault.hangMs > 0) world.counters.fault('hang');
    if (!(await waits.wait(fault.delayMs + fault.hangMs, res))) return;
    const now = await world.sync();
    const requestId = sessionRequestId(apiReq);
    if (fault.malformed) world.counters.fault('malformed');
    if (fault.reject !== null) {
      world.counters.fault(fault.reject === 'TOO_MANY_REQUESTS' ? 'too-many-requests' : 'aggregation-error');
      const session = requestId === undefined ? undefined : { requestId };
      return reply(res, entry, errorReply(injectedFailure(fault.reject), session), fault.malformed);
    }
    if (fault.expireRequestId && requestId !== undefined) {
      world.counters.fault('expired-request-id');
      world.sessions.forget(requestId);
    }
    const answer = route.handler({ world, req: apiReq, now, entry });
    if (fault.answer === 'lost') {
      // Processed, then the connection drops before a byte of the answer: the client cannot tell what happened.
      world.counters.fault('lost-answer');
      req.socket.destroy();
      return;
    }
    if (fault.answer === 'slow') {
      world.counters.fault('slow-answer');
      if (!(await waits.wait(fault.slowAnswerMs, res))) return;
    }
    reply(res, entry, answer, fault.malformed);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    reply(res, entry, errorReply(failure('AGGREGATION_ERROR', `Simulator error: ${message}`)));
  }
}
