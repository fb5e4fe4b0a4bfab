// Bad input, raw sockets: request lines and headers that no HTTP client would send, written byte for byte onto a
// socket, against every server a client can reach: the HTTP API (its webhook route included), the codec server and
// the Flinks simulator. Each runs as its own child process (`src/api/main.ts`, `src/codec/main.ts`,
// `src/simulator/main.ts`), so a request that ends a process shows as a dead child rather than a dead jest.
//
// Generated (issue 12, finding 1): absolute-form, authority-form and `*` targets, `//` prefixes, bad ports, broken
// percent-escapes, NUL and other control bytes, raw non-ASCII bytes, overlong targets; a missing, empty, bracketed,
// duplicated or out-of-range Host; Content-Length twice or with Transfer-Encoding, negative or odd lengths, bad chunk
// sizes; overlong and non-ASCII Authorization (and webhook secret) values. Each case is a valid request to one of the
// server's routes with one or two of those applied.
//
// Expected of every case: no 5xx, and afterwards the process is alive and answers its liveness request: GET /healthz
// (API, simulator) or POST /decode of no payloads (the codec server has no health route). Bugs it found are at the
// end of the file, as regression tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HARNESS_ENV } from '../harness/env-keys';
import { uniqueTaskQueue } from '../harness/task-queue';
import { keysVariable } from '../codec/keys';
import { fuzzSeed, hashString, Prng, report, seededUuid, tally, weighted } from './generators';
import { type FuzzResponse, sendBytes } from './http';

const SEED = fuzzSeed(0x5eed_50c3);
const CASES_PER_SERVER = 250;
const CASE_TIMEOUT_MS = 3_000;
const API_TOKEN = 'raw-socket-api-token-8Qw2Lx7Vb';
const WEBHOOK_SECRET = 'raw-socket-webhook-secret-3Nd9Ke';
const CODEC_TOKEN = 'raw-socket-codec-token-6Hs1Pz4';
const FLINKS_SECRET = 'raw-socket-flinks-secret';

// ---------- the three processes ----------

interface Child {
  name: ServerName;
  url: string;
  process: ChildProcess;
  output(): string;
  exited(): boolean;
  stop(): Promise<void>;
}

type ServerName = 'api' | 'codec' | 'simulator';

/** Starts `node -r ts-node/register/transpile-only <script>` and resolves with the URL its output announces. */
async function startChild(
  name: ServerName,
  script: string,
  env: Record<string, string>,
  announced: RegExp,
): Promise<Child> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', script], {
    cwd: join(__dirname, '..', '..'),
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = announced.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exit.then(() => reject(new Error(`${name} exited before listening:\n${output.slice(-2_000)}`)));
  });
  return {
    name,
    url,
    process: child,
    output: () => output,
    exited: () => exited,
    async stop() {
      if (!exited) child.kill('SIGTERM');
      await exit;
    },
  };
}

let sinkDir: string;
const children = new Map<ServerName, Child>();
let customerId = '';

beforeAll(async () => {
  sinkDir = await mkdtemp(join(tmpdir(), 'raw-socket-sink-'));
  const temporalAddress = process.env[HARNESS_ENV.devServerAddress];
  if (!temporalAddress) throw new Error('run this suite through jest: the API needs the shared dev server');
  const started = await Promise.all([
    startChild(
      'api',
      'src/api/main.ts',
      {
        TEMPORAL_ADDRESS: temporalAddress,
        TEMPORAL_NAMESPACE: process.env[HARNESS_ENV.devServerNamespace] ?? 'default',
        // Nothing here should start a card; if something did, it waits on a queue nobody else polls.
        TEMPORAL_TASK_QUEUE: uniqueTaskQueue('raw-socket'),
        API_TOKEN,
        API_PORT: '0',
        WEBHOOK_SECRET,
        DATA_SINK_DIR: sinkDir,
      },
      /HTTP API listening url=(http:\/\/\S+)/,
    ),
    startChild(
      'codec',
      'src/codec/main.ts',
      {
        TEMPORAL_ENCRYPTION_KEYS: keysVariable('raw-socket-key'),
        CODEC_SERVER_PORT: '0',
        CODEC_AUTH_TOKEN: CODEC_TOKEN,
        CODEC_CORS_ORIGIN: 'http://127.0.0.1:8233',
      },
      /Codec server on (http:\/\/\S+)/,
    ),
    startChild(
      'simulator',
      'src/simulator/main.ts',
      { FLINKS_SECRET_KEY: FLINKS_SECRET, PORT: '0' },
      /FLINKS_BASE_URL=(http:\/\/\S+)/,
    ),
  ]);
  for (const child of started) {
    const url = new URL(child.url);
    if (child.name === 'simulator') customerId = url.pathname.split('/')[2] ?? '';
    children.set(child.name, { ...child, url: url.origin });
  }
}, 90_000);

