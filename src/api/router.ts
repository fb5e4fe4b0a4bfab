// Routes as data: method, path pattern ('/cards/:loginId/refresh'), who may call it, and the handler.
import { type IncomingMessage } from 'node:http';
import { type ByteBudget } from './byte-budget';
import { MethodNotAllowedError, RouteNotFoundError } from './http-errors';

/** `token`: Bearer API_TOKEN. `webhook`: the webhook guard (shared secret / IP allow-list). `none`: anyone. */
export type RouteAuth = 'token' | 'webhook' | 'none';

export interface RequestContext {
  req: IncomingMessage;
  url: URL;
  params: Record<string, string>;
  /** The JSON body, read with the route's limit; `undefined` when the body is empty. */
  body(): Promise<unknown>;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  auth: RouteAuth;
  /** Overrides the server's API_BODY_LIMIT (webhook payloads carry whole statements). */
  bodyLimitBytes?: number;
  /** Shared by every request to the route: the bytes their bodies may hold together (WEBHOOK_IN_FLIGHT_LIMIT). */
  inFlight?: ByteBudget;
  handle(ctx: RequestContext): Promise<Reply>;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export class Router {
  private readonly routes: { route: Route; segments: string[] }[];

  constructor(routes: readonly Route[]) {
    this.routes = routes.map((route) => ({ route, segments: split(route.path) }));
  }

  /** The route for this request, or RouteNotFoundError / MethodNotAllowedError (with the allowed methods). */
  match(method: string, pathname: string): RouteMatch {
    const segments = split(pathname);
    const allowed: string[] = [];
    for (const candidate of this.routes) {
      const params = matchSegments(candidate.segments, segments);
      if (params === null) continue;
      if (candidate.route.method === method) return { route: candidate.route, params };
      allowed.push(candidate.route.method);
    }
    if (allowed.length > 0) {
      throw new MethodNotAllowedError(`${method} is not allowed on ${pathname}`, allowed);
    }
    throw new RouteNotFoundError(`No route for ${pathname}`);
  }
}

function split(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of pattern.entries()) {
    const value = actual[i] as string;
    if (part.startsWith(':')) params[part.slice(1)] = decode(value);
    else if (part !== value) return null;
  }
  return params;
}

/** A malformed percent-escape is kept as sent: validation then names it. */
function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
