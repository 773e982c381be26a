import type { Candidate, CandidatePool } from './candidates.js';

/**
 * Post-hoc sparsity, as DiCE's (Mothilal, Sharma & Tan, FAT* 2020, §4: "post-hoc, each continuous
 * feature is greedily restored to the original value as long as the counterfactual stays valid"),
 * batched so that each round is one model call for every counterfactual at once:
 *
 * 1. Revert: for every counterfactual, try each changed feature back at the instance's value (and,
 *    since greedy reverts can get stuck where features interact, each changed feature alone); keep the
 *    valid trial of lowest loss; repeat until no trial keeps a counterfactual valid.
 * 2. Shrink: for every changed numeric feature, try `SHRINK_STEPS` points of its grid between the
 *    instance's value and the counterfactual's, nearest first; keep the valid trial of lowest loss;
 *    repeat (at most `SHRINK_ROUNDS` rounds), as DiCE's line search towards the original value.
 *
 * Every trial is drawn from the feasible space (a reverted value is the instance's own), so
 * sparsifying never breaks a constraint.
 */

/** Points tried per changed numeric feature and round. */
export const SHRINK_STEPS = 6;
/** Rounds of shrinking. */
export const SHRINK_ROUNDS = 3;

/**
 * The candidates made sparser; each stays valid (the input must be valid candidates) and takes only
 * trials that `keep` accepts (e.g. no near-copy of a counterfactual already chosen).
 */
export async function sparsify(pool: CandidatePool, candidates: readonly Candidate[], keep: (row: number[]) => boolean = () => true): Promise<Candidate[]> {
  const { space } = pool;
  const x = space.x;
  const revert = (c: Candidate) => {
    const changed = space.mutable.filter((f) => c.row[f] !== x[f]);
    if (changed.length < 2) return [];
    return changed.flatMap((f) => {
      const without = [...c.row];
      without[f] = x[f];
      const only = [...x];
      only[f] = c.row[f];
      return changed.length === 2 ? [without] : [without, only];
    });
  };
  const shrink = (c: Candidate) =>
    space.mutable.flatMap((f) =>
      c.row[f] === x[f]
        ? []
        : space.between(f, c.row[f], SHRINK_STEPS).map((v) => {
            const row = [...c.row];
            row[f] = v;
            return row;
          }),
    );
  let current = [...candidates];
  for (let round = 0; round < x.length; round++) {
    const next = await improve(pool, current, revert, keep);
    if (next === undefined) break;
    current = next;
  }
  for (let round = 0; round < SHRINK_ROUNDS; round++) {
    const next = await improve(pool, current, shrink, keep);
    if (next === undefined) break;
    current = next;
  }
  return current;
}

/**
 * One round: the trials of every candidate in one model call; each candidate replaced by its valid
 * trial of lowest loss when that is lower than its own. `undefined` when none improved.
 */
async function improve(pool: CandidatePool, current: Candidate[], trials: (c: Candidate) => number[][], keep: (row: number[]) => boolean): Promise<Candidate[] | undefined> {
  const rows = current.map(trials);
  const evaluated = await pool.evaluate(rows.flat());
  const byKey = new Map(evaluated.map((c) => [c.key, c]));
  let improved = false;
  const next = current.map((c, i) => {
    let best = c;
    for (const row of rows[i]) {
      const t = byKey.get(row.join(','));
      if (t !== undefined && t.valid && t.loss < best.loss && keep(t.row)) best = t;
    }
    if (best !== c) improved = true;
    return best;
  });
  return improved ? next : undefined;
}
