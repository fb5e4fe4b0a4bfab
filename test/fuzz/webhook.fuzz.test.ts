// Bad input, Flinks webhooks: over a thousand generated deliveries to POST /flinks/webhooks on the real API server
// (shared secret configured, as the URL given to Flinks support would carry it), backed by the shared dev server,
// the product's workers and a directory sink. Payloads are real GetAccountsDetail bodies from the simulator, sent
// again as Flinks redelivers them (also concurrently), renewed, and mutated: fields dropped, renamed, retyped,
// nulled, wrong ResponseType, bad dates, huge arrays under and over the limit; plus random JSON, non-JSON, wrong
// content types, and missing, wrong and near-miss secrets; and a second server with an IP allow-list.
//
// Expected: 403 from a refused address, 401 for a wrong secret, 413 over the limit, 415 for other media types, 400
// for malformed payloads (naming the field), 200 for valid ones (handled or ignored by type); never a 5xx, a stack
// trace or a hang. Each requestId is written to the sink once, however often it is delivered; each card's
// lastSuccessfulRefreshAt is the latest LastRefresh delivered for it (one later than now is answered, and
// counted, as now: issue 12, finding 4); no workflow task fails.
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type ApiServer, createApiServer } from '../../src/api';
import { MAX_JSON_DEPTH } from '../../src/api/json-body';
import { type CardView, webhookRefreshSchema } from '../../src/domain/card-messages';
import { DirectorySink, FlinksClient, normalizeFlinksDateTime } from '../../src/flinks';
import { cardWorkflowId } from '../../src/workflows/definitions';
import { waitFor } from '../harness/wait-for';
import { createFuzzWorld, type FuzzWorld, isBenignTaskFailure, workflowTaskFailures } from './fuzz-world';
import {
  dateLike,
  fuzzSeed,
  hashString,
  hugeString,
  type Json,
  mutate,
  Prng,
  randomJson,
  randomString,
  report,
  tally,
  seededUuid,
  weighted,
  wellFormed,
} from './generators';
import { type FuzzRequest, type FuzzResponse, send, STACK_TRACE } from './http';
import { detailWebhookSchema } from './webhook-contract';

const SEED = fuzzSeed(0x5eed_0b0c);
const CASES = 1_100;
const CONCURRENCY = 8;
const TIMEOUT_MS = 20_000;
const FLINKS_SECRET = 'fuzz-webhook-flinks-secret';
const API_TOKEN = 'fuzz-webhook-api-token-4f8c2a9e';
const WEBHOOK_SECRET = 'fuzz-webhook-secret-7d1e5b3a90';
const LIMIT = 256 * 1024;
const DAY_MS = 86_400_000;

