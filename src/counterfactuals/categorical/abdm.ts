import { checkPercentiles, FeatureBins } from '../../anchors/tabular/discretizer.js';
import { InvalidInputError } from '../../core/errors.js';
import type { CategoryMap } from '../../core/tabular-schema.js';
import { categoryCounts, checkRows, type CategoryDistances } from './category-rows.js';

/**
 * Defaults of {@link abdmDistances}.
 *
 * - `discPerc: [25, 50, 75]`: numeric features are binned at these percentiles of their values before
 *   their conditional distributions are taken, as Alibi Explain's `CounterfactualProto.fit(disc_perc=...)`
 *   documents (the same default as its anchors' discretiser).
 * - `pseudoCount: 1`: additive (Laplace) smoothing of the conditional distributions, Laplace's rule of
 *   succession (Manning, Raghavan & Schütze, *Introduction to Information Retrieval*, 2008, §13.2).
 *   Without it a value seen with category `a` but never with `b` makes their KL divergence infinite.
 *   Our choice: Le & Ho (2005) do not say how zero probabilities are handled.
 */
export const ABDM_DEFAULTS = Object.freeze({
  discPerc: Object.freeze([25, 50, 75]) as readonly number[],
  pseudoCount: 1,
});

/**
 * Options of the association-based distance between categories (ABDM, Le & Ho 2005), as Alibi Explain's
 * `CounterfactualProto.fit` takes them: how numeric features are binned, and the smoothing of counts.
 */
export interface AbdmOptions {
  /** Percentiles (strictly between 0 and 100) at which numeric features are binned. */
  discPerc?: readonly number[];
  /** Added to every count of a conditional distribution before it is normalised; `> 0`. */
  pseudoCount?: number;
}

/**
 * Association-Based Distance Metric between the categories of each categorical feature (Le & Ho, "An
 * association-based dissimilarity measure for categorical data", Pattern Recognition Letters 26(16),
 * 2005), as prototype-guided counterfactuals use it (Van Looveren & Klaise, "Interpretable
 * Counterfactual Explanations Guided by Prototypes", 2019, §3.4): two categories `a`, `b` of feature `i`
 * are far apart when the other features are distributed differently among the rows holding them,
 *
 *     d_i(a, b) = Σ_{j ≠ i} KL(p(x_j | x_i = a) ‖ p(x_j | x_i = b)) + KL(p(x_j | x_i = b) ‖ p(x_j | x_i = a)),
 *
 * the symmetric Kullback–Leibler divergence, summed over every other feature `j`. A categorical `j`
 * contributes its categories; a numeric `j` its bins at the percentiles `discPerc` of its values
 * (repeated edges collapse, as in the anchors' discretiser). Conditional distributions are smoothed by
 * `pseudoCount` (see {@link ABDM_DEFAULTS}).
 *
 * @param rows ordinal rows (category codes in the categorical columns), at least one.
 * @param categoryMap `{ [column index]: category names }`.
 * @returns per categorical column, a symmetric `k × k` matrix with a zero diagonal.
 * @throws InvalidInputError for malformed rows or options, fewer than two features, or a category that
 *   no row holds (its conditional distribution would be undefined), naming the feature and category.
 */
export function abdmDistances(
  rows: readonly ArrayLike<number>[],
  categoryMap: CategoryMap,
  options: AbdmOptions = {},
): CategoryDistances {
  const discPerc = checkPercentiles((options.discPerc ?? ABDM_DEFAULTS.discPerc) as number[]);
  const pseudoCount = options.pseudoCount ?? ABDM_DEFAULTS.pseudoCount;
  if (typeof pseudoCount !== 'number' || !(pseudoCount > 0) || !Number.isFinite(pseudoCount)) {
    throw new InvalidInputError(`option pseudoCount is ${String(pseudoCount)}; expected a finite number > 0 (0 makes unshared values infinitely far apart)`);
  }
  const { layout, values } = checkRows(rows, categoryMap);
  const d = layout.numFeatures;
  if (d < 2) {
    throw new InvalidInputError(`ABDM compares categories through the other features; rows have ${d} feature, expected at least 2`);
  }
  const n = values[0].length;
  // Every feature as small integer codes: categories as they are, numbers by percentile bin.
  const codes: Int32Array[] = [];
  const levels: number[] = [];
  for (let j = 0; j < d; j++) {
    const names = layout.categories[j];
    if (names !== undefined) {
      codes.push(Int32Array.from(values[j]));
      levels.push(names.length);
    } else {
      const bins = new FeatureBins(values[j], discPerc);
      codes.push(Int32Array.from(values[j], (x) => bins.bin(x)));
      levels.push(bins.numBins);
    }
  }

  const out: CategoryDistances = {};
  for (const i of layout.categoricalFeatures) {
    const names = layout.categories[i] as readonly string[];
    const k = names.length;
    const totals = categoryCounts(codes[i], k, i, names);
    const dist = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let j = 0; j < d; j++) {
      if (j === i) continue;
      const m = levels[j];
      const counts = new Float64Array(k * m);
      for (let r = 0; r < n; r++) counts[codes[i][r] * m + codes[j][r]]++;
      // log p(x_j = v | x_i = a), smoothed.
      const logp = new Float64Array(k * m);
      for (let a = 0; a < k; a++) {
        const denominator = totals[a] + pseudoCount * m;
        for (let v = 0; v < m; v++) logp[a * m + v] = Math.log((counts[a * m + v] + pseudoCount) / denominator);
      }
      for (let a = 0; a < k; a++) {
        for (let b = a + 1; b < k; b++) {
          let kl = 0;
          for (let v = 0; v < m; v++) {
            const la = logp[a * m + v];
            const lb = logp[b * m + v];
            if (la === lb) continue;
            kl += (Math.exp(la) - Math.exp(lb)) * (la - lb);
          }
          dist[a][b] += kl;
          dist[b][a] = dist[a][b];
        }
      }
    }
    out[i] = dist;
  }
  return out;
}
