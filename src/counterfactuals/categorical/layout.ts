import { InvalidInputError } from '../../core/errors.js';
import type { CategoryMap } from '../../core/tabular-schema.js';

/**
 * How a model's rows hold categorical features:
 *
 * - `'ordinal'`: one column per feature; a categorical column holds a category code `0..k-1`, and
 *   `categoryMap` is keyed by that column.
 * - `'onehot'`: a categorical feature with `k` categories takes `k` adjacent 0/1 columns with exactly one
 *   1, and `categoryMap` is keyed by the first column of each group, as Alibi Explain's
 *   `CounterfactualProto(..., ohe=True)` documents it; every other column is a numeric feature.
 */
export type CategoricalEncoding = 'ordinal' | 'onehot';

/**
 * How a model reads categorical features: one column of category codes each (`ordinal`), or one column per
 * category (`onehot`).
 */
export const CATEGORICAL_ENCODINGS: readonly CategoricalEncoding[] = ['ordinal', 'onehot'];

/**
 * Where the features of a row sit in a model's encoding, and the conversion between that encoding and
 * the ordinal one (one value per feature, category codes for categorical features), which is where the
 * distances between categories are computed and where the optimiser's numeric space has one dimension
 * per feature.
 *
 * Features are numbered `0..numFeatures-1` in column order; in the ordinal encoding feature `f` is
 * column `f`. Rows are validated on the way in: wrong widths, non-finite numbers, category codes out of
 * range and one-hot groups without exactly one 1 are {@link InvalidInputError}s naming the row, the column
 * and the value.
 */
export class CategoricalLayout {
  /** Columns of a row in the model's encoding. */
  readonly width: number;
  readonly encoding: CategoricalEncoding;
  /** Per feature, its category names, or `undefined` for a numeric feature. */
  readonly categories: ReadonlyArray<readonly string[] | undefined>;
  /** Per feature, its (first) column in the model's encoding. */
  readonly columns: readonly number[];
  /** The categorical features' names keyed by feature index: the `categoryMap` of the ordinal encoding. */
  readonly ordinalCategoryMap: Readonly<Record<number, readonly string[]>>;