let world: FuzzWorld;
let api: ApiServer;
let fenced: ApiServer;
let baseUrl: string;
let fencedUrl: string;
/** Connected cards (their webhooks renew them) and a simulator card no workflow keeps. */
const connected: string[] = [];
let stranger: string;
/** One real GetAccountsDetail webhook per card, as Flinks would push it. */
const bases = new Map<string, Record<string, Json>>();
const initialRefresh = new Map<string, string | null>();
const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => void rejections.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  world = await createFuzzWorld({ secret: FLINKS_SECRET });
  const sink = new DirectorySink(world.sinkDir);
  api = createApiServer({
    cards: world.cards,
    sink,
    token: API_TOKEN,
    webhookBodyLimitBytes: LIMIT,
    webhooks: { secret: WEBHOOK_SECRET },
  });
  fenced = createApiServer({
    cards: world.cards,
    sink,
    token: API_TOKEN,
    webhookBodyLimitBytes: LIMIT,
    webhooks: { secret: WEBHOOK_SECRET, allowedIps: ['203.0.113.0/24'] },
  });
  baseUrl = (await api.listen(0)).url;
  fencedUrl = (await fenced.listen(0)).url;

  // Fixed loginIds: the simulator's data (and so every mutation drawn from it) is the same on every run of a seed;
  // salted per suite, so suites run with one FUZZ_SEED on one dev server never share a card.
  const ids = new Prng(SEED ^ hashString('webhook-cards'));
  const flinks = new FlinksClient({
    baseUrl: world.sim.baseUrl,
    secretKey: FLINKS_SECRET,
    pollIntervalMs: 20,
  });
  try {
    for (let i = 0; i < 4; i++) {
      const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy', loginId: seededUuid(ids) });
      if (i < 3) {
        const threeDaysAgo = new Date(Date.now() - 3 * DAY_MS).toISOString();
        await world.cards.connect(loginId, { connectedAt: threeDaysAgo });
        connected.push(loginId);
      } else stranger = loginId;
      const authorized = await flinks.authorize({ loginId, mostRecentCached: false });
      if (authorized.kind !== 'authorized')
        throw new Error(`expected an authorized session, got ${authorized.kind}`);
      const data = (await flinks.fetchAccountsDetail(authorized.requestId)) as Record<string, Json>;
      bases.set(loginId, { ...data, ResponseType: 'GetAccountsDetail' });
    }
  } finally {
    await flinks.close();
  }
  for (const loginId of connected) {
    const view = await world.cards.getCard(loginId);
    initialRefresh.set(loginId, view.lastSuccessfulRefreshAt);
  }
});

afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await api?.close(1_000);
  await fenced?.close(1_000);
  await world?.close();
});

// ---------- the contract's view of a payload ----------

const detailSchema = detailWebhookSchema;

type Expectation =
  | { status: 400 | 401 | 403 | 413 | 415; why: string }
  | { status: 200; handled: false }
  | { status: 200; handled: true; loginId: string; requestId: string; lastRefresh: string | null };

interface Case {
  index: number;
  kind: string;
  auth: string;
  request: FuzzRequest;
  server: 'main' | 'fenced';
  expected: Expectation;
}

function expectationFor(
  server: Case['server'],
  authOk: boolean,
  type: string | null,
  body: Buffer | undefined,
): Expectation {
  if (server === 'fenced') return { status: 403, why: 'address not allowed' };
  if (!authOk) return { status: 401, why: 'secret' };
  if (body !== undefined && body.length > LIMIT) return { status: 413, why: 'size' };
  const mime = type?.split(';')[0]?.trim().toLowerCase();
  if (body !== undefined && body.length > 0 && mime !== 'application/json' && !mime?.endsWith('+json'))
    return { status: 415, why: 'media type' };
  let payload: unknown;
  try {
    payload = body === undefined || body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) ?? {});
  } catch {
    return { status: 400, why: 'not JSON' };
  }
  const envelope = z
    .object({ ResponseType: z.string().min(1) })
    .passthrough()
    .safeParse(payload);
  if (!envelope.success) return { status: 400, why: 'ResponseType' };
  if (envelope.data.ResponseType !== 'GetAccountsDetail') return { status: 200, handled: false };
  const detail = detailSchema.safeParse(payload);
  if (!detail.success) return { status: 400, why: `shape: ${detail.error.issues[0]?.path.join('.')}` };
  const raw = detail.data.Login.LastRefresh;
  const lastRefresh = typeof raw === 'string' ? normalizeFlinksDateTime(raw) : null;
  const signal = webhookRefreshSchema.strict().safeParse({ requestId: detail.data.RequestId, lastRefresh });
  if (!signal.success) return { status: 400, why: 'refresh signal' };
  return {
    status: 200,
    handled: true,
    loginId: detail.data.Login.Id,
    requestId: detail.data.RequestId,
    lastRefresh,
  };
}

// Nesting stays under 100 levels: deeper than MAX_JSON_DEPTH is refused, see B10 at the end.

// ---------- generation ----------

interface AuthChoice {
  query: string;
  headers: [string, string][];
  ok: boolean;
  label: string;
}

