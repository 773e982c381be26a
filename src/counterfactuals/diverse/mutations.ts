import type { Rng } from '../../core/rng.js';
import type { FeasibleSpace } from './feasible-space.js';

/**
 * The moves of the gradient-free searches, each drawing from the feasible space (so that no row they
 * make can break a constraint) and keeping at most `maxFeaturesChanged` features changed.
 */

/** The instance with `n` distinct random mutable features set to random feasible values. */
export function randomChanges(space: FeasibleSpace, n: number, rng: Rng): number[] {
  const row = [...space.x];
  const free = [...space.mutable];
  for (let i = 0; i < n && free.length > 0; i++) {
    const [f] = free.splice(rng.int(free.length), 1);
    row[f] = space.sample(f, rng);
  }
  return row;
}

/**
 * Sets one random mutable feature of `row` (in place) to a random feasible value, then reverts random
 * other changed features until at most `maxFeaturesChanged` are changed.
 */
export function mutate(space: FeasibleSpace, row: number[], maxFeaturesChanged: number, rng: Rng): void {
  const f = space.mutable[rng.int(space.mutable.length)];
  row[f] = space.sample(f, rng);
  limitChanges(space, row, maxFeaturesChanged, rng, f);
}

/** Reverts one random changed feature of `row` (in place) to the instance's value. */
export function revertOne(space: FeasibleSpace, row: number[], rng: Rng): void {
  const changed = space.mutable.filter((f) => row[f] !== space.x[f]);
  if (changed.length === 0) return;
  const f = changed[rng.int(changed.length)];
  row[f] = space.x[f];
}

/** Reverts random changed features of `row` (in place, sparing `keep`) until at most `max` are changed. */
export function limitChanges(space: FeasibleSpace, row: number[], max: number, rng: Rng, keep = -1): void {
  const changed = space.mutable.filter((f) => row[f] !== space.x[f] && f !== keep);
  let count = changed.length + (keep >= 0 && row[keep] !== space.x[keep] ? 1 : 0);
  while (count > max && changed.length > 0) {
    const [f] = changed.splice(rng.int(changed.length), 1);
    row[f] = space.x[f];
    count -= 1;
  }
}
