import { InvalidInputError } from '../../core/errors.js';
import type { CategoryMap } from '../../core/tabular-schema.js';
import { resolveFeatureRange, type Box, type FeatureRange } from '../constraints.js';
import { abdmDistances, type AbdmOptions } from './abdm.js';
import type { CategoryDistances } from './category-rows.js';
import { CategoricalLayout, describeValue, type CategoricalEncoding } from './layout.js';
import { checkDistanceMatrix, mdsEmbedding } from './mds.js';
import { mvdmDistances, type RowPredictions } from './mvdm.js';

/** How distances between categories are measured: from the data (ABDM) or from the model (MVDM). */
export type CategoryDistanceMethod = 'abdm' | 'mvdm';

/**
 * How distances between categories are learned: from the data (`abdm`) or from the model's predictions (`mvdm`,
 * Cost & Salzberg 1993).
 */
export const CATEGORY_DISTANCE_METHODS: readonly CategoryDistanceMethod[] = ['abdm', 'mvdm'];

/** Options of the embedding of categories on a line, modelled on Alibi Explain's `CounterfactualProto.fit`. */
export interface CategoricalSpaceOptions {
  /**
   * The allowed values of the optimiser's numeric space, one dimension per feature: `[min, max]` with
   * numbers, or arrays of one number per feature (as in `resolveFeatureRange`). Categorical
   * dimensions are scaled into it (unless `standardizeCatVars`); numeric dimensions keep the bounds
   * given here, so pass their real ranges unless numeric features are scaled to the default `[-1, 1]`.
   */
  featureRange?: FeatureRange;
  /** Standardise each categorical feature's coordinates to mean 0 and standard deviation 1 instead of scaling them into `featureRange`. */
  standardizeCatVars?: boolean;
  /** Exponent in `(0, 1]` applied to the distances before scaling: lower values even out the features' spreads. */
  smooth?: number;
  /** Centre each categorical feature's coordinates in its range (else they start at its lower bound). */
  center?: boolean;
  /** Narrow `featureRange` of each categorical dimension to the span of its coordinates. */
  updateFeatureRange?: boolean;
  /**
   * `{ [column, keyed as categoryMap]: category names from lowest to highest }` for ordered categories
   * (education, say): every category of the feature, once. See {@link CategoricalSpace.orderedCategories}.
   */
  order?: CategoryMap;
}

export interface CategoricalSpaceFitOptions extends CategoricalSpaceOptions, AbdmOptions {
  /** How the rows hold categorical features. */
  encoding?: CategoricalEncoding;
  /** Category distances from the data (`'abdm'`) or from the model's predictions (`'mvdm'`). */
  distance?: CategoryDistanceMethod;
  /** For `'mvdm'`: the model's prediction for each row, computed by the caller. */
  predictions?: RowPredictions;
}

/**
 * Defaults, as Alibi Explain documents `CounterfactualProto.fit` (`d_type='abdm'`,
 * `standardize_cat_vars=False`, `smooth=1.`, `center=True`, `update_feature_range=True`), and
 * `featureRange: [-1, 1]`, the range Alibi's categorical Adult examples (`cfproto_cat_adult_ohe`,
 * `cfproto_cat_adult_ord`) scale numeric features to: Alibi's own default `(-1e10, 1e10)` would spread the categories over ±1e10.
 */
export const CATEGORICAL_SPACE_DEFAULTS = Object.freeze({
  encoding: 'ordinal' as CategoricalEncoding,
  distance: 'abdm' as CategoryDistanceMethod,
  featureRange: Object.freeze([-1, 1]) as FeatureRange,
  standardizeCatVars: false,
  smooth: 1,
  center: true,
  updateFeatureRange: true,
});

/** The categories of one feature allowed by a constraint, and the interval their coordinates span. */
export interface CategoryInterval {
  feature: number;
  /** Allowed category codes, in the feature's order. */
  categories: number[];
  /** The smallest and largest coordinate of an allowed category. */
  lower: number;
  upper: number;
}