function authFor(prng: Prng): AuthChoice {
  const s = WEBHOOK_SECRET;
  const q = (token: string) => `?token=${encodeURIComponent(wellFormed(token))}`;
  const a = (query: string, headers: [string, string][], ok: boolean, label: string): AuthChoice => ({
    query,
    headers,
    ok,
    label,
  });
  return weighted<AuthChoice>(prng, [
    [45, () => a(q(s), [], true, 'secret in the URL')],
    [30, () => a('', [['x-webhook-token', s]], true, 'secret in the header')],
    [2, () => a(`?token=${s.replace(/-/g, '%2D')}`, [], true, 'secret percent-encoded')],
    [2, () => a(q(s), [['x-webhook-token', 'wrong']], true, 'URL wins over a wrong header')],
    [5, () => a('', [], false, 'missing')],
    [2, () => a(q(s.slice(0, -1)), [], false, 'one character short')],
    [2, () => a(q(`${s}0`), [], false, 'one character more')],
    [2, () => a(q(s.toUpperCase()), [], false, 'upper-cased')],
    [2, () => a('', [['x-webhook-token', `${s} `.repeat(2).trim()]], false, 'twice in the header')],
    [2, () => a('', [['authorization', `Bearer ${API_TOKEN}`]], false, 'API token instead')],
    [1, () => a('?token=', [], false, 'empty')],
    [1, () => a(`?TOKEN=${s}`, [], false, 'parameter name upper-cased')],
    [1, () => a(q(randomString(prng).slice(0, 100)), [], false, 'random')],
  ]);
}

function renewed(prng: Prng, base: Record<string, Json>): Record<string, Json> {
  const login = base.Login as Record<string, Json>;
  const later = new Date(Date.now() + prng.int(-2, 30) * DAY_MS + prng.int(0, 86_399) * 1000);
  return {
    ...base,
    RequestId: randomUUID(),
    // Flinks' own format: no zone, seven fractional digits.
    Login: { ...login, LastRefresh: `${later.toISOString().slice(0, -1)}0000` },
  };
}

function bodyFor(prng: Prng): { kind: string; value?: unknown; raw?: Buffer } {
  const loginId = prng.pick([...connected, stranger]);
  const base = bases.get(loginId) as Record<string, Json>;
  return weighted<{ kind: string; value?: unknown; raw?: Buffer }>(prng, [
    [15, () => ({ kind: 'redelivery', value: base })],
    [10, () => ({ kind: 'renewed', value: renewed(prng, base) })],
    [30, () => ({ kind: 'mutated', value: mutate(prng, renewed(prng, base)).value })],
    [
      4,
      () => ({
        kind: 'ResponseType',
        value: {
          ...base,
          ResponseType: prng.pick([
            'KYC',
            'getaccountsdetail',
            'GetAccountsDetail ',
            '',
            'Investments',
            'GetAccountsSummary',
          ]),
        },
      }),
    ],
    [2, () => ({ kind: 'ResponseType retyped', value: { ...base, ResponseType: randomJson(prng, 1) } })],
    [2, () => ({ kind: 'no ResponseType', value: { ...base, ResponseType: undefined } })],
    [
      5,
      () => ({
        kind: 'bad date',
        value: {
          ...renewed(prng, base),
          Login: {
            ...(base.Login as object),
            LastRefresh: prng.chance(0.8) ? dateLike(prng) : randomJson(prng, 1),
          },
        },
      }),
    ],
    [4, () => ({ kind: 'huge arrays', value: hugeArrays(prng, renewed(prng, base)) })],
    [
      2,
      () => ({
        kind: 'over the limit',
        value: { ...renewed(prng, base), Padding: hugeString(prng, LIMIT + 1, LIMIT * 3) },
      }),
    ],
    [
      2,
      () => ({
        kind: 'Login.Id retyped',
        value: {
          ...renewed(prng, base),
          Login: {
            ...(base.Login as object),
            Id: prng.pick([seededUuid(prng).toUpperCase(), randomString(prng), 42, null]),
          },
        },
      }),
    ],
    [8, () => ({ kind: 'random JSON', value: randomJson(prng, 3) })],
    [
      4,
      () => ({
        kind: 'not JSON',
        raw: Buffer.from(
          prng.pick([
            '{"ResponseType":',
            'ResponseType=GetAccountsDetail',
            '\u0000',
            '{"a":1}{',
            '<xml/>',
            'undefined',
          ]),
        ),
      }),
    ],
    [3, () => ({ kind: 'empty', raw: Buffer.alloc(0) })],
    [2, () => ({ kind: 'truncated', raw: Buffer.from(JSON.stringify(base)).subarray(0, prng.int(1, 200)) })],
  ]);
}

