import { InvalidInputError } from '../core/errors.js';

/**
 * The fraction of rows whose most probable class (argmax of the probability row, the first maximum on
 * ties, as `toLabels` reduces a predictor's output) equals the target label.
 */
export function accuracy(probabilities: ArrayLike<ArrayLike<number>>, target: ArrayLike<number>): number {
  if (probabilities.length !== target.length || target.length === 0) {
    throw new InvalidInputError(
      `accuracy needs one probability row per target label; received ${probabilities.length} rows and ${target.length} labels`,
    );
  }
  let correct = 0;
  for (let i = 0; i < target.length; i++) {
    const row = probabilities[i];
    let best = 0;
    for (let c = 1; c < row.length; c++) if (row[c] > row[best]) best = c;
    if (best === target[i]) correct++;
  }
  return correct / target.length;
}