/**
 * The optimiser's numeric space for rows with categorical features, as prototype-guided
 * counterfactuals build it (Van Looveren & Klaise, "Interpretable Counterfactual Explanations Guided by
 * Prototypes", 2019, §3.4): pairwise distances between the categories of each feature
 * ({@link abdmDistances} or {@link mvdmDistances}) are embedded on a line by classical multidimensional
 * scaling ({@link mdsEmbedding}), so each categorical feature becomes one numeric dimension, and a
 * point of that space maps back to a valid row by taking, per categorical dimension, the category with
 * the nearest coordinate.
 *
 * The numeric space has one dimension per feature, in column order ({@link CategoricalLayout}). Rows
 * are in the model's encoding, ordinal or one-hot. Scaling of the coordinates follows Alibi Explain's
 * documented options (`standardize_cat_vars`, `smooth`, `center`, `update_feature_range`): with the
 * raw coordinates `c_f` of each categorical feature `f`, from the distances raised to `smooth`,
 *
 * - `standardizeCatVars`: `(c_f − mean) / std` over the feature's categories;
 * - otherwise every feature is multiplied by one factor, the largest that fits each feature's spread
 *   into its `featureRange` width (so the feature whose categories lie farthest apart fills its range
 *   and the spreads of the others keep their proportion to it), and shifted so that its coordinates are
 *   centred in its range (`center`) or start at its lower bound.
 *
 * Coordinates are rounded to 32-bit floats (the optimiser's precision), so that `toRow(toNumeric(row))`
 * gives `row` back exactly; numeric features pass through as 32-bit floats.
 */
export class CategoricalSpace {
  readonly layout: CategoricalLayout;
  /** The distances the embedding came from, keyed by feature index. */
  readonly distances: Readonly<CategoryDistances>;
  /** Per categorical feature (keyed by feature index), the coordinate of each category code. */
  readonly coordinates: Readonly<Record<number, Float32Array>>;
  /** The allowed values of each dimension of the numeric space (see `updateFeatureRange`). */
  readonly featureRange: Box;
  /** Per ordered feature (keyed by feature index), its category codes from lowest to highest. */
  readonly orders: Readonly<Record<number, readonly number[]>>;

  /**
   * Measures the distances between categories on `rows` and embeds them.
   *
   * @param rows training rows in the model's encoding (`options.encoding`), at least one.
   * @param categoryMap `{ [column]: category names }` (for one-hot, the first column of each group).
   * @throws InvalidInputError for malformed rows, options or predictions, or a category no row holds.
   */
  static fit(rows: readonly ArrayLike<number>[], categoryMap: CategoryMap, options: CategoricalSpaceFitOptions = {}): CategoricalSpace {
    const encoding = options.encoding ?? CATEGORICAL_SPACE_DEFAULTS.encoding;
    const distance = options.distance ?? CATEGORICAL_SPACE_DEFAULTS.distance;
    if (!CATEGORY_DISTANCE_METHODS.includes(distance)) {
      throw new InvalidInputError(`option distance is ${JSON.stringify(distance)}; expected one of: ${CATEGORY_DISTANCE_METHODS.join(', ')}`);
    }
    if (!Array.isArray(rows) || rows.length === 0) {
      throw new InvalidInputError(`rows is ${describeValue(rows)}; expected a non-empty array of rows`);
    }
    const first = rows[0];
    const layout = new CategoricalLayout(first !== null && typeof first === 'object' ? first.length : NaN, categoryMap, encoding);
    const ordinal = rows.map((row, r) => layout.toOrdinal(row, `row ${r}`));
    let distances: CategoryDistances;
    if (distance === 'abdm') {
      if (options.predictions !== undefined) {
        throw new InvalidInputError("option predictions is only used with distance 'mvdm'; ABDM measures distances from the rows alone");
      }
      distances = abdmDistances(ordinal, layout.ordinalCategoryMap, options);
    } else {
      if (options.predictions === undefined) {
        throw new InvalidInputError("distance 'mvdm' needs option predictions: the model's prediction for each row");
      }
      distances = mvdmDistances(ordinal, options.predictions, layout.ordinalCategoryMap);
    }
    return new CategoricalSpace(layout, distances, options);
  }