function hugeArrays(prng: Prng, payload: Record<string, Json>): Record<string, Json> {
  const accounts = payload.Accounts as Json[];
  const first = (accounts[0] ?? { Id: 'x', Transactions: [] }) as Record<string, Json>;
  const transactions = (first.Transactions as Json[] | undefined) ?? [];
  const n = prng.int(200, 6_000);
  return prng.chance(0.5)
    ? {
        ...payload,
        Accounts: Array.from({ length: Math.ceil(n / 20) }, (_, i) => ({
          ...first,
          Id: `acct-${i}`,
          Transactions: [],
        })),
      }
    : {
        ...payload,
        Accounts: [
          {
            ...first,
            Transactions: Array.from({ length: n }, (_, i) => ({
              ...(transactions[0] as object),
              Id: `tx-${i}`,
            })),
          },
        ],
      };
}

function generate(prng: Prng, index: number): Case {
  const body = bodyFor(prng);
  const auth = authFor(prng);
  const server = prng.chance(0.03) ? 'fenced' : 'main';
  const type =
    body.kind === 'empty'
      ? null
      : weighted<string | null>(prng, [
          [30, () => 'application/json'],
          [2, () => 'application/json; charset=utf-8'],
          [1, () => 'text/plain'],
          [1, () => 'application/x-www-form-urlencoded'],
          [1, () => null],
        ]);
  const raw = body.raw ?? Buffer.from(JSON.stringify(body.value) ?? 'null', 'utf8');
  const headers: [string, string][] = [...auth.headers];
  if (type !== null) headers.push(['content-type', type]);
  return {
    index,
    kind: body.kind,
    auth: auth.label,
    server,
    request: {
      method: 'POST',
      path: `/flinks/webhooks${auth.query}`,
      headers,
      body: raw,
      transport: 'fetch',
    },
    expected: expectationFor(server, auth.ok, type, raw),
  };
}

/** When a delivery was sent and answered: a LastRefresh later than now is clamped in between. */
interface SendWindow {
  sentAt: number;
  answeredAt: number;
}

function sameOrClamped(answered: unknown, sent: string | null, { sentAt, answeredAt }: SendWindow): boolean {
  if (answered === sent) return true;
  if (typeof answered !== 'string' || sent === null) return false;
  const at = Date.parse(answered);
  return at >= sentAt && at <= Math.min(answeredAt, Date.parse(sent));
}

function judge(c: Case, r: FuzzResponse, window: SendWindow): string | null {
  if (r.error === 'timeout') return `no answer within ${TIMEOUT_MS} ms`;
  if (r.status === 0) return `no HTTP answer (${r.error ?? 'closed'})`;
  if (STACK_TRACE.test(r.body)) return 'a stack trace or source path in the body';
  if (r.body.includes(WEBHOOK_SECRET)) return 'the secret is in the body';
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(r.body) as Record<string, unknown>;
  } catch {
    return `a ${r.status} without a JSON body`;
  }
  const e = c.expected;
  if (r.status !== e.status)
    return `expected ${e.status}${'why' in e ? ` (${e.why})` : ''}, got ${r.status}: ${r.body.slice(0, 200)}`;
  if (e.status !== 200) {
    if (typeof body.error !== 'string' || typeof body.message !== 'string')
      return 'a refusal without error and message';
    if (e.status === 400 && e.why.startsWith('shape') && !Array.isArray(body.fields))
      return 'a 400 without fields';
    return null;
  }
  if (!e.handled) return body.handled === false ? null : 'a type other than GetAccountsDetail was handled';
  const card = connected.includes(e.loginId.toLowerCase()) ? 'signalled' : 'unknown';
  if (
    body.handled !== true ||
    body.requestId !== e.requestId ||
    body.card !== card ||
    !sameOrClamped(body.lastRefresh, e.lastRefresh, window)
  )
    return `unexpected answer ${r.body.slice(0, 200)}`;
  return null;
}

