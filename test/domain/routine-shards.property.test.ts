// Property tests with shrinking (fast-check) for how the nightly routine splits Flinks' ineligible list: packed,
// then split by shard, every listed loginId lands in exactly one shard (or, not being a hex-prefixed id, in
// `unassigned`), none lost or duplicated, each with the entry Flinks listed last for it.
import * as fc from 'fast-check';
import { type IneligibleEntry } from '../../src/domain/card-messages';
import {
  type ListedLogin,
  MAX_PREFIX_LENGTH,
  packIneligible,
  shardPrefixes,
  splitIneligible,
  unpackIneligible,
} from '../../src/domain/routine-shards';
import { flinksCodeArb } from './card-triggers';
import { propertyRuns } from './property-runs';

const RUNS = 300;
const HEX = '0123456789abcdef';

const uuidArb = fc.uuid().map((id) => id.toLowerCase());
/** Real loginIds in either case, a few repeated ones (Flinks listing a login twice), and ids no card can have. */
const loginIdArb = fc.oneof(
  { weight: 6, arbitrary: uuidArb },
  { weight: 2, arbitrary: uuidArb.map((id) => id.toUpperCase()) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6f',
      'A0000000-0000-4000-8000-000000000001',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom('', 'g', 'zz-not-hex', ' 3f', 'Ω', '3') },
);

const listedArb: fc.Arbitrary<ListedLogin> = fc.record({
  loginId: loginIdArb,
  lastRefreshDate: fc.option(fc.constantFrom('2026-03-01T05:00:00.000Z', '2026-03-02T04:00:00'), {
    nil: null,
  }),
  lastRefreshState: fc.option(fc.constantFrom('Failed', 'AnsweringSecurityChallenge', '', '__proto__'), {
    nil: null,
  }),
  lastRefreshErrorCode: fc.option(flinksCodeArb, { nil: null }),
});

/** Cards and shard sizes from one shard to the 256 cap. */
const shardingArb = fc.record({
  cardCount: fc.oneof(fc.nat({ max: 40 }), fc.nat({ max: 100_000 }), fc.constant(Number.MAX_SAFE_INTEGER)),
  cardsPerShard: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5_000 })),
});

/** What the routine must deliver per login: the entry Flinks listed last for it. */
function lastEntryByLogin(entries: readonly ListedLogin[]): Map<string, IneligibleEntry> {
  const last = new Map<string, IneligibleEntry>();
  for (const { loginId, ...entry } of entries) last.set(loginId.toLowerCase(), entry);
  return last;
}

const sortedEntries = (map: Map<string, IneligibleEntry>) =>
  [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

describe('the ineligible list, packed and split (fast-check)', () => {
  test('shardPrefixes: 1, 16 or 256 distinct prefixes, every hex prefix of one length, enough for the cards', () => {
    fc.assert(
      fc.property(shardingArb, ({ cardCount, cardsPerShard }) => {
        const prefixes = shardPrefixes(cardCount, cardsPerShard);
        const length = prefixes[0]?.length ?? 0;
        expect(length).toBeLessThanOrEqual(MAX_PREFIX_LENGTH);
        expect(prefixes).toHaveLength(16 ** length);
        expect(new Set(prefixes).size).toBe(prefixes.length);
        const hex = new RegExp(`^[${HEX}]{${length}}$`);
        expect(prefixes.filter((p) => !hex.test(p))).toEqual([]);
        // The fewest shards that keep about cardsPerShard in each, up to the cap.
        if (length < MAX_PREFIX_LENGTH) expect(cardCount).toBeLessThanOrEqual(cardsPerShard * 16 ** length);
        if (length > 0) expect(cardCount).toBeGreaterThan(cardsPerShard * 16 ** (length - 1));
      }),
      propertyRuns(RUNS),
    );
  });

  test('every listed login lands in exactly one shard or in unassigned, with its last entry', () => {
    fc.assert(
      fc.property(
        fc.array(listedArb, { maxLength: 60 }),
        shardingArb,
        (entries, { cardCount, cardsPerShard }) => {
          const prefixes = shardPrefixes(cardCount, cardsPerShard);
          const length = prefixes[0]?.length ?? 0;
          // The list travels through the routine's history as JSON.
          const packed = JSON.parse(JSON.stringify(packIneligible(entries))) as ReturnType<
            typeof packIneligible
          >;
          const { byShard, unassigned } = splitIneligible(packed, prefixes);
          const expected = lastEntryByLogin(entries);

          expect([...byShard.keys()].sort()).toEqual([...prefixes].sort());
          const seen: string[] = [...unassigned];
          const misplaced: string[] = [];
          const delivered = new Map<string, IneligibleEntry>();
          for (const [prefix, shard] of byShard) {
            for (const [loginId] of shard.rows) {
              seen.push(loginId);
              if (!loginId.startsWith(prefix)) misplaced.push(`${loginId} in shard ${prefix}`);
            }
            for (const [loginId, entry] of unpackIneligible(shard)) delivered.set(loginId, entry);
          }
          expect(misplaced).toEqual([]);
          // None lost, none twice.
          expect(seen.sort()).toEqual([...expected.keys()].sort());
          for (const loginId of unassigned) expected.delete(loginId);
          expect(sortedEntries(delivered)).toEqual(sortedEntries(expected));
          // Unassigned only when no shard can hold it: not a hex prefix of the shards' length.
          for (const loginId of unassigned) expect(byShard.has(loginId.slice(0, length))).toBe(false);
          if (length === 0) expect(unassigned).toEqual([]);
        },
      ),
      propertyRuns(RUNS),
    );
  });
});