  /**
   * @param layout where the features sit in the model's rows.
   * @param distances per categorical feature (keyed by feature index), a `k × k` distance matrix.
   * @throws InvalidInputError for a missing, extra or malformed matrix, bad options, or two categories
   *   of a feature at the same coordinate (distance 0 between them): they could not be told apart.
   */
  constructor(layout: CategoricalLayout, distances: CategoryDistances, options: CategoricalSpaceOptions = {}) {
    const defaults = CATEGORICAL_SPACE_DEFAULTS;
    const standardize = checkBoolean(options.standardizeCatVars ?? defaults.standardizeCatVars, 'standardizeCatVars');
    const center = checkBoolean(options.center ?? defaults.center, 'center');
    const update = checkBoolean(options.updateFeatureRange ?? defaults.updateFeatureRange, 'updateFeatureRange');
    const smooth = options.smooth ?? defaults.smooth;
    if (typeof smooth !== 'number' || !(smooth > 0 && smooth <= 1)) {
      throw new InvalidInputError(`option smooth is ${describeValue(smooth)}; expected an exponent in (0, 1]`);
    }
    const d = layout.numFeatures;
    const range = resolveFeatureRange(options.featureRange ?? defaults.featureRange, d);
    const features = layout.categoricalFeatures;
    for (const key of Object.keys(distances)) {
      const f = Number(key);
      if (!features.includes(f)) {
        throw new InvalidInputError(`distances has a matrix for feature ${key}, which is not categorical; categorical features are: ${features.join(', ')}`);
      }
    }
    const raw: Record<number, number[]> = {};
    for (const f of features) {
      const k = (layout.categories[f] as readonly string[]).length;
      const matrix = distances[f];
      if (matrix === undefined) throw new InvalidInputError(`distances has no matrix for categorical feature ${f}; expected a ${k} × ${k} matrix`);
      checkDistanceMatrix(matrix, `distances[${f}]`);
      if (matrix.length !== k) {
        throw new InvalidInputError(`distances[${f}] is ${matrix.length} × ${matrix.length}; expected ${k} × ${k}, one row per category of feature ${f}`);
      }
      raw[f] = mdsEmbedding(smooth === 1 ? matrix : matrix.map((row) => row.map((x) => x ** smooth)));
    }

    const scaled = standardize ? standardized(raw) : scaledInto(raw, range, center);
    const coordinates: Record<number, Float32Array> = {};
    for (const f of features) {
      const coords = Float32Array.from(scaled[f]);
      checkDistinct(coords, f, layout.categories[f] as readonly string[]);
      coordinates[f] = coords;
      if (update) {
        range.lower[f] = Math.min(...coords);
        range.upper[f] = Math.max(...coords);
      }
    }
    this.layout = layout;
    this.distances = Object.fromEntries(features.map((f) => [f, distances[f].map((row) => [...row])]));
    this.coordinates = coordinates;
    this.featureRange = range;
    this.orders = resolveOrders(options.order ?? {}, layout);
  }

  /** Dimensions of the numeric space: one per feature. */
  get numFeatures(): number {
    return this.layout.numFeatures;
  }

  /**
   * A row of the model's encoding as a point of the numeric space: each categorical value replaced by
   * its category's coordinate, numeric values as they are (as 32-bit floats).
   *
   * @param what names the row in error messages.
   * @throws InvalidInputError for a row {@link CategoricalLayout.toOrdinal} rejects.
   */
  toNumeric(row: ArrayLike<number>, what = 'row'): Float32Array {
    const ordinal = this.layout.toOrdinal(row, what);
    return Float32Array.from(ordinal, (v, f) => this.coordinates[f]?.[v] ?? v);
  }

