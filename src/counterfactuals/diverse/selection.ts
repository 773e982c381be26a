import type { Candidate } from './candidates.js';

/**
 * Choosing the set of counterfactuals, and the metrics of a set, after DiCE (Mothilal, Sharma & Tan,
 * FAT* 2020): its loss adds to each counterfactual's loss (proximity, sparsity) a diversity term, and
 * its "count diversity" (§5) is the mean, over pairs of counterfactuals, of the share of features on
 * which the two differ. Choosing uses a graded difference (`FeasibleSpace.difference`: numbers that
 * differ a little differ a little), so that a set is not filled with near-copies that count diversity
 * would score as different.
 */

/**
 * How different two counterfactuals of a set must be at least, summed over features: half a category
 * change, or a number changed by half its scale (`changeScale`). Our choice: less reads as a copy.
 */
export const MIN_DIFFERENCE = 0.5;

/** How different two rows are, in [0, 1] (the mean over features of a difference in [0, 1]). */
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
 * i.e. earlier, candidate). A candidate that differs from one chosen by less than `minDifference`
 * (summed over features; {@link MIN_DIFFERENCE} by default) is a near-copy and left out. `candidates` must be
 * distinct, valid and ranked; with `chosen`, the set starts from those (which count towards `count`,
 * and are returned first).
 */
export function selectDiverse(
  candidates: readonly Candidate[],
  count: number,
  diversityWeight: number,
  difference: RowDifference,
  chosen: readonly Candidate[] = [],
  minDifference = MIN_DIFFERENCE,
): Candidate[] {
  const out = [...chosen];
  const taken = new Set(chosen.map((c) => c.key));
  const left = candidates.filter((c) => !taken.has(c.key));
  // Summed difference of each left candidate from those chosen.
  const spread = Float64Array.from(left, (c) => out.reduce((sum, o) => sum + difference(c.row, o.row), 0));
  const near = new Uint8Array(left.length); // 1: a near-copy of one chosen
  const markNear = (pick: Candidate) => left.forEach((c, i) => {
    if (difference(c.row, pick.row) * c.row.length < minDifference) near[i] = 1;
  });
  out.forEach(markNear);
  while (out.length < count && left.length > 0) {
    let best = -1;
    let bestScore = Infinity;
    for (let i = 0; i < left.length; i++) {
      if (near[i] === 1) continue;
      const score = left[i].loss - (out.length === 0 ? 0 : (diversityWeight * spread[i]) / out.length);
      if (score < bestScore) {
        bestScore = score;
        best = i;
      }
    }
    if (best < 0) break;
    const [pick] = left.splice(best, 1);
    spread.copyWithin(best, best + 1);
    near.copyWithin(best, best + 1);
    out.push(pick);
    for (let i = 0; i < left.length; i++) spread[i] += difference(left[i].row, pick.row);
    markNear(pick);
  }
  return out;
}

/** The set loss of chosen candidates (see {@link selectDiverse}), to tell whether a search still improves. */
export function setLoss(chosen: readonly Candidate[], diversityWeight: number, difference: RowDifference): number {
  return chosen.reduce((sum, c) => sum + c.loss, 0) - diversityWeight * countDiversity(chosen.map((c) => c.row), difference);
}
