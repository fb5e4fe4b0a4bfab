import { type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import {
  clockChangeSchema,
  type CreateCardInput,
  reconnectSchema,
  setScenarioSchema,
  type SimAdmin,
  SimulatorAdminError,
  validate,
} from './admin';
import { type Faults } from './faults';
import { decodeSegment, readBody, writeJson } from './http-io';

const loopback = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && loopback.has(address);
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req);
  if (raw.tooLarge) throw new SimulatorAdminError(413, 'body too large');
  const text = raw.bytes.toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SimulatorAdminError(400, 'body is not valid JSON');
  }
}

type Route = (admin: SimAdmin, req: IncomingMessage, id: string) => Promise<unknown>;

/** `METHOD /admin/<pattern>` -> the SimAdmin function it calls; `:id` is a loginId. */
const routes: Record<string, Route> = {
  // createCard and setFaults validate their input themselves.
  'POST cards': async (admin, req) => admin.createCard((await jsonBody(req)) as CreateCardInput),
  'GET cards': (admin) => admin.listCards(),
  'GET cards/:id': (admin, _req, id) => admin.getCard(id),
  'PATCH cards/:id': async (admin, req, id) => {
    const body = validate(setScenarioSchema, await jsonBody(req));
    return admin.setScenario(id, body.scenario, body.options);
  },
  'POST cards/:id/reconnect': async (admin, req, id) => {
    const body = validate(reconnectSchema, await jsonBody(req));
    return admin.completeUserReconnect(id, body.requestId);
  },
  'PUT faults': async (admin, req) => admin.setFaults((await jsonBody(req)) as Faults),
  'DELETE faults': (admin) => admin.clearFaults(),
  'GET clock': (admin) => admin.clock(),
  'POST clock': async (admin, req) => {
    const body = clockChangeSchema.safeParse(await jsonBody(req));
    if (!body.success) throw new SimulatorAdminError(400, 'expected { advanceMs } or { now }');
    return 'advanceMs' in body.data ? admin.advanceClock(body.data.advanceMs) : admin.setClock(body.data.now);
  },
  'POST nightly': (admin) => admin.runNightlyJob(),
  'GET counters': (admin) => admin.counters(),
  'DELETE counters': (admin) => admin.resetCounters(),
  'GET requests': (admin) => admin.requestLog(),
};

const idSegment = z.string().min(1).max(200);

function routeKey(method: string, segments: string[]): { key: string; id: string } | null {
  const [collection, id, action] = segments;
  if (collection === undefined || segments.length > 3) return null;
  if (id === undefined) return { key: `${method} ${collection}`, id: '' };
  if (!idSegment.safeParse(id).success) return null;
  return { key: `${method} ${collection}/:id${action === undefined ? '' : `/${action}`}`, id: decodeSegment(id) };
}

/** `/admin/...`: JSON in, JSON out; `{ error }` with 400/404/409 on refusal. Never rejects. */
export async function serveAdmin(
  admin: SimAdmin,
  allowRemote: boolean,
  req: IncomingMessage,
  res: ServerResponse,
  segments: string[],
): Promise<void> {
  try {
    if (!allowRemote && !isLoopback(req.socket.remoteAddress)) {
      throw new SimulatorAdminError(403, 'the admin API only answers loopback clients');
    }
    const match = routeKey(req.method ?? 'GET', segments);
    const route = match && routes[match.key];
    if (!match || !route) throw new SimulatorAdminError(404, `no admin route ${req.method ?? ''} /admin/${segments.join('/')}`);
    const result = await route(admin, req, match.id);
    writeJson(res, req.method === 'POST' && match.key === 'POST cards' ? 201 : 200, result);
  } catch (error) {
    const status = error instanceof SimulatorAdminError ? error.status : 500;
    writeJson(res, status, { error: error instanceof Error ? error.message : String(error) });
  }
}