  /**
   * A point of the numeric space as a valid row of the model's encoding: each categorical dimension
   * becomes the category with the nearest coordinate (see {@link nearestCategory}), a one-hot group
   * with exactly one 1; numeric dimensions are kept.
   *
   * @param allowed optionally, per feature index, the only category codes that may be chosen (an
   *   immutable feature's own category, or {@link orderedCategories}' answer).
   * @throws InvalidInputError for a wrong length, a non-finite value, or a bad `allowed`.
   */
  toRow(numeric: ArrayLike<number>, allowed: Readonly<Record<number, readonly number[]>> = {}): number[] {
    const d = this.numFeatures;
    if (numeric === null || typeof numeric !== 'object' || numeric.length !== d) {
      throw new InvalidInputError(`numeric point has ${describeValue(numeric?.length ?? numeric)} values; expected ${d}, one per feature`);
    }
    for (const key of Object.keys(allowed)) {
      if (this.coordinates[Number(key)] === undefined) {
        throw new InvalidInputError(`allowed names feature ${key}, which is not categorical; categorical features are: ${this.layout.categoricalFeatures.join(', ')}`);
      }
    }
    const ordinal = Array.from({ length: d }, (_, f) => {
      const x = numeric[f];
      if (typeof x !== 'number' || !Number.isFinite(x)) {
        throw new InvalidInputError(`numeric point, feature ${f} is ${describeValue(x)}; expected a finite number`);
      }
      return this.coordinates[f] === undefined ? x : this.nearestCategory(f, x, allowed[f]);
    });
    return this.layout.fromOrdinal(ordinal);
  }

  /**
   * The category of categorical feature `feature` whose coordinate is nearest to `x`; of two at the
   * same distance, the lower code.
   *
   * @param allowed optionally, the only codes that may be chosen (non-empty).
   * @throws InvalidInputError for a feature that is not categorical, a non-finite `x`, or a bad `allowed`.
   */
  nearestCategory(feature: number, x: number, allowed?: readonly number[]): number {
    const coords = this.categoricalCoordinates(feature);
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new InvalidInputError(`coordinate of feature ${feature} is ${describeValue(x)}; expected a finite number`);
    }
    if (allowed !== undefined && (!Array.isArray(allowed) || allowed.length === 0)) {
      throw new InvalidInputError(`allowed categories of feature ${feature} are ${describeValue(allowed)}; expected a non-empty array of codes`);
    }
    const count = allowed?.length ?? coords.length;
    let best = -1;
    for (let i = 0; i < count; i++) {
      const code = allowed === undefined ? i : allowed[i];
      if (!Number.isInteger(code) || code < 0 || code >= coords.length) {
        throw new InvalidInputError(`allowed categories of feature ${feature} include ${describeValue(code)}; expected codes 0..${coords.length - 1}`);
      }
      const gap = Math.abs(coords[code] - x);
      const bestGap = best < 0 ? Infinity : Math.abs(coords[best] - x);
      if (gap < bestGap || (gap === bestGap && code < best)) best = code;
    }
    return best;
  }

  /**
   * For an ordered feature (option `order`), the categories at or above (`'increase'`) or at or below
   * (`'decrease'`) category `code` in its order, and the coordinate interval they span: project the
   * feature's dimension onto `[lower, upper]` and pass `categories` to {@link toRow} as `allowed`, and
   * the feature can only move in that direction. The coordinates need not follow the order, so the
   * interval may also hold coordinates of categories outside it; `allowed` keeps them out.
   *
   * @throws InvalidInputError for a feature without an order, a bad code or direction.
   */
  orderedCategories(feature: number, code: number, direction: 'increase' | 'decrease'): CategoryInterval {
    const coords = this.categoricalCoordinates(feature);
    const order = this.orders[feature];
    if (order === undefined) {
      const ordered = Object.keys(this.orders);
      throw new InvalidInputError(
        `feature ${feature} has no order; expected one of the ordered features (${ordered.length > 0 ? ordered.join(', ') : 'none: pass option order'})`,
      );
    }
    if (!Number.isInteger(code) || code < 0 || code >= coords.length) {
      throw new InvalidInputError(`category code of feature ${feature} is ${describeValue(code)}; expected an integer code 0..${coords.length - 1}`);
    }
    if (direction !== 'increase' && direction !== 'decrease') {
      throw new InvalidInputError(`direction is ${describeValue(direction)}; expected 'increase' or 'decrease'`);
    }
    const rank = order.indexOf(code);
    const categories = direction === 'increase' ? order.slice(rank) : order.slice(0, rank + 1);
    const values = categories.map((c) => coords[c]);
    return { feature, categories, lower: Math.min(...values), upper: Math.max(...values) };
  }

  private categoricalCoordinates(feature: number): Float32Array {
    const coords = this.coordinates[feature];
    if (coords === undefined) {
      throw new InvalidInputError(
        `feature ${describeValue(feature)} is not categorical; categorical features are: ${this.layout.categoricalFeatures.join(', ')}`,
      );
    }
    return coords;
  }
}