function answeredRefresh(r: FuzzResponse): string | null {
  const body = JSON.parse(r.body) as { lastRefresh?: unknown };
  return typeof body.lastRefresh === 'string' ? body.lastRefresh : null;
}

// ---------- the run ----------

test(`${CASES} generated deliveries: the right refusal, or stored once and the card renewed`, async () => {
  const started = Date.now();
  const prng = new Prng(SEED);
  const cases = Array.from({ length: CASES }, (_, i) => generate(prng, i));
  const results: { c: Case; r: FuzzResponse; problem: string | null; answered: string | null }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < cases.length) {
        const c = cases[next++] as Case;
        const sentAt = Date.now();
        const r = await send(c.server === 'main' ? baseUrl : fencedUrl, c.request, TIMEOUT_MS);
        const problem = judge(c, r, { sentAt, answeredAt: Date.now() });
        results.push({ c, r, problem, answered: problem === null ? answeredRefresh(r) : null });
      }
    }),
  );
  const sentMs = Date.now() - started;

  // The sink: one file per requestId, whatever the number of deliveries.
  const files: string[] = [];
  for (const dir of await readdir(world.sinkDir)) {
    for (const name of await readdir(join(world.sinkDir, dir))) if (!name.startsWith('.')) files.push(name);
  }
  // `<fetchedAt, ':' as '-'>-<requestId>.json`, fetchedAt being 24 characters.
  const byRequestId = tally(files.map((name) => name.slice(25, -'.json'.length)));
  const stored = results.filter(
    (x) => x.r.status === 200 && x.c.expected.status === 200 && x.c.expected.handled,
  );
  const storedIds = new Set(stored.map((x) => (x.c.expected as { requestId: string }).requestId));
  const deliveriesPerId = tally(stored.map((x) => (x.c.expected as { requestId: string }).requestId));
  const duplicates = Object.entries(byRequestId).filter(([, n]) => n > 1);
  const missing = [...storedIds].filter((id) => !(id in byRequestId));

  // The cards: renewed to the latest LastRefresh delivered, by each delivery once at most.
  const expectedRefresh = new Map<string, string | null>(initialRefresh);
  for (const x of stored) {
    const e = x.c.expected as { loginId: string; lastRefresh: string | null };
    const id = e.loginId.toLowerCase();
    // What the answer said the card was told: the LastRefresh sent, or its clamp (checked by judge).
    const told = x.answered ?? e.lastRefresh;
    if (!expectedRefresh.has(id) || told === null) continue;
    const current = expectedRefresh.get(id) ?? null;
    if (current === null || Date.parse(told) > Date.parse(current)) expectedRefresh.set(id, told);
  }
  const views = new Map<string, CardView>();
  await waitFor(
    async () => {
      for (const loginId of connected) views.set(loginId, await world.cards.getCard(loginId));
      return connected.every((id) => views.get(id)?.lastSuccessfulRefreshAt === expectedRefresh.get(id))
        ? true
        : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  ).catch(() => undefined);
  const taskFailures: string[] = [];
  for (const loginId of connected) {
    const failures = await workflowTaskFailures(world.env.client.workflow.getHandle(cardWorkflowId(loginId)));
    for (const f of failures.filter((f) => !isBenignTaskFailure(f)))
      taskFailures.push(`${loginId}: ${f.cause}: ${f.message}`);
  }

  const problems = results.filter((x) => x.problem !== null);
  report('webhooks', {
    seed: SEED,
    cases: results.length,
    kinds: tally(results.map((x) => x.c.kind)),
    auth: tally(results.map((x) => `${x.c.server === 'fenced' ? 'allow-list server, ' : ''}${x.c.auth}`)),
    statuses: tally(results.map((x) => String(x.r.status))),
    refusals: tally(
      results
        .filter((x) => 'why' in x.c.expected)
        .map((x) => `${x.c.expected.status} ${(x.c.expected as { why: string }).why}`),
    ),
    storedRequestIds: `${storedIds.size} (from ${stored.length} accepted deliveries, up to ${Math.max(0, ...Object.values(deliveriesPerId))} per requestId), ${files.length} sink files`,
    cards: connected
      .map((id) => `${views.get(id)?.lastSuccessfulRefreshAt} (expected ${expectedRefresh.get(id)})`)
      .join('; '),
    slowestMs: Math.max(...results.map((x) => x.r.ms)),
    timings: `sent in ${sentMs} ms, checked in ${Date.now() - started - sentMs} ms`,
    problems: problems
      .slice(0, 15)
      .map((x) => ({ case: x.c.index, kind: x.c.kind, auth: x.c.auth, problem: x.problem })),
  });

  expect(results.length).toBeGreaterThanOrEqual(1_000);
  expect(problems.map((x) => `#${x.c.index} ${x.c.kind} / ${x.c.auth}: ${x.problem}`)).toEqual([]);
  expect(duplicates).toEqual([]);
  expect(missing).toEqual([]);
  expect(connected.map((id) => views.get(id)?.lastSuccessfulRefreshAt)).toEqual(
    connected.map((id) => expectedRefresh.get(id)),
  );
  expect(taskFailures).toEqual([]);
  world.assertWorkersHealthy();
  expect(rejections).toEqual([]);
});