  /**
   * @param width columns of a row in the model's encoding.
   * @param categoryMap `{ [column]: category names }`: the column of an ordinal feature, or the first
   *   column of a one-hot group. Keys must be column indices.
   * @throws InvalidInputError for a width that is not a positive integer, an unknown encoding, a key
   *   that is not a column, an empty or repeated category list, or one-hot groups that overlap or run
   *   past the last column.
   */
  constructor(width: number, categoryMap: CategoryMap, encoding: CategoricalEncoding = 'ordinal') {
    if (!Number.isInteger(width) || width < 1) {
      throw new InvalidInputError(`row width is ${String(width)}; expected a positive integer number of columns`);
    }
    if (!CATEGORICAL_ENCODINGS.includes(encoding)) {
      throw new InvalidInputError(`encoding is ${JSON.stringify(encoding)}; expected one of: ${CATEGORICAL_ENCODINGS.join(', ')}`);
    }
    if (categoryMap === null || typeof categoryMap !== 'object' || Array.isArray(categoryMap)) {
      throw new InvalidInputError(`categoryMap is ${describeValue(categoryMap)}; expected an object { [column index]: string[] }`);
    }
    const groups = new Map<number, readonly string[]>();
    for (const [key, names] of Object.entries(categoryMap)) {
      const column = /^\d+$/.test(key) ? Number(key) : -1;
      if (column < 0 || column >= width) {
        throw new InvalidInputError(`categoryMap key "${key}" is not a column index; expected an integer in 0..${width - 1}`);
      }
      if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== 'string')) {
        throw new InvalidInputError(`categoryMap["${key}"] is ${describeValue(names)}; expected a non-empty array of category names (strings)`);
      }
      if (new Set(names).size !== names.length) {
        throw new InvalidInputError(`categoryMap["${key}"] lists a category twice; category names must be unique`);
      }
      groups.set(column, names);
    }

    const categories: Array<readonly string[] | undefined> = [];
    const columns: number[] = [];
    const ordinalCategoryMap: Record<number, readonly string[]> = {};
    for (let column = 0; column < width; ) {
      const names = groups.get(column);
      const f = columns.length;
      columns.push(column);
      categories.push(names === undefined ? undefined : [...names]);
      if (names !== undefined) ordinalCategoryMap[f] = categories[f] as readonly string[];
      const span = names !== undefined && encoding === 'onehot' ? names.length : 1;
      if (column + span > width) {
        throw new InvalidInputError(
          `categoryMap["${column}"] has ${span} categories, so its one-hot group needs columns ${column}..${column + span - 1}; rows have only ${width} columns`,
        );
      }
      for (let c = column + 1; c < column + span; c++) {
        if (groups.has(c)) {
          throw new InvalidInputError(
            `categoryMap["${c}"] starts inside the one-hot group of categoryMap["${column}"] (columns ${column}..${column + span - 1}); groups must not overlap`,
          );
        }
      }
      column += span;
    }
    this.width = width;
    this.encoding = encoding;
    this.categories = categories;
    this.columns = columns;
    this.ordinalCategoryMap = ordinalCategoryMap;
  }

  /** Features per row: the width of the ordinal encoding and of the optimiser's numeric space. */
  get numFeatures(): number {
    return this.categories.length;
  }

  /** The indices of the categorical features, ascending. */
  get categoricalFeatures(): number[] {
    return Object.keys(this.ordinalCategoryMap).map(Number);
  }

  /**
   * One row of the model's encoding as ordinal values (category codes for categorical features).
   *
   * @param what names the row in error messages, e.g. `row 12`.
   * @throws InvalidInputError for a wrong width, a non-finite value, a category code that is not an
   *   integer in `0..k-1`, or a one-hot group that is not 0/1 with exactly one 1.
   */
  toOrdinal(row: ArrayLike<number>, what = 'row'): number[] {
    if (row === null || typeof row !== 'object' || typeof row.length !== 'number') {
      throw new InvalidInputError(`${what} is ${describeValue(row)}; expected an array of ${this.width} numbers`);
    }
    if (row.length !== this.width) {
      throw new InvalidInputError(`${what} has ${row.length} values; expected ${this.width} (the model's columns)`);
    }
    for (let c = 0; c < this.width; c++) {
      const v = row[c];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new InvalidInputError(`${what}, column ${c} is ${describeValue(v)}; expected a finite number`);
      }
    }
    return this.categories.map((names, f) => {
      const c = this.columns[f];
      if (names === undefined) return row[c];
      if (this.encoding === 'ordinal') {
        const code = row[c];
        if (!Number.isInteger(code) || code < 0 || code >= names.length) {
          throw new InvalidInputError(
            `${what}, column ${c} has category code ${code}; expected an integer code 0..${names.length - 1} (${names.join(', ')})`,
          );
        }
        return code;
      }
      let code = -1;
      for (let k = 0; k < names.length; k++) {
        const v = row[c + k];
        if (v !== 0 && v !== 1) {
          throw new InvalidInputError(`${what}, column ${c + k} (one-hot group at column ${c}) is ${v}; expected 0 or 1`);
        }
        if (v === 1) {
          if (code >= 0) {
            throw new InvalidInputError(
              `${what}, one-hot group at columns ${c}..${c + names.length - 1} has 1 in columns ${c + code} and ${c + k}; expected exactly one 1`,
            );
          }
          code = k;
        }
      }
      if (code < 0) {
        throw new InvalidInputError(`${what}, one-hot group at columns ${c}..${c + names.length - 1} is all 0; expected exactly one 1`);
      }
      return code;
    });
  }

  /** Ordinal values (one per feature, valid category codes) in the model's encoding. */
  fromOrdinal(values: ArrayLike<number>): number[] {
    if (this.encoding === 'ordinal') return Array.from(values);
    const row = new Array<number>(this.width).fill(0);
    this.categories.forEach((names, f) => {
      if (names === undefined) row[this.columns[f]] = values[f];
      else row[this.columns[f] + values[f]] = 1;
    });
    return row;
  }
}

/** A value as error messages show it. */
export function describeValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `a ${typeof value} (${JSON.stringify(value)})`;
}
