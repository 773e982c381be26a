import { InvalidInputError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { TabularSchema } from '../../core/tabular-schema.js';
import type { ResolvedConstraints } from '../constraints.js';
import { changeScale, type FeatureStats } from './feature-stats.js';

/**
 * The rows a diverse counterfactual of one instance may be: for each feature, the values the
 * constraints allow, and how to draw them. Numeric features move on their grid (the training data's precision: integers stay
 * integers) within the training range (DiCE's default `permitted_range`; Mothilal, Sharma & Tan, FAT*
 * 2020), widened to hold the instance and narrowed by `range` and a direction; categorical features
 * move between categories only, and with an order (`order`) a direction or a range keeps them at, above
 * or below the instance's category. Immutable features keep their value. Every candidate a search
 * makes is drawn from here, so no candidate can violate a constraint.
 */

/** Where one feature may go: nowhere, a grid of numbers, or a set of categories. */
export type FeatureDomain =
  | { kind: 'fixed' }
  /** The values `k / 10^decimals` for integers `k` in `[low, high]`. */
  | { kind: 'numeric'; low: number; high: number; decimals: number }
  /** The allowed category codes, the instance's included. */
  | { kind: 'categorical'; codes: number[] };

/** Per categorical feature with an order, the position of each category code in it (lowest first). */
export type CategoryPositions = ReadonlyArray<Int32Array | undefined>;

/**
 * The order of categories as positions: for each ordered feature, `positions[code]` is the code's rank.
 *
 * @throws InvalidInputError for an unknown feature, a numeric feature, or a list that is not a
 *   permutation of the feature's categories.
 */
export function categoryPositions(schema: TabularSchema, order: Readonly<Record<string, readonly string[]>> | undefined): CategoryPositions {
  const out: Array<Int32Array | undefined> = schema.featureNames.map(() => undefined);
  if (order === undefined) return out;
  if (order === null || typeof order !== 'object' || Array.isArray(order)) {
    throw new InvalidInputError('option order must be an object { [categorical feature index or name]: its categories, lowest first }');
  }
  for (const [key, names] of Object.entries(order)) {
    const f = /^\d+$/.test(key) ? Number(key) : schema.featureNames.indexOf(key);
    const cats = f >= 0 && f < schema.numFeatures ? schema.categories[f] : undefined;
    if (cats === undefined) {
      throw new InvalidInputError(`option order names feature ${JSON.stringify(key)}; expected a categorical feature (index or name) of categoryMap`);
    }
    if (!Array.isArray(names) || names.length !== cats.length || new Set(names).size !== cats.length || !names.every((n) => cats.includes(n))) {
      throw new InvalidInputError(`option order["${key}"] is ${JSON.stringify(names)}; expected each of its ${cats.length} categories once, lowest first: ${cats.join(', ')}`);
    }
    out[f] = Int32Array.from(cats, (c) => names.indexOf(c));
  }
  return out;
}

/** Per numeric feature, its training values sorted ascending (undefined for categorical features). */
export type Marginals = ReadonlyArray<Float64Array | undefined>;

/** The share of numeric draws taken from the training values (the rest uniform on the grid). */
export const MARGINAL_SHARE = 0.5;

/** The sorted training values of each numeric feature of encoded rows. */
export function marginalsOf(schema: TabularSchema, rows: readonly ArrayLike<number>[]): Marginals {
  return schema.featureNames.map((_, f) => (schema.isCategorical(f) ? undefined : Float64Array.from(rows, (row) => row[f]).sort()));
}

/** The index of the first sorted value >= v (the length when none is). */
function firstAtLeast(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The domains of every feature for explaining `x` under `constraints` (by index; see the module comment). */
export class FeasibleSpace {
  readonly domains: FeatureDomain[];
  /** The features that may change. */
  readonly mutable: number[];
  /** Per numeric feature, the scale its change is divided by in distances ({@link changeScale}). */
  private readonly scales: Float64Array;

  /**
   * @throws InvalidInputError when `x` already violates a range, when a direction or range names a
   *   categorical feature without an order, or when the constraints leave no feature free to change.
   */
  constructor(
    private readonly schema: TabularSchema,
    stats: FeatureStats,
    private readonly marginals: Marginals,
    positions: CategoryPositions,
    readonly x: readonly number[],
    constraints: ResolvedConstraints,
  ) {
    const d = schema.numFeatures;
    const immutable = new Set(constraints.immutable ?? []);
    const name = (f: number) => `"${schema.featureNames[f]}"`;
    this.scales = Float64Array.from(stats, (s) => (s === null ? 1 : changeScale(s)));
    this.domains = Array.from({ length: d }, (_, f): FeatureDomain => {
      const range = constraints.range?.[f];
      const direction = constraints.direction?.[f];
      const s = stats[f];
      if (s === null) {
        const cats = schema.categories[f]!;
        const pos = positions[f];
        if ((range !== undefined || direction !== undefined) && pos === undefined) {
          throw new InvalidInputError(`constraints give categorical feature ${name(f)} a ${range !== undefined ? 'range' : 'direction'}, which needs the order of its categories; pass option order: { ${JSON.stringify(schema.featureNames[f])}: [lowest, ..., highest] }`);
        }
        let low = 0;
        let high = cats.length - 1;
        if (range !== undefined) {
          if (!(pos![x[f]] >= range[0] && pos![x[f]] <= range[1])) {
            throw new InvalidInputError(`the instance's ${name(f)} is ${cats[x[f]]}, outside its allowed range (constraints.range); expected the instance inside its constraints`);
          }
          [low, high] = range;
        }
        if (direction === 'increase') low = pos![x[f]];
        if (direction === 'decrease') high = pos![x[f]];
        const codes = immutable.has(f) ? [x[f]] : cats.map((_, c) => c).filter((c) => pos === undefined || (pos[c] >= low && pos[c] <= high));
        return codes.length > 1 ? { kind: 'categorical', codes } : { kind: 'fixed' };
      }
      if (immutable.has(f)) return { kind: 'fixed' };
      let lo = Math.min(s.min, x[f]);
      let hi = Math.max(s.max, x[f]);
      if (range !== undefined) {
        if (!(x[f] >= range[0] && x[f] <= range[1])) {
          throw new InvalidInputError(`the instance's ${name(f)} is ${x[f]}, outside its allowed range [${range[0]}, ${range[1]}] (constraints.range); expected the instance inside its constraints`);
        }
        lo = range[0];
        hi = range[1];
      }
      if (direction === 'increase') lo = x[f];
      if (direction === 'decrease') hi = x[f];
      const unit = 10 ** s.decimals;
      const low = Math.ceil(lo * unit - 1e-9);
      const high = Math.floor(hi * unit + 1e-9);
      return high > low ? { kind: 'numeric', low, high, decimals: s.decimals } : { kind: 'fixed' };
    });
    this.mutable = this.domains.flatMap((dom, f) => (dom.kind === 'fixed' ? [] : [f]));
    if (this.mutable.length === 0) {
      throw new InvalidInputError('the constraints leave no feature of this instance free to change (every feature is immutable, or its range or direction allows only its value); free at least one');
    }
  }

  /**
   * A value of feature `f` other than the instance's: a category drawn uniformly; a number drawn, with
   * probability {@link MARGINAL_SHARE}, from the training values inside its domain (values people
   * have: most capital gains are 0), else uniformly from its grid (DiCE's random sampling).
   */
  sample(f: number, rng: Rng): number {
    const dom = this.domains[f];
    if (dom.kind === 'categorical') {
      const others = dom.codes.filter((c) => c !== this.x[f]);
      return others[rng.int(others.length)];
    }
    if (dom.kind === 'numeric') {
      const unit = 10 ** dom.decimals;
      const values = this.marginals[f];
      if (values !== undefined && rng.next() < MARGINAL_SHARE) {
        const from = firstAtLeast(values, dom.low / unit);
        const to = firstAtLeast(values, dom.high / unit + Number.EPSILON * Math.abs(dom.high / unit) + 1e-12);
        if (to > from) {
          const v = this.take(f, values[from + rng.int(to - from)]);
          if (v !== this.x[f]) return v;
        }
      }
      for (let tries = 0; tries < 8; tries++) {
        const v = (dom.low + rng.int(dom.high - dom.low + 1)) / unit;
        if (v !== this.x[f]) return v;
      }
      return this.x[f] === dom.high / 10 ** dom.decimals ? dom.low / 10 ** dom.decimals : dom.high / 10 ** dom.decimals;
    }
    return this.x[f];
  }

  /**
   * Value `v` for feature `f` where its domain allows it (rounded to the feature's grid), else the
   * instance's value: how a training row becomes a candidate (the k-d tree search).
   */
  take(f: number, v: number): number {
    const dom = this.domains[f];
    if (dom.kind === 'categorical') return dom.codes.includes(v) ? v : this.x[f];
    if (dom.kind === 'fixed') return this.x[f];
    const k = Math.round(v * 10 ** dom.decimals);
    return k >= dom.low && k <= dom.high ? k / 10 ** dom.decimals : this.x[f];
  }

  /**
   * Up to `steps` values of numeric feature `f` on its grid strictly between the instance's value and
   * `to`, nearest to the instance first: the points post-hoc sparsity tries (see `sparsify.ts`).
   */
  between(f: number, to: number, steps: number): number[] {
    const dom = this.domains[f];
    if (dom.kind !== 'numeric') return [];
    const unit = 10 ** dom.decimals;
    const from = Math.round(this.x[f] * unit);
    const end = Math.round(to * unit);
    const gap = end - from;
    const out: number[] = [];
    for (let i = 1; i <= steps; i++) {
      const k = from + Math.round((gap * i) / (steps + 1));
      const v = Math.min(dom.high, Math.max(dom.low, k)) / unit;
      if (v !== this.x[f] && v !== to && !out.includes(v)) out.push(v);
    }
    return out;
  }

  /** How far one feature's value is from the instance's: |Δ| / scale for numbers, 0 or 1 for categories. */
  featureDistance(f: number, v: number): number {
    if (v === this.x[f]) return 0;
    return this.schema.isCategorical(f) ? 1 : Math.abs(v - this.x[f]) / this.scales[f];
  }

  /**
   * How different two rows are, in [0, 1]: the mean over features of 0 or 1 for categories and
   * min(1, |Δ| / scale) for numbers. An arrow function, to be passed as it is.
   */
  readonly difference = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
    let sum = 0;
    for (const f of this.mutable) {
      if (a[f] !== b[f]) sum += this.schema.isCategorical(f) ? 1 : Math.min(1, Math.abs(a[f] - b[f]) / this.scales[f]);
    }
    return sum / this.x.length;
  };

  /** Proximity of a row to the instance: the mean feature distance over all features (DiCE's proximity, per feature). */
  distance(row: ArrayLike<number>): number {
    let sum = 0;
    for (const f of this.mutable) sum += this.featureDistance(f, row[f]);
    return sum / this.x.length;
  }

  /** Features changed from the instance. */
  changed(row: ArrayLike<number>): number {
    let n = 0;
    for (let f = 0; f < this.x.length; f++) if (row[f] !== this.x[f]) n += 1;
    return n;
  }
}
