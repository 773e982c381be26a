import type { Candidate } from './candidates.js';

/**
 * Choosing the set of counterfactuals, and the metrics of a set, after DiCE (Mothilal, Sharma & Tan,
 * FAT* 2020): its loss adds to each counterfactual's loss (proximity, sparsity) a diversity term, and
 * its "count diversity" (§5) is the mean, over pairs of counterfactuals, of the share of features on
 * which the two differ. Choosing uses a graded difference (`FeasibleSpace.difference`: numbers that
 * differ a little differ a little), so that a set is not filled with near-copies that count diversity
 * would score as different.
 */

/** How different two rows are, in [0, 1]. */
export type RowDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => number;

/** The share of the features on which two rows differ. */
export function rowDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  for (let f = 0; f < a.length; f++) if (a[f] !== b[f]) n += 1;
  return n / a.length;
}

/** The mean difference over pairs of rows (count diversity with {@link rowDifference}); 0 for fewer than two. */
export function countDiversity(rows: readonly ArrayLike<number>[], difference: RowDifference = rowDifference): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      sum += difference(rows[i], rows[j]);
      pairs += 1;
    }
  }
  return pairs === 0 ? 0 : sum / pairs;
}

/**
 * Up to `count` distinct candidates minimising the set loss Σ lossᵢ − diversityWeight · diversity,
 * greedily: the candidate of lowest loss first, then each time the one whose loss less
 * diversityWeight times its mean `difference` from those chosen is lowest (ties: the better-ranked,
 * i.e. earlier, candidate). `candidates` must be distinct, valid and ranked; with `chosen`, the set
 * starts from those (which count towards `count`, and are returned first).
 */
export function selectDiverse(
  candidates: readonly Candidate[],
  count: number,
  diversityWeight: number,
  difference: RowDifference,
  chosen: readonly Candidate[] = [],
): Candidate[] {
  const out = [...chosen];
  const taken = new Set(chosen.map((c) => c.key));
  const left = candidates.filter((c) => !taken.has(c.key));
  // Summed difference of each left candidate from those chosen.
  const spread = Float64Array.from(left, (c) => out.reduce((sum, o) => sum + difference(c.row, o.row), 0));
  while (out.length < count && left.length > 0) {
    let best = 0;
    let bestScore = Infinity;
    for (let i = 0; i < left.length; i++) {
      const score = left[i].loss - (out.length === 0 ? 0 : (diversityWeight * spread[i]) / out.length);
      if (score < bestScore) {
        bestScore = score;
        best = i;
      }
    }
    const [pick] = left.splice(best, 1);
    spread.copyWithin(best, best + 1);
    out.push(pick);
    for (let i = 0; i < left.length; i++) spread[i] += difference(left[i].row, pick.row);
  }
  return out;
}

/** The set loss of chosen candidates (see {@link selectDiverse}), to tell whether a search still improves. */
export function setLoss(chosen: readonly Candidate[], diversityWeight: number, difference: RowDifference): number {
  return chosen.reduce((sum, c) => sum + c.loss, 0) - diversityWeight * countDiversity(chosen.map((c) => c.row), difference);
}
