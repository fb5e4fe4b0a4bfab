import { type Simulator, type SimulatorOptions, startSimulator } from '../../src/simulator';

export const SECRET = 'sim-secret';
export const API_KEY = 'sim-api-key';
/** A Tuesday noon, far from the 04:00-08:00 UTC nightly window. */
export const T0 = Date.parse('2026-03-10T12:00:00.000Z');
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface Reply {
  status: number;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

/** Plain fetch against the simulator, the way any Flinks client would talk to it. */
export class FlinksHttp {
  constructor(readonly sim: Simulator) {}

  async call(
    method: string,
    endpoint: string,
    opts: { body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.sim.baseUrl}/${endpoint}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep the text: malformed bodies are asserted on as text
    }
    return { status: res.status, body: parsed, text };
  }

  async token(): Promise<string> {
    const reply = await this.call('POST', 'GenerateAuthorizeToken', {
      headers: { 'flinks-auth-key': SECRET },
    });
    expect(reply.status).toBe(200);
    return reply.body.Token as string;
  }

  async authorize(body: Record<string, unknown>): Promise<Reply> {
    return this.call('POST', 'Authorize', { body, headers: { 'flinks-auth-key': await this.token() } });
  }

  cached(loginId: string): Promise<Reply> {
    return this.authorize({ LoginId: loginId, MostRecentCached: true });
  }

  live(loginId: string): Promise<Reply> {
    return this.authorize({ LoginId: loginId, MostRecentCached: false, Save: true });
  }

  detail(requestId: string, extra: Record<string, unknown> = {}): Promise<Reply> {
    return this.call('POST', 'GetAccountsDetail', {
      body: { RequestId: requestId, WithTransactions: true, WithBalance: true, ...extra },
      headers: { 'x-api-key': API_KEY },
    });
  }

  detailAsync(requestId: string, method = 'GET'): Promise<Reply> {
    return this.call(method, `GetAccountsDetailAsync/${requestId}`, { headers: { 'x-api-key': API_KEY } });
  }

  summary(requestId: string): Promise<Reply> {
    return this.call('POST', 'GetAccountsSummary', {
      body: { RequestId: requestId },
      headers: { 'x-api-key': API_KEY },
    });
  }

  summaryAsync(requestId: string): Promise<Reply> {
    return this.call('GET', `GetAccountsSummaryAsync/${requestId}`, { headers: { 'x-api-key': API_KEY } });
  }

  /** Sync call, then Async polls until 200 (bounded). */
  async fetchDetail(requestId: string): Promise<Reply> {
    let reply = await this.detail(requestId);
    for (let i = 0; i < 20 && reply.status === 202; i += 1) reply = await this.detailAsync(requestId);
    return reply;
  }

  nightlyStatus(secret = SECRET): Promise<Reply> {
    return this.call('GET', 'GetNightlyRefreshStatus', { headers: { authorization: `Bearer ${secret}` } });
  }
}

/** A fresh simulator whose owned, non-ticking clock is set to T0, plus an HTTP helper. */
export async function startAtT0(
  options: Partial<SimulatorOptions> = {},
): Promise<{ sim: Simulator; http: FlinksHttp }> {
  const sim = await startSimulator({ secretKey: SECRET, apiKey: API_KEY, clockTicks: false, ...options });
  if (options.clock === undefined) await sim.admin.setClock(T0);
  return { sim, http: new FlinksHttp(sim) };
}

export async function admin(sim: Simulator, method: string, path: string, body?: unknown): Promise<Reply> {
  const res = await fetch(`${sim.adminUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown), text };
}
