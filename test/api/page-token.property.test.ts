// Property tests with shrinking (fast-check) for the API's sealed page tokens: a sealed token opens to what was
// sealed, and anything else a caller sends (random, altered, another deployment's) is refused with the named
// ValidationError, never another error.
import * as fc from 'fast-check';
import { ValidationError } from '../../src/api/http-errors';
import { pageTokenSeal } from '../../src/api/page-token';
import { propertyRuns } from '../domain/property-runs';

const seal = pageTokenSeal('the-api-token');
const RUNS = 1_000;

/** Temporal's token as FlinksRefreshClient hands it over: canonical base64 of opaque bytes. */
const temporalTokenArb = fc
  .uint8Array({ maxLength: 300 })
  .map((bytes) => Buffer.from(bytes).toString('base64'));

/** What `open` must do with a string that is not one of ours: throw ValidationError naming pageToken. */
function expectRefused(candidate: string): void {
  let thrown: unknown = null;
  try {
    seal.open(candidate);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ValidationError);
  expect((thrown as ValidationError).name).toBe('ValidationError');
  expect((thrown as ValidationError).fields).toEqual([
    { field: 'pageToken', message: 'is not a token from a previous page' },
  ]);
}

/** The answer to an altered token: refused, or (see the bug below) the very token that was sealed. */
function openOrRefuse(candidate: string): string | 'refused' {
  try {
    return seal.open(candidate);
  } catch (error) {
    if (error instanceof ValidationError) return 'refused';
    throw error;
  }
}

const oddChars = ['.', '=', '!', ' ', '+', '/', '%', '\0', 'é', '\u{1F600}', '-', '_'];
const charArb = fc.oneof(
  fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
  fc.constantFrom(...oddChars),
);

type Tamper =
  | { kind: 'replace'; at: number; char: string }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'swap-parts' };

const tamperArb: fc.Arbitrary<Tamper> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), char: charArb }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.array(charArb, { minLength: 1, maxLength: 4 }).map((chars) => chars.join('')),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.constant({ kind: 'swap-parts' as const }),
);

function tamper(sealed: string, t: Tamper): string {
  const at = t.kind === 'swap-parts' ? 0 : t.at % (sealed.length + 1);
  switch (t.kind) {
    case 'replace':
      return sealed.slice(0, at) + t.char + sealed.slice(at + 1);
    case 'insert':
      return sealed.slice(0, at) + t.text + sealed.slice(at);
    case 'delete':
      return sealed.slice(0, at) + sealed.slice(at + t.length);
    case 'truncate':
      return sealed.slice(0, at);
    case 'swap-parts': {
      const [body = '', mac = ''] = sealed.split('.');
      return `${mac}.${body}`;
    }
  }
}

describe('page tokens (fast-check)', () => {
  test('a sealed token opens to the token that was sealed, and travels in a URL as is', () => {
    fc.assert(
      fc.property(temporalTokenArb, (token) => {
        const sealed = seal.seal(token);
        expect(sealed).toMatch(/^[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}$/);
        expect(seal.open(sealed as string)).toBe(token);
        // Another replica behind the load balancer, with the same API_TOKEN, opens it too.
        expect(pageTokenSeal('the-api-token').open(sealed as string)).toBe(token);
      }),
      propertyRuns(RUNS),
    );
    expect(seal.seal(null)).toBeNull();
  });

  test('any string that is not a sealed token is refused with ValidationError, never another error', () => {
    const candidate = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.string({ unit: fc.constantFrom(...'AQgw-_.=', ...oddChars), maxLength: 60 }),
      fc
        .tuple(fc.base64String({ maxLength: 60 }), fc.base64String({ maxLength: 40 }))
        .map(([a, b]) => `${a}.${b}`),
      temporalTokenArb,
    );
    fc.assert(fc.property(candidate, expectRefused), propertyRuns(RUNS));
  });

  test('a token sealed under another API_TOKEN is refused', () => {
    fc.assert(
      fc.property(temporalTokenArb, fc.string({ maxLength: 20 }), (token, otherKey) => {
        fc.pre(otherKey !== 'the-api-token');
        expectRefused(pageTokenSeal(otherKey).seal(token) as string);
      }),
      propertyRuns(RUNS),
    );
  });

  test('an altered token never opens to another token, and nothing but ValidationError is thrown', () => {
    fc.assert(
      fc.property(temporalTokenArb, tamperArb, (token, t) => {
        const sealed = seal.seal(token) as string;
        const answer = openOrRefuse(tamper(sealed, t));
        expect(answer === 'refused' || answer === token).toBe(true);
      }),
      propertyRuns(RUNS),
    );
  });

  // Was a bug: open() decoded base64url leniently, so an altered token that decodes to the same bytes was accepted
  // (a character outside the alphabet inserted anywhere, or a last character differing only in its unused bits).
  // Now only the canonical encoding opens.
  test('an altered token is refused', () => {
    fc.assert(
      fc.property(temporalTokenArb, tamperArb, (token, t) => {
        const sealed = seal.seal(token) as string;
        const altered = tamper(sealed, t);
        fc.pre(altered !== sealed);
        expectRefused(altered);
      }),
      propertyRuns<[string, Tamper]>(RUNS, {
        examples: [['aGVsbG8=', { kind: 'insert', at: 2, text: '!' }]],
      }),
    );
  });
});