/** Each feature's coordinates standardised to mean 0 and (population) standard deviation 1. */
function standardized(raw: Record<number, number[]>): Record<number, number[]> {
  const out: Record<number, number[]> = {};
  for (const [f, c] of Object.entries(raw)) {
    const mean = c.reduce((s, x) => s + x, 0) / c.length;
    const sd = Math.sqrt(c.reduce((s, x) => s + (x - mean) ** 2, 0) / c.length);
    out[Number(f)] = c.map((x) => (sd > 0 ? (x - mean) / sd : 0));
  }
  return out;
}

/**
 * Coordinates multiplied by one common factor, the largest that fits every feature's spread into the
 * width of its range, then centred in the range or started at its lower bound.
 */
function scaledInto(raw: Record<number, number[]>, range: Box, center: boolean): Record<number, number[]> {
  const spans = Object.entries(raw).map(([f, c]) => ({ f: Number(f), c, min: Math.min(...c), max: Math.max(...c) }));
  let factor = Infinity;
  for (const { f, min, max } of spans) {
    if (max > min) factor = Math.min(factor, (range.upper[f] - range.lower[f]) / (max - min));
  }
  if (!Number.isFinite(factor)) factor = 0;
  const out: Record<number, number[]> = {};
  for (const { f, c, min, max } of spans) {
    const shift = center ? (range.lower[f] + range.upper[f]) / 2 - (factor * (min + max)) / 2 : range.lower[f] - factor * min;
    out[f] = c.map((x) => factor * x + shift);
  }
  return out;
}

/** @throws InvalidInputError when two categories of feature `f` share a coordinate. */
function checkDistinct(coords: Float32Array, f: number, names: readonly string[]): void {
  const byCoordinate = Array.from(coords.keys()).sort((a, b) => coords[a] - coords[b] || a - b);
  for (let i = 1; i < byCoordinate.length; i++) {
    const a = byCoordinate[i - 1];
    const b = byCoordinate[i];
    if (coords[a] === coords[b]) {
      throw new InvalidInputError(
        `categories ${JSON.stringify(names[a])} and ${JSON.stringify(names[b])} of feature ${f} have the same coordinate ${coords[a]} ` +
          '(their distance is 0, or the range is too narrow); expected distinct coordinates, so that each category can be recovered ' +
          '(use another distance, or merge the two categories)',
      );
    }
  }
}

function checkBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new InvalidInputError(`option ${name} is ${describeValue(value)}; expected true or false`);
  return value;
}

/** The `order` option as category codes per feature index. */
function resolveOrders(order: CategoryMap, layout: CategoricalLayout): Record<number, number[]> {
  if (order === null || typeof order !== 'object' || Array.isArray(order)) {
    throw new InvalidInputError(`option order is ${describeValue(order)}; expected an object { [column, keyed as categoryMap]: category names, lowest first }`);
  }
  const out: Record<number, number[]> = {};
  for (const [key, names] of Object.entries(order)) {
    const f = /^\d+$/.test(key) ? layout.columns.indexOf(Number(key)) : -1;
    const categories = f >= 0 ? layout.categories[f] : undefined;
    if (categories === undefined) {
      throw new InvalidInputError(
        `option order names column "${key}", which is not a categorical column; expected a key of categoryMap (${layout.categoricalFeatures.map((g) => layout.columns[g]).join(', ')})`,
      );
    }
    const codes = Array.isArray(names) ? names.map((name) => categories.indexOf(name)) : [];
    if (codes.length !== categories.length || codes.includes(-1) || new Set(codes).size !== codes.length) {
      throw new InvalidInputError(
        `option order["${key}"] is ${JSON.stringify(names)}; expected every category of column ${key} once, lowest first (${categories.join(', ')})`,
      );
    }
    out[f] = codes;
  }
  return out;
}
