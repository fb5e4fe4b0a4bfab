// Seeded generators of bad input: random JSON, strings that look like dates or ids, huge strings, and mutations
// of valid values. Every choice comes from one Prng (src/simulator/random.ts, mulberry32), so a seed replays a run
// exactly; suites print theirs and take FUZZ_SEED to replay another.
import { deterministicGuid, hashString, Prng } from '../../src/simulator/random';

export { hashString, Prng };

/** The seed of a suite: FUZZ_SEED when set (to replay a reported run), else the suite's own default. */
export function fuzzSeed(defaultSeed: number): number {
  const fromEnv = Number(process.env.FUZZ_SEED);
  return Number.isInteger(fromEnv) && process.env.FUZZ_SEED !== '' ? fromEnv : defaultSeed;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Picks a branch by weight: `weighted(prng, [[3, () => a], [1, () => b]])`. */
export function weighted<T>(prng: Prng, branches: readonly (readonly [number, () => T])[]): T {
  const total = branches.reduce((sum, [weight]) => sum + weight, 0);
  let draw = prng.next() * total;
  for (const [weight, make] of branches) {
    draw -= weight;
    if (draw < 0) return make();
  }
  const last = branches[branches.length - 1];
  if (!last) throw new Error('weighted() needs at least one branch');
  return last[1]();
}

const ASCII = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_ ./:%\\"\'{}[]<>&;=?#@!$*+,';
const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\t\r\n',
  'null',
  'undefined',
  'true',
  '0',
  '-1',
  'NaN',
  '{}',
  '[]',
  '__proto__',
  'constructor',
  'toString',
  '../../etc/passwd',
  '..',
  '%00',
  '%2F',
  '<script>alert(1)</script>',
  "'; DROP TABLE cards; --",
  '${jndi:ldap://x}',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '\ud83d\udca5\ud83c\udfe6',
  '\ud800',
  'ｆｕｌｌｗｉｄｔｈ',
  'Ω≈ç√∫˜µ≤≥÷',
  'e\u0301\u0301\u0301',
  'RETRY_LATER',
  'QUESTION_NOT_FOUND',
  'BANK MAINTENANCE_RETRY_LATER',
  'AnsweringSecurityChallenge',
];

export function asciiString(prng: Prng, maxLength = 24): string {
  const length = prng.int(0, maxLength);
  let text = '';
  for (let i = 0; i < length; i++) text += ASCII[prng.int(0, ASCII.length - 1)];
  return text;
}

/** Mixed scripts, control characters, emoji and (unless `wellFormed`) lone surrogates. */
export function unicodeString(prng: Prng, maxLength = 16, { wellFormed = false } = {}): string {
  const length = prng.int(1, maxLength);
  let text = '';
  for (let i = 0; i < length; i++) {
    const code = weighted(prng, [
      [4, () => prng.int(0x20, 0x7e)],
      [2, () => prng.int(0xa0, 0x2fff)],
      [1, () => prng.int(0x0, 0x1f)],
      [wellFormed ? 0 : 1, () => prng.int(0xd800, 0xdfff)], // lone surrogates
      [1, () => prng.int(0x1f300, 0x1faff)],
    ]);
    text += String.fromCodePoint(code);
  }
  return text;
}

/** `text` with every lone surrogate replaced by U+FFFD (String.prototype.toWellFormed, which ES2022 lacks). */
export function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** Between `min` and `max` characters, from a short repeated random seed (cheap to build). */
export function hugeString(prng: Prng, min: number, max: number): string {
  const unit = asciiString(prng, 16) || 'x';
  return unit.repeat(Math.ceil(prng.int(min, max) / unit.length));
}

/** A version-4-shaped UUID from the stream: the same seed, the same ids. */
export const seededUuid = (prng: Prng): string => deterministicGuid(prng);

export function uuidLike(prng: Prng): string {
  const hex = () => prng.int(0, 0xffff).toString(16).padStart(4, '0');
  const uuid = `${hex()}${hex()}-${hex()}-4${hex().slice(1)}-a${hex().slice(1)}-${hex()}${hex()}${hex()}`;
  return weighted(prng, [
    [4, () => uuid],
    [1, () => uuid.toUpperCase()],
    [1, () => uuid.slice(0, -1)],
    [1, () => `${uuid}0`],
    [1, () => uuid.replace(/-/g, '')],
    [1, () => `{${uuid}}`],
    [1, () => ` ${uuid} `],
    [1, () => uuid.replace('a', 'g')],
  ]);
}