/** Bugs this fuzz found, fixed since (src/api/webhook-route.ts, src/api/json-body.ts, src/flinks/sinks): regressions. */
describe('fixed: found by this fuzz', () => {
  const deliver = (payload: string) =>
    send(
      baseUrl,
      {
        method: 'POST',
        path: `/flinks/webhooks?token=${WEBHOOK_SECRET}`,
        headers: [['content-type', 'application/json']],
        body: Buffer.from(payload),
        transport: 'fetch',
      },
      TIMEOUT_MS,
    );

  test.each([['a/b'], ['..'], ['.hidden'], ['x'.repeat(201)], ['id with spaces']])(
    'B2: a GetAccountsDetail webhook with RequestId %j is a 400, not a 500',
    async (requestId) => {
      const payload = { ...(bases.get(stranger) as object), RequestId: requestId };
      const reply = await deliver(JSON.stringify(payload));
      expect(reply.status).toBe(400);
    },
  );

  test('B10: a webhook with a field nested 10,000 levels deep is a 400 naming the field, never a 503 ("retry")', async () => {
    const payload = JSON.stringify({ ...(bases.get(stranger) as object), RequestId: randomUUID(), Extra: 0 });
    const nest = (levels: number) =>
      payload.replace('"Extra":0', `"Extra":${'['.repeat(levels)}${']'.repeat(levels)}`);
    const deep = nest(10_000);
    // It used to reach the data sink, whose JSON.stringify overflowed the stack: a 503, for every redelivery.
    const replies = [await deliver(deep), await deliver(deep)];
    expect(replies.map((r) => r.status)).toEqual([400, 400]);
    expect(JSON.parse((replies[0] as FuzzResponse).body)).toMatchObject({
      error: 'JsonTooDeepError',
      fields: [{ field: 'Extra', message: `is nested more than ${MAX_JSON_DEPTH} levels deep` }],
    });
    // Just inside the limit (the body is level 1, Extra's first array level 2) is stored as usual.
    const inside = JSON.parse((await deliver(nest(MAX_JSON_DEPTH - 1))).body) as { handled?: boolean };
    expect(inside).toMatchObject({ handled: true });
  });
});
