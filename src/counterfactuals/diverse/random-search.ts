import type { Rng } from '../../core/rng.js';
import type { CandidatePool } from './candidates.js';
import { randomChanges } from './mutations.js';

/**
 * Random search, as DiCE's random method (Mothilal, Sharma & Tan, FAT* 2020; interpretml/DiCE
 * `dice_random`): rows with one random feasible feature change, then two, and so on up to
 * `maxFeaturesChanged`, `sampleSize` rows per round in one model call, until a round leaves at least
 * `count` distinct valid rows in the pool (or its budget is spent). Post-hoc sparsity then reverts
 * what is not needed.
 */

export interface RandomSearchOptions {
  count: number;
  sampleSize: number;
  maxFeaturesChanged: number;
}

/** Runs the search; returns the rounds run (the valid rows found are in `pool.valid`). */
export async function randomSearch(pool: CandidatePool, options: RandomSearchOptions, rng: Rng): Promise<number> {
  const { space } = pool;
  const most = Math.min(options.maxFeaturesChanged, space.mutable.length);
  let rounds = 0;
  for (let changes = 1; changes <= most && !pool.full; changes++) {
    rounds += 1;
    await pool.evaluate(Array.from({ length: options.sampleSize }, () => randomChanges(space, changes, rng)));
    if (pool.valid.size >= options.count) break;
  }
  return rounds;
}
