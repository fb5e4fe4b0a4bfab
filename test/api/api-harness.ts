// Calls the HTTP API as a backend would: real HTTP (fetch), JSON in and out.
import { type ApiDeps, type ApiServer, createApiServer } from '../../src/api';
import { DirectorySink } from '../../src/flinks';
import { createRoutineWorld, type RoutineWorld } from '../routine/routine-world';

export const API_TOKEN = 'api-test-token-0123456789abcdef';

export interface ApiReply {
  status: number;
  headers: Headers;
  // Answers are JSON objects; tests read their fields.
  body: Record<string, unknown> & { fields?: { field: string; message: string }[] };
}

export interface CallOptions {
  body?: unknown;
  /** Sent as is (for malformed bodies); wins over `body`. */
  raw?: string | Buffer;
  /** null sends no Authorization header. */
  token?: string | null;
  headers?: Record<string, string>;
}

export type ApiCall = (method: string, path: string, options?: CallOptions) => Promise<ApiReply>;

export interface RunningApi {
  api: ApiServer;
  url: string;
  call: ApiCall;
}

export async function startApi(deps: Omit<ApiDeps, 'token'> & { token?: string }): Promise<RunningApi> {
  const api = createApiServer({ token: API_TOKEN, ...deps });
  const { url } = await api.listen(0);
  return { api, url, call: apiCaller(url) };
}

export function apiCaller(url: string): ApiCall {
  return async (method, path, options = {}) => {
    const token = options.token === undefined ? API_TOKEN : options.token;
    const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...options.headers,
      },
      body: payload,
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? (JSON.parse(text) as ApiReply['body']) : {},
    };
  };
}

/** The routine tests' deployment in miniature (dev server, simulator, the product's workers) behind the API. */
export async function createApiWorld(): Promise<{
  world: RoutineWorld;
  http: RunningApi;
  close(): Promise<void>;
}> {
  const world = await createRoutineWorld();
  await world.startWorkers();
  const http = await startApi({ cards: world.cards, sink: new DirectorySink(world.config.dataSink.dir) });
  return {
    world,
    http,
    async close() {
      await http.api.close();
      await world.close();
    },
  };
}