/** Strings that look like timestamps: valid ones, Flinks' zone-less ones, and near misses. */
export function dateLike(prng: Prng): string {
  const year = weighted(prng, [
    [6, () => String(prng.int(2000, 2040))],
    [1, () => '0000'],
    [1, () => '9999'],
    [1, () => String(prng.int(0, 99999)).padStart(4, '0')],
  ]);
  const two = (min: number, max: number) => String(prng.int(min, max)).padStart(2, '0');
  const date = `${year}-${two(0, 13)}-${two(0, 32)}`;
  const time = `${two(0, 25)}:${two(0, 60)}:${two(0, 60)}`;
  const fraction = weighted(prng, [
    [2, () => ''],
    [1, () => '.123'],
    [1, () => '.1459990'],
    [1, () => `.${'9'.repeat(prng.int(1, 30))}`],
  ]);
  const zone = weighted(prng, [
    [3, () => 'Z'],
    [2, () => ''],
    [1, () => `+${two(0, 14)}:${two(0, 59)}`],
    [1, () => `-${two(0, 99)}:${two(0, 99)}`],
    [1, () => `+${two(0, 23)}${two(0, 59)}`],
    [1, () => 'z'],
    [1, () => ' UTC'],
  ]);
  return weighted(prng, [
    [8, () => `${date}T${time}${fraction}${zone}`],
    [1, () => `${date} ${time}`],
    [1, () => date],
    [1, () => new Date(prng.int(0, 2_000_000_000) * 1000).toString()],
    [1, () => String(prng.int(0, 2_000_000_000_000))],
  ]);
}

export function randomString(prng: Prng): string {
  return weighted(prng, [
    [4, () => asciiString(prng)],
    [2, () => prng.pick(ODD_STRINGS)],
    [2, () => unicodeString(prng)],
    [2, () => dateLike(prng)],
    [2, () => uuidLike(prng)],
    [1, () => hugeString(prng, 201, 5_000)],
  ]);
}

export function randomNumber(prng: Prng): number {
  return weighted(prng, [
    [3, () => prng.int(-5, 5)],
    [2, () => prng.int(-1_000_000_000, 1_000_000_000)],
    [1, () => prng.next()],
    [1, () => -prng.next() * 1e6],
    [1, () => prng.pick([Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_SAFE_INTEGER])],
    [1, () => prng.pick([1e308, -1e308, 5e-324, 1e21, 0.1 + 0.2])],
  ]);
}

export function randomKey(prng: Prng): string {
  return weighted(prng, [
    [5, () => asciiString(prng, 12)],
    [1, () => prng.pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''])],
    [1, () => unicodeString(prng, 6)],
  ]);
}

/** Any JSON value, nested up to `depth`. */
export function randomJson(prng: Prng, depth = 3): Json {
  const leaf = (): Json =>
    weighted<Json>(prng, [
      [1, () => null],
      [1, () => prng.chance(0.5)],
      [2, () => randomNumber(prng)],
      [4, () => randomString(prng)],
    ]);
  if (depth <= 0) return leaf();
  return weighted<Json>(prng, [
    [5, leaf],
    [2, () => Array.from({ length: prng.int(0, 5) }, () => randomJson(prng, depth - 1))],
    [3, () => randomObject(prng, depth - 1)],
    [1, () => nested(prng, prng.int(5, 40))],
  ]);
}

