import { InvalidInputError } from '../../core/errors.js';
import type { TabularSchema } from '../../core/tabular-schema.js';

/**
 * What diverse counterfactuals learn about each numeric feature from the training rows: its range, its
 * spread and its precision. The range bounds the values a search may try (DiCE's default
 * `permitted_range`, Mothilal, Sharma & Tan, "Explaining Machine Learning Classifiers through Diverse
 * Counterfactual Explanations", FAT* 2020); the spread weighs a change in the distance (DiCE, after
 * Wachter et al. 2017, divides by the median absolute deviation, `changeScale`); the precision is the grid candidate
 * values are rounded to, so integer features stay integers.
 */
export interface NumericStats {
  min: number;
  max: number;
  /** Median absolute deviation from the median (0 for a feature that is mostly one value). */
  mad: number;
  /** Standard deviation (population). */
  std: number;
  /** Decimal places of the most precise training value (0: integers), at most {@link MAX_DECIMALS}. */
  decimals: number;
}

/** Per feature, its numeric statistics, or `null` for a categorical feature. */
export type FeatureStats = ReadonlyArray<NumericStats | null>;

/** The most decimal places a numeric feature's grid has (finer values are rounded to it). */
export const MAX_DECIMALS = 6;

/** Decimal places of `v`, up to {@link MAX_DECIMALS}. */
export function decimalsOf(v: number): number {
  for (let k = 0; k < MAX_DECIMALS; k++) {
    const scaled = v * 10 ** k;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, Math.abs(scaled))) return k;
  }
  return MAX_DECIMALS;
}

/** The median of sorted values. */
function median(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Statistics of every numeric feature of encoded training rows. */
export function fitFeatureStats(schema: TabularSchema, rows: readonly ArrayLike<number>[]): NumericStats[] | null[] {
  if (rows.length === 0) throw new InvalidInputError('fit needs a non-empty array of training rows');
  return schema.featureNames.map((_, f) => {
    if (schema.isCategorical(f)) return null;
    const values = Float64Array.from(rows, (row) => row[f]).sort();
    const mid = median(values);
    const deviations = values.map((v) => Math.abs(v - mid)).sort();
    let decimals = 0;
    let sum = 0;
    for (const v of values) {
      decimals = Math.max(decimals, decimalsOf(v));
      sum += v;
    }
    const mean = sum / values.length;
    const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    return { min: values[0], max: values[values.length - 1], mad: median(deviations), std, decimals };
  }) as NumericStats[] | null[];
}

/**
 * The scale a change of a numeric feature is divided by in distances: its MAD (DiCE's default feature
 * weights), or, for a feature whose MAD is 0 (mostly one value, as Adult's capital gains, 0 for 92% of
 * people), its standard deviation (the range would make any change look small: a few people report
 * 99,999); 1 for a constant feature.
 */
export function changeScale(stats: NumericStats): number {
  if (stats.mad > 0) return stats.mad;
  return stats.std > 0 ? stats.std : 1;
}

/**
 * Checks saved statistics against the schema (numbers for numeric features, null for categorical
 * ones, finite, min <= max, mad and std >= 0, whole decimals in 0..MAX_DECIMALS).
 *
 * @throws InvalidInputError naming the feature.
 */
export function checkFeatureStats(schema: TabularSchema, stats: unknown): FeatureStats {
  if (!Array.isArray(stats) || stats.length !== schema.numFeatures) {
    throw new InvalidInputError(`feature statistics hold ${Array.isArray(stats) ? stats.length : 'no'} entries; expected ${schema.numFeatures}, one per feature`);
  }
  stats.forEach((s, f) => {
    const name = `feature statistics of "${schema.featureNames[f]}"`;
    if (schema.isCategorical(f)) {
      if (s !== null) throw new InvalidInputError(`${name} are ${JSON.stringify(s)}; expected null (a categorical feature)`);
      return;
    }
    const ok =
      s !== null && typeof s === 'object' && [s.min, s.max, s.mad, s.std].every((v) => typeof v === 'number' && Number.isFinite(v)) &&
      s.min <= s.max && s.mad >= 0 && s.std >= 0 && Number.isInteger(s.decimals) && s.decimals >= 0 && s.decimals <= MAX_DECIMALS;
    if (!ok) throw new InvalidInputError(`${name} are ${JSON.stringify(s)}; expected { min, max, mad, std, decimals } with min <= max, mad >= 0, std >= 0, decimals 0..${MAX_DECIMALS}`);
  });
  return stats as FeatureStats;
}
