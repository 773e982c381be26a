import { InvalidInputError } from '../../core/errors.js';
import type { CategoryMap } from '../../core/tabular-schema.js';
import { CategoricalLayout, describeValue } from './layout.js';

/** Per categorical column, a symmetric `k × k` matrix of distances between its categories. */
export type CategoryDistances = Record<number, number[][]>;

/**
 * Validates ordinal rows against `categoryMap` (the width comes from the first row) and returns their
 * layout and their values column by column.
 *
 * @throws InvalidInputError for no rows, or any row {@link CategoricalLayout.toOrdinal} rejects.
 */
export function checkRows(
  rows: readonly ArrayLike<number>[],
  categoryMap: CategoryMap,
): { layout: CategoricalLayout; values: Float64Array[] } {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new InvalidInputError(`rows is ${describeValue(rows)}; expected a non-empty array of rows`);
  }
  const first = rows[0];
  const width = first !== null && typeof first === 'object' ? first.length : NaN;
  const layout = new CategoricalLayout(width, categoryMap, 'ordinal');
  const values = Array.from({ length: width }, () => new Float64Array(rows.length));
  rows.forEach((row, r) => {
    const ordinal = layout.toOrdinal(row, `row ${r}`);
    for (let f = 0; f < width; f++) values[f][r] = ordinal[f];
  });
  return { layout, values };
}

/**
 * How many rows hold each of the `k` categories of `feature`.
 *
 * @throws InvalidInputError naming the feature and category when a category occurs in no row: its
 *   conditional distributions, and so its distance to the others, would be undefined.
 */
export function categoryCounts(codes: ArrayLike<number>, k: number, feature: number, names: readonly string[]): Float64Array {
  const counts = new Float64Array(k);
  for (let r = 0; r < codes.length; r++) counts[codes[r]]++;
  const missing = counts.indexOf(0);
  if (missing >= 0) {
    throw new InvalidInputError(
      `category ${JSON.stringify(names[missing])} (code ${missing}) of feature ${feature} occurs in none of the ${codes.length} rows; ` +
        'expected every category at least once, to compare it with the others (pass rows that hold it)',
    );
  }
  return counts;
}