export function randomObject(prng: Prng, depth = 2): { [key: string]: Json } {
  const object: { [key: string]: Json } = {};
  const size = prng.int(0, 6);
  for (let i = 0; i < size; i++) {
    // defineProperty: `object['__proto__'] = x` would set the prototype instead of an own key.
    Object.defineProperty(object, randomKey(prng), {
      value: randomJson(prng, depth),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return object;
}

/** `[[[…junk…]]]` or `{"a":{"a":…}}`, `levels` deep. */
export function nested(prng: Prng, levels: number): Json {
  let value: Json = randomString(prng);
  for (let i = 0; i < levels; i++)
    value = prng.chance(0.5) ? [value] : { [asciiString(prng, 4) || 'a']: value };
  return value;
}

/** A value of a different JSON type than `value` (or a weird one of the same type). */
export function retype(prng: Prng, value: unknown): Json {
  for (let i = 0; i < 10; i++) {
    const next = randomJson(prng, 1);
    if (typeof next !== typeof value || Array.isArray(next) !== Array.isArray(value)) return next;
  }
  return null;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every path to a value inside `value` (objects and arrays), the root excluded. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  if (out.length > 200) return out;
  if (Array.isArray(value)) {
    value.slice(0, 5).forEach((item, i) => {
      out.push([...prefix, i]);
      paths(item, [...prefix, i], out);
    });
  } else if (isObject(value)) {
    for (const key of Object.keys(value)) {
      out.push([...prefix, key]);
      paths(value[key], [...prefix, key], out);
    }
  }
  return out;
}

function parentOf(root: unknown, path: (string | number)[]): { parent: unknown; key: string | number } {
  let parent: unknown = root;
  for (const step of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[step];
  return { parent, key: path[path.length - 1] as string | number };
}

export type Mutation =
  | 'drop'
  | 'rename'
  | 'retype'
  | 'null'
  | 'huge-string'
  | 'junk-key'
  | 'wrap-in-array'
  | 'nested-junk'
  | 'date'
  | 'empty-string'
  | 'replace-root';

/**
 * A copy of `valid` with 1 to 3 random mutations at random places: fields dropped, renamed (case, spelling),
 * retyped, nulled, made huge, wrapped in arrays, junk added, dates bent. Returns the value and what was done.
 */
export function mutate(
  prng: Prng,
  valid: unknown,
  maxMutations = 3,
): { value: unknown; mutations: Mutation[] } {
  let root: unknown = structuredClone(valid);
  const done: Mutation[] = [];
  const count = prng.int(1, maxMutations);
  for (let m = 0; m < count; m++) {
    const all = paths(root);
    const mutation = weighted<Mutation>(prng, [
      [4, () => 'drop'],
      [3, () => 'rename'],
      [5, () => 'retype'],
      [2, () => 'null'],
      [1, () => 'huge-string'],
      [2, () => 'junk-key'],
      [1, () => 'wrap-in-array'],
      [1, () => 'nested-junk'],
      [3, () => 'date'],
      [1, () => 'empty-string'],
      [1, () => 'replace-root'],
    ]);
    done.push(mutation);
    if (mutation === 'replace-root' || all.length === 0) {
      root = mutation === 'wrap-in-array' ? [root] : randomJson(prng, 2);
      continue;
    }
    const path = prng.pick(all);
    const { parent, key } = parentOf(root, path);
    const target = parent as Record<string | number, unknown>;
    switch (mutation) {
      case 'drop':
        if (Array.isArray(target)) target.splice(key as number, 1);
        else delete target[key];
        break;
      case 'rename': {
        if (Array.isArray(target) || typeof key !== 'string') break;
        const renamed = weighted(prng, [
          [2, () => key.toLowerCase()],
          [2, () => key.toUpperCase()],
          [1, () => `${key} `],
          [1, () => `${key}_`],
          [1, () => key.slice(1)],
          [1, () => key.replace(/([a-z])([A-Z])/, '$1_$2')],
        ]);
        if (renamed !== key) {
          Object.defineProperty(target, renamed, {
            value: target[key],
            enumerable: true,
            writable: true,
            configurable: true,
          });
          delete target[key];
        }
        break;
      }
      case 'retype':
        target[key] = retype(prng, target[key]);
        break;
      case 'null':
        target[key] = null;
        break;
      case 'huge-string':
        target[key] = hugeString(prng, 1_000, 20_000);
        break;
      case 'junk-key':
        if (isObject(target[key]))
          (target[key] as Record<string, unknown>)[randomKey(prng)] = randomJson(prng, 2);
        else if (isObject(target)) target[randomKey(prng)] = randomJson(prng, 2);
        break;
      case 'wrap-in-array':
        target[key] = [target[key]];
        break;
      case 'nested-junk':
        target[key] = nested(prng, prng.int(3, 60));
        break;
      case 'date':
        target[key] = dateLike(prng);
        break;
      case 'empty-string':
        target[key] = '';
        break;
    }
  }
  return { value: root, mutations: done };
}

/** What the other side sees after JSON (Temporal's JSON payload converter, an HTTP body): undefined stays undefined. */
export function overTheWire(value: unknown): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}

/** Counts by key, sorted by count, for reports. */
export function tally(values: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return Object.fromEntries([...counts.entries()].sort((a, b) => b[1] - a[1]));
}

/** Reports go to stderr, one block per suite (jest prints console.log with a stack line per call). */
export function report(title: string, lines: Record<string, unknown>): void {
  const body = Object.entries(lines)
    .map(([key, value]) => `  ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('\n');
  process.stderr.write(`\n[fuzz] ${title}\n${body}\n`);
}