afterAll(async () => {
  await Promise.all([...children.values()].map((child) => child.stop()));
  if (sinkDir) await rm(sinkDir, { recursive: true, force: true });
});

function server(name: ServerName): Child {
  const child = children.get(name);
  if (!child) throw new Error(`${name} did not start`);
  return child;
}

/** Whether the process still serves: the liveness request of each server, answered 200. */
async function alive(child: Child): Promise<string | null> {
  if (child.exited()) return `the process exited:\n${child.output().slice(-1_500)}`;
  const request =
    child.name === 'codec'
      ? new Request(`${child.url}/decode`, {
          method: 'POST',
          headers: { authorization: `Bearer ${CODEC_TOKEN}`, 'content-type': 'application/json' },
          body: '{"payloads":[]}',
        })
      : new Request(`${child.url}/healthz`);
  try {
    const response = await fetch(request, { signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    return response.status === 200 ? null : `liveness answered ${response.status}`;
  } catch (error) {
    return `liveness failed: ${String(error)}${child.exited() ? `; the process exited:\n${child.output().slice(-1_500)}` : ''}`;
  }
}

// ---------- generation ----------

/** One request, as parts a mutation can replace: request line, headers (in order), body. */
interface RawRequest {
  method: string;
  target: Buffer;
  headers: [string, Buffer][];
  body: Buffer;
  /** Content-Length is written from the body unless a mutation wrote its own framing. */
  framed: boolean;
}

interface Route {
  method: string;
  target: string;
  /** The header that authenticates it, if any. */
  auth?: [string, string];
  body?: string;
}

const b = (text: string): Buffer => Buffer.from(text, 'latin1');
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

function routesOf(name: ServerName, prng: Prng): Route[] {
  const bearer = (token: string): [string, string] => ['authorization', `Bearer ${token}`];
  const json = '{"payloads":[]}';
  switch (name) {
    case 'api':
      return [
        { method: 'GET', target: '/healthz' },
        { method: 'GET', target: '/cards?pageSize=1', auth: bearer(API_TOKEN) },
        { method: 'GET', target: `/cards/${seededUuid(prng)}`, auth: bearer(API_TOKEN) },
        // Refused by validation before Temporal hears of it: the fuzz starts no card.
        { method: 'POST', target: '/cards', auth: bearer(API_TOKEN), body: '{"loginId":"not-a-uuid"}' },
        {
          method: 'POST',
          target: `/flinks/webhooks?token=${WEBHOOK_SECRET}`,
          body: '{"ResponseType":"KYC","Login":{}}',
        },
        {
          method: 'POST',
          target: '/flinks/webhooks',
          auth: ['x-webhook-token', WEBHOOK_SECRET],
          body: `{"ResponseType":"GetAccountsDetail","RequestId":"x","Login":{"Id":"${seededUuid(prng)}"}}`,
        },
      ];
    case 'codec':
      return [
        { method: 'POST', target: '/decode', auth: bearer(CODEC_TOKEN), body: json },
        { method: 'POST', target: '/encode', auth: bearer(CODEC_TOKEN), body: json },
        { method: 'OPTIONS', target: '/decode' },
      ];
    case 'simulator':
      return [
        { method: 'GET', target: '/healthz' },
        { method: 'GET', target: '/admin/clock' },
        { method: 'GET', target: '/admin/counters' },
        {
          method: 'POST',
          target: `/v3/${customerId}/BankingServices/GenerateAuthorizeToken`,
          auth: ['flinks-auth-key', FLINKS_SECRET],
        },
      ];
  }
}

const HOSTS = [
  'x:99999',
  '[::1',
  '[::1]:0',
  'a:-1',
  ':0',
  'a:65536',
  '[',
  ']',
  'user:pw@h',
  'h:80',
  '%zz',
  '',
];
const PORTS = ['99999', '-1', '65536', '0x10', '1e3', '80a', '4294967296', '', ' 80'];
const BROKEN_ESCAPES = [
  '%',
  '%Z',
  '%ZZ',
  '%E0%A4%A',
  '%%',
  '%u0041',
  '%00',
  '%C0%AF',
  '%ED%A0%80',
  '%2',
  '%/',
];

interface Mutation {
  family: string;
  label: string;
  apply(request: RawRequest): void;
}

/** Somewhere inside the target (after its first byte, so origin-form stays origin-form unless the mutation says). */
function insertAt(prng: Prng, target: Buffer, inserted: Buffer): Buffer {
  const at = prng.int(1, target.length);
  return Buffer.concat([target.subarray(0, at), inserted, target.subarray(at)]);
}

function setHeader(request: RawRequest, name: string, value: Buffer | null): void {
  request.headers = request.headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
  if (value !== null) request.headers.push([name, value]);
}

function targetMutation(prng: Prng): Mutation {
  const m = (label: string, apply: (r: RawRequest) => void): Mutation => ({ family: 'target', label, apply });
  return weighted<Mutation>(prng, [
    [
      6,
      () => {
        const scheme = prng.pick(['http', 'https', 'HTTP', 'ftp', 'ws', 'file']);
        const host = prng.pick([...HOSTS, '127.0.0.1', 'localhost']);
        return m(`absolute-form ${scheme}://${host}`, (r) => {
          r.target = Buffer.concat([b(`${scheme}://${host}`), r.target]);
        });
      },
    ],
    [
      3,
      () => {
        const authority = prng.pick([
          'example.com:443',
          '127.0.0.1:99999',
          '[::1]:80',
          'a:',
          ':',
          'a:b:c',
          '[::1',
        ]);
        return m(`authority-form ${authority}`, (r) => {
          r.target = b(authority);
        });
      },
    ],
    [
      2,
      () => {
        const star = prng.pick(['*', '**', '*/healthz', '*?x=1']);
        return m(`asterisk ${star}`, (r) => {
          r.target = b(star);
        });
      },
    ],
    [
      6,
      () => {
        const prefix = prng.pick([
          '//x:99999',
          '//[',
          '//:0',
          '//',
          '///',
          '//a@b:1',
          '//[::1',
          '//x:-1',
          '/\\\\x:1',
        ]);
        const keep = prng.chance(0.7);
        return m(`${prefix} prefix${keep ? '' : ' alone'}`, (r) => {
          r.target = keep ? Buffer.concat([b(prefix), r.target]) : b(prefix);
        });
      },
    ],
    [
      4,
      () => {
        const port = prng.pick(PORTS);
        const form = prng.pick(['//h', 'http://h', 'http://127.0.0.1', 'http://[::1]']);
        return m(`bad port ${form}:${port}`, (r) => {
          r.target = Buffer.concat([b(`${form}:${port}`), r.target]);
        });
      },
    ],
    [
      5,
      () => {
        const escape = prng.pick(BROKEN_ESCAPES);
        return m(`percent-escape ${escape}`, (r) => {
          r.target = insertAt(prng, r.target, b(escape));
        });
      },
    ],
    [
      3,
      () => {
        const control = prng.pick(['\0', '\x01', '\x7f', '\t', '\x0b', '\x1b']);
        return m(`control byte 0x${control.charCodeAt(0).toString(16)}`, (r) => {
          r.target = insertAt(prng, r.target, b(control));
        });
      },
    ],
    [
      3,
      () => {
        const bytes = prng.pick([
          utf8('é'),
          utf8('\u{1f4a5}'),
          b('\xe9'),
          b('\xff\xfe'),
          b('\xc0\xaf'),
          b('\xed\xa0\x80'),
        ]);
        return m(`non-ASCII bytes ${bytes.toString('hex')}`, (r) => {
          r.target = insertAt(prng, r.target, bytes);
        });
      },
    ],
    [
      3,
      () => {
        const length = prng.pick([2_000, 9_000, 17_000, 70_000]);
        const where = prng.pick(['path', 'query']);
        return m(`overlong ${where} ${length}`, (r) => {
          const filler = b(
            where === 'path'
              ? `/${'a'.repeat(length)}`
              : `${r.target.includes('?') ? '&' : '?'}x=${'y'.repeat(length)}`,
          );
          r.target = Buffer.concat([r.target, filler]);
        });
      },
    ],
  ]);
}

function hostMutation(prng: Prng): Mutation {
  const m = (label: string, value: Buffer | null, twice = false): Mutation => ({
    family: 'host',
    label,
    apply: (r) => {
      setHeader(r, 'host', value);
      if (twice) r.headers.push(['host', b('other')]);
    },
  });
  return weighted<Mutation>(prng, [
    [3, () => m('missing Host', null)],
    [3, () => m('empty Host', b(''))],
    [
      4,
      () => {
        const host = prng.pick(['[::1]', '[::1', '[', ']', '[::1]:99999', '[x]', '[::1]:', '[]']);
        return m(`bracketed Host ${host}`, b(host));
      },
    ],
    [
      4,
      () => {
        const host = prng.pick([
          'a:99999',
          'a:-1',
          ':0',
          'a:65536',
          'a:0x50',
          'a:',
          'a:b',
          `a:${'9'.repeat(30)}`,
        ]);
        return m(`out-of-range Host ${host}`, b(host));
      },
    ],
    [2, () => m('Host twice', b('localhost'), true)],
    [1, () => m('Host with a space', b('a b'))],
    [1, () => m('Host with UTF-8', utf8('bänk.example'))],
    [1, () => m('overlong Host', b('h'.repeat(prng.pick([300, 9_000]))))],
  ]);
}

function lengthMutation(prng: Prng): Mutation {
  const m = (label: string, apply: (r: RawRequest) => void): Mutation => ({
    family: 'framing',
    label,
    apply: (r) => {
      if (r.body.length === 0) r.body = b('{}');
      r.framed = true;
      setHeader(r, 'content-length', null);
      setHeader(r, 'transfer-encoding', null);
      apply(r);
    },
  });
  const chunked = (body: Buffer, size = body.length.toString(16)) =>
    Buffer.concat([b(`${size}\r\n`), body, b('\r\n0\r\n\r\n')]);
  return weighted<Mutation>(prng, [
    [
      4,
      () =>
        m('Content-Length with Transfer-Encoding: chunked', (r) => {
          r.headers.push(['content-length', b(String(r.body.length))], ['transfer-encoding', b('chunked')]);
          r.body = chunked(r.body);
        }),
    ],
    [
      3,
      () =>
        m('Content-Length twice (different) with Transfer-Encoding', (r) => {
          r.headers.push(
            ['content-length', b(String(r.body.length))],
            ['content-length', b(String(r.body.length + 3))],
            ['transfer-encoding', b('chunked')],
          );
          r.body = chunked(r.body);
        }),
    ],
    [
      2,
      () =>
        m('Content-Length twice (different)', (r) => {
          r.headers.push(['content-length', b(String(r.body.length))], ['content-length', b('1')]);
        }),
    ],
    [
      1,
      () =>
        m('Content-Length twice (same)', (r) => {
          const length = b(String(r.body.length));
          r.headers.push(['content-length', length], ['content-length', length]);
        }),
    ],
    [
      4,
      () => {
        const value = prng.pick([
          '-1',
          '-0',
          '+2',
          '1e3',
          '0x2',
          '2, 3',
          ' ',
          '',
          '99999999999999999999',
          '２',
        ]);
        return m(`Content-Length ${JSON.stringify(value)}`, (r) => {
          r.headers.push(['content-length', utf8(value)]);
        });
      },
    ],
    [
      2,
      () => {
        const value = prng.pick([
          'chunked, identity',
          'identity',
          'gzip',
          'chunked, chunked',
          'Chunked',
          'x',
        ]);
        return m(`Transfer-Encoding ${value}`, (r) => {
          r.headers.push(['transfer-encoding', b(value)]);
          r.body = chunked(r.body);
        });
      },
    ],
    [
      2,
      () => {
        const size = prng.pick(['zz', '-1', 'ffffffffffffffff', '', '1;x="', '2 3']);
        return m(`chunk size ${JSON.stringify(size)}`, (r) => {
          r.headers.push(['transfer-encoding', b('chunked')]);
          r.body = chunked(r.body, size);
        });
      },
    ],
  ]);
}

function authMutation(prng: Prng, route: Route): Mutation {
  const name = route.auth?.[0] ?? 'authorization';
  const m = (label: string, value: Buffer, twice = false): Mutation => ({
    family: 'authorization',
    label: `${name}: ${label}`,
    apply: (r) => {
      setHeader(r, name, value);
      if (twice) r.headers.push([name, value]);
    },
  });
  const scheme = name === 'authorization' ? 'Bearer ' : '';
  const secret = route.auth?.[1].replace(/^Bearer /, '') ?? API_TOKEN;
  return weighted<Mutation>(prng, [
    [
      4,
      () => {
        const length = prng.pick([1_000, 8_000, 15_000, 20_000, 70_000]);
        return m(`overlong ${length}`, b(`${scheme}${'x'.repeat(length)}`));
      },
    ],
    [
      4,
      () => {
        const suffix = prng.pick([
          utf8('\u{1f4a5}'),
          utf8('é'),
          b('\xe9'),
          b('\xff'),
          utf8('\u202e'),
          b('\x80'),
        ]);
        return m(
          `non-ASCII suffix ${suffix.toString('hex')}`,
          Buffer.concat([b(`${scheme}${secret}`), suffix]),
        );
      },
    ],
    [2, () => m('non-ASCII only', Buffer.concat([b(scheme), utf8('пароль-😀-ñ')]))],
    [1, () => m('NUL inside', b(`${scheme}${secret.slice(0, 4)}\0${secret.slice(4)}`))],
    [1, () => m('empty', b(''))],
    [1, () => m('twice', b(`${scheme}${secret}`), true)],
  ]);
}

interface Case {
  index: number;
  server: ServerName;
  route: Route;
  mutations: Mutation[];
  bytes: Buffer;
}

function baseline(route: Route): RawRequest {
  const headers: [string, Buffer][] = [['host', b('localhost')]];
  if (route.auth) headers.push([route.auth[0], b(route.auth[1])]);
  if (route.body !== undefined) headers.push(['content-type', b('application/json')]);
  headers.push(['connection', b('close')]);
  return { method: route.method, target: b(route.target), headers, body: b(route.body ?? ''), framed: false };
}

function serialize(request: RawRequest): Buffer {
  const headers = [...request.headers];
  if (!request.framed && request.body.length > 0)
    headers.push(['content-length', b(String(request.body.length))]);
  const lines = [
    Buffer.concat([b(`${request.method} `), request.target, b(' HTTP/1.1')]),
    ...headers.map(([name, value]) => Buffer.concat([b(`${name}: `), value])),
  ];
  const head = Buffer.concat(lines.flatMap((line) => [line, b('\r\n')]));
  return Buffer.concat([head, b('\r\n'), request.body]);
}

function generate(prng: Prng, serverName: ServerName, index: number): Case {
  const route = prng.pick(routesOf(serverName, prng));
  const request = baseline(route);
  const families = [
    [8, () => targetMutation(prng)],
    [3, () => hostMutation(prng)],
    [3, () => lengthMutation(prng)],
    [3, () => authMutation(prng, route)],
  ] as const;
  const mutations = [weighted(prng, families)];
  if (prng.chance(0.3)) mutations.push(weighted(prng, families));
  for (const mutation of mutations) mutation.apply(request);
  return { index, server: serverName, route, mutations, bytes: serialize(request) };
}

function describeCase(c: Case): string {
  const shown = c.bytes.subarray(0, 300).toString('latin1');
  return `#${c.index} ${c.server} ${c.route.method} ${c.route.target} + ${c.mutations.map((m) => m.label).join(' + ')}: ${JSON.stringify(shown)}${c.bytes.length > 300 ? ` …(${c.bytes.length} bytes)` : ''}`;
}

// ---------- the run ----------

interface Outcome {
  c: Case;
  response: Omit<FuzzResponse, 'ms'>;
  problem: string | null;
}

async function runServer(name: ServerName): Promise<Outcome[]> {
  const prng = new Prng(SEED ^ hashString(`raw-socket-${name}`));
  const child = server(name);
  const outcomes: Outcome[] = [];
  for (let index = 0; index < CASES_PER_SERVER; index++) {
    const c = generate(prng, name, index);
    const response = await sendBytes(child.url, c.bytes, CASE_TIMEOUT_MS);
    let problem: string | null = null;
    if (response.status >= 500) problem = `answered ${response.status}: ${response.body.slice(0, 300)}`;
    const down = await alive(child);
    if (down !== null) problem = `${problem ? `${problem}; ` : ''}${down}`;
    outcomes.push({ c, response, problem });
    // A dead process fails every later case the same way: the first one says enough.
    if (child.exited()) break;
  }
  return outcomes;
}

test('no request line or header ends a process or gets a 5xx', async () => {
  const started = Date.now();
  const outcomes = (await Promise.all((['api', 'codec', 'simulator'] as const).map(runServer))).flat();
  const problems = outcomes.filter((o) => o.problem !== null);
  report('raw sockets (API, webhook route, codec server, simulator)', {
    seed: SEED,
    cases: outcomes.length,
    perServer: tally(outcomes.map((o) => o.c.server)),
    families: tally(outcomes.flatMap((o) => o.c.mutations.map((m) => m.family))),
    statuses: tally(
      outcomes.map((o) => `${o.c.server} ${o.response.status || o.response.error || 'no answer'}`),
    ),
    problems: problems.length,
    ms: Date.now() - started,
  });
  expect(problems.slice(0, 10).map((o) => `${describeCase(o.c)} -> ${o.problem}`)).toEqual([]);
  expect(outcomes).toHaveLength(3 * CASES_PER_SERVER);
});

// ---------- regressions ----------

describe('request targets that are no URL are a 400, never a crash or a 500 (issue 12, finding 1)', () => {
  const targets = [
    '//x:99999',
    '//[',
    '//:0/healthz',
    'http://[::1',
    'http://x:99999/healthz',
    'http://a:-1/',
  ];
  test.each(['api', 'codec', 'simulator'] as const)('%s', async (name) => {
    const child = server(name);
    for (const target of targets) {
      const method = name === 'codec' ? 'POST' : 'GET';
      const bytes = b(`${method} ${target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
      const response = await sendBytes(child.url, bytes, CASE_TIMEOUT_MS);
      expect({ target, status: response.status }).toEqual({ target, status: 400 });
      expect(await alive(child)).toBeNull();
    }
  });
});
