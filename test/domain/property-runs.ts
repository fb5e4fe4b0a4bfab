// One seed for every fast-check property, so a failure replays: fast-check prints the seed and the shrunk
// counterexample's path; rerun with FC_SEED=<seed> (and the printed path as `path`) to reproduce it.
import type * as fc from 'fast-check';

const DEFAULT_SEED = 20_260_105;

export function propertyRuns<Ts>(numRuns: number, extra: Partial<fc.Parameters<Ts>> = {}): fc.Parameters<Ts> {
  const seed = process.env['FC_SEED'] === undefined ? DEFAULT_SEED : Number(process.env['FC_SEED']);
  return { seed, numRuns, ...extra };
}
