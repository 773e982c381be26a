import { InvalidInputError } from '../../core/errors.js';
import type { CategoryMap } from '../../core/tabular-schema.js';
import { categoryCounts, checkRows, type CategoryDistances } from './category-rows.js';
import { describeValue } from './layout.js';

/**
 * The model's predictions for the rows: one probability row per row (all of one length, non-negative),
 * or one class label (an integer `>= 0`) per row.
 */
export type RowPredictions = readonly (readonly number[])[] | readonly number[];

/**
 * Modified Value Difference Metric between the categories of each categorical feature (Cost & Salzberg,
 * "A weighted nearest neighbor algorithm for learning with symbolic features", Machine Learning 10(1),
 * 1993, after Stanfill & Waltz's value difference metric, CACM 29(12), 1986), with the class
 * distribution taken from the model rather than from the labels, as prototype-guided counterfactuals do
 * (Van Looveren & Klaise, 2019, §3.4; Alibi Explain's `d_type='mvdm'`): two categories are far apart
 * when the model predicts differently for the rows holding them,
 *
 *     d_i(a, b) = Σ_k | p(k | x_i = a) − p(k | x_i = b) |,
 *
 * where `p(k | x_i = a)` is the mean predicted probability of class `k` over the rows with `x_i = a`
 * (for labels, the share of those rows predicted as `k`). Pure: the caller runs the model.
 *
 * @param rows ordinal rows (category codes in the categorical columns), at least one.
 * @param predictions the model's prediction for each row (see {@link RowPredictions}).
 * @param categoryMap `{ [column index]: category names }`.
 * @returns per categorical column, a symmetric `k × k` matrix with a zero diagonal, entries in `[0, 2]`.
 * @throws InvalidInputError for malformed rows or predictions, or a category no row holds.
 */
export function mvdmDistances(
  rows: readonly ArrayLike<number>[],
  predictions: RowPredictions,
  categoryMap: CategoryMap,
): CategoryDistances {
  const { layout, values } = checkRows(rows, categoryMap);
  const proba = classDistributions(predictions, rows.length);
  const classes = proba[0].length;
  const out: CategoryDistances = {};
  for (const i of layout.categoricalFeatures) {
    const names = layout.categories[i] as readonly string[];
    const k = names.length;
    const totals = categoryCounts(values[i], k, i, names);
    const mean = Array.from({ length: k }, () => new Float64Array(classes));
    values[i].forEach((a, r) => {
      for (let c = 0; c < classes; c++) mean[a][c] += proba[r][c];
    });
    for (let a = 0; a < k; a++) for (let c = 0; c < classes; c++) mean[a][c] /= totals[a];
    const dist = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++) {
        let sum = 0;
        for (let c = 0; c < classes; c++) sum += Math.abs(mean[a][c] - mean[b][c]);
        dist[a][b] = sum;
        dist[b][a] = sum;
      }
    }
    out[i] = dist;
  }
  return out;
}

/** Predictions as probability rows: labels become one-hot rows over `max label + 1` classes. */
function classDistributions(predictions: RowPredictions, n: number): readonly (readonly number[])[] {
  if (!Array.isArray(predictions) || predictions.length !== n) {
    const got = Array.isArray(predictions) ? `${predictions.length} predictions` : describeValue(predictions);
    throw new InvalidInputError(`predictions has ${got}; expected ${n}, one per row`);
  }
  if (predictions.every((p) => typeof p === 'number')) {
    const labels = predictions as readonly number[];
    labels.forEach((label, r) => {
      if (!Number.isInteger(label) || label < 0) {
        throw new InvalidInputError(`predictions[${r}] is ${label}; expected a class label, an integer >= 0`);
      }
    });
    const classes = labels.reduce((max, label) => Math.max(max, label), 0) + 1;
    return labels.map((label) => Array.from({ length: classes }, (_, c) => (c === label ? 1 : 0)));
  }
  const rows = predictions as readonly (readonly number[])[];
  const classes = Array.isArray(rows[0]) ? rows[0].length : 0;
  rows.forEach((p, r) => {
    if (!Array.isArray(p) || p.length !== classes || classes === 0) {
      throw new InvalidInputError(
        `predictions[${r}] is ${describeValue(p)}; expected ${classes > 0 ? `${classes} class probabilities, like predictions[0]` : 'an array of class probabilities, or a label'}`,
      );
    }
    const bad = p.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v) || v < 0);
    if (bad >= 0) {
      throw new InvalidInputError(`predictions[${r}][${bad}] is ${describeValue(p[bad])}; expected a probability, a finite number >= 0`);
    }
  });
  return rows;
}
