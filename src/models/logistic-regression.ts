import { InvalidInputError } from '../core/errors.js';
import type { Predictor } from '../predictors/predictor.js';
import { choleskySolve } from './cholesky.js';
import { JsonReader } from '../core/json-checks.js';
import { binaryProbabilityRows, checkBinaryTrainingData, flattenRows, sigmoid } from './rows.js';

/**
 * L2-regularised logistic regression for binary classification, on one-hot encoded categorical
 * features and standardised numeric features: a {@link Predictor} returning `[p0, p1]` per row.
 *
 * The log-odds of class 1 is `intercept + sum over numeric features of weight * (x - mean) / scale +
 * sum over categorical features of weights[code]`. Training minimises the logistic loss plus
 * `l2 / 2 * |weights|^2` (the intercept is not penalised) by Newton's method, i.e. iteratively
 * reweighted least squares (Hastie, Tibshirani & Friedman, The Elements of Statistical Learning,
 * 2nd ed., section 4.4.1), with step halving if a step does not lower the loss. No randomness: the same
 * data and options give the same model.
 */

export interface LogisticRegressionOptions {
  /**
   * The categorical columns, as a data set's `categoryMap`: column index to category names. A value `c`
   * in such a column is one-hot encoded over the `categoryMap[column].length` categories; every other
   * column is numeric and standardised.
   */
  categoryMap?: Record<number, string[]>;
  /** L2 penalty on the weights (> 0, which also makes the one-hot encoding identifiable). */
  l2?: number;
  /** Most Newton steps. */
  maxIterations?: number;
  /** Stop when no weight moves by more than this in a step. */
  tolerance?: number;
}

/**
 * Defaults: l2 = 1 is scikit-learn's LogisticRegression default (C = 1); Newton's method converges in
 * under 10 steps on Adult, so 50 steps and a 1e-10 tolerance leave room.
 */
export const LOGISTIC_REGRESSION_DEFAULTS: Required<Omit<LogisticRegressionOptions, 'categoryMap'>> = {
  l2: 1,
  maxIterations: 50,
  tolerance: 1e-10,
};

export const LOGREG_FORMAT = 'glassbox/logistic-regression';
export const LOGREG_FORMAT_VERSION = 1;

/** A numeric feature's term: `weight * (x - mean) / scale`. */
export interface NumericTerm {
  feature: number;
  mean: number;
  scale: number;
  weight: number;
}

/** A categorical feature's term: `weights[code]`, with the category names when known. */
export interface CategoricalTerm {
  feature: number;
  weights: number[];
  categories?: string[];
}

/** The JSON form of a fitted model (see {@link LogisticRegression.toJSON}). */
export interface LogisticRegressionJSON {
  format: typeof LOGREG_FORMAT;
  formatVersion: typeof LOGREG_FORMAT_VERSION;
  featureCount: number;
  featureNames?: string[];
  intercept: number;
  numeric: NumericTerm[];
  categorical: CategoricalTerm[];
  /** The hyperparameters it was trained with (informational). */
  params: Required<Omit<LogisticRegressionOptions, 'categoryMap'>>;
}

const NAME = 'logistic regression';

/**
 * A binary logistic regression on coded rows (a weight per category, numbers standardised): the cheap demo model
 * of the benchmarks.
 */
export class LogisticRegression {
  /** Predicts class probabilities `[p(class 0), p(class 1)]` for a batch of rows. */
  readonly predictor: Predictor = (rows) => this.predictProba(rows);

  /** Per feature: -1 if numeric, else the number of categories. */
  private readonly categoryCount: Int32Array;
  /** Per feature: weight / scale for numeric features, else 0. */
  private readonly slope: Float64Array;
  /** Per feature: the offset of its weights in `categoryWeight`. */
  private readonly offset: Int32Array;
  private readonly categoryWeight: Float64Array;
  /** The intercept with every numeric term's `-weight * mean / scale` folded in. */
  private readonly bias: number;

  private constructor(
    readonly featureCount: number,
    readonly intercept: number,
    readonly numeric: readonly NumericTerm[],
    readonly categorical: readonly CategoricalTerm[],
    readonly params: Required<Omit<LogisticRegressionOptions, 'categoryMap'>>,
    readonly featureNames?: string[],
  ) {
    this.categoryCount = new Int32Array(featureCount).fill(-1);
    this.slope = new Float64Array(featureCount);
    this.offset = new Int32Array(featureCount);
    let bias = intercept;
    for (const t of numeric) {
      this.slope[t.feature] = t.weight / t.scale;
      bias -= (t.weight * t.mean) / t.scale;
    }
    this.bias = bias;
    let size = 0;
    for (const t of categorical) {
      this.categoryCount[t.feature] = t.weights.length;
      this.offset[t.feature] = size;
      size += t.weights.length;
    }
    this.categoryWeight = new Float64Array(size);
    for (const t of categorical) this.categoryWeight.set(t.weights, this.offset[t.feature]);
  }

  /**
   * Trains on `rows` and 0/1 `target`; columns in `options.categoryMap` are one-hot encoded, the others
   * standardised with the training mean and standard deviation.
   *
   * @throws InvalidInputError for empty or ragged rows, non-finite values, labels other than 0 and 1,
   *   category codes outside the category map, or bad options.
   */
  static train(
    rows: readonly ArrayLike<number>[],
    target: ArrayLike<number>,
    options: LogisticRegressionOptions & { featureNames?: string[] } = {},
  ): LogisticRegression {
    const { featureNames, categoryMap = {}, ...rest } = options;
    const params = { ...LOGISTIC_REGRESSION_DEFAULTS, ...rest };
    if (!(params.l2 > 0 && Number.isFinite(params.l2))) {
      throw new InvalidInputError(`${NAME}: option l2 is ${params.l2}; expected a positive number`);
    }
    if (!(Number.isInteger(params.maxIterations) && params.maxIterations >= 1)) {
      throw new InvalidInputError(`${NAME}: option maxIterations is ${params.maxIterations}; expected an integer >= 1`);
    }
    if (!(params.tolerance >= 0)) {
      throw new InvalidInputError(`${NAME}: option tolerance is ${params.tolerance}; expected a number >= 0`);
    }
    const { flat, n, featureCount: F, labels } = checkBinaryTrainingData(rows, target, NAME);
    if (featureNames !== undefined && featureNames.length !== F) {
      throw new InvalidInputError(`${NAME}: featureNames has ${featureNames.length} names; expected one per feature (${F})`);
    }
    for (const key of Object.keys(categoryMap)) {
      const j = Number(key);
      if (!(Number.isInteger(j) && j >= 0 && j < F) || !Array.isArray(categoryMap[j]) || categoryMap[j].length === 0) {
        throw new InvalidInputError(`${NAME}: categoryMap has an entry for column ${key}; expected column indices 0..${F - 1} with non-empty category lists`);
      }
    }

    // Parameters: 0 = intercept, then one per numeric feature, then one per category.
    const numeric: NumericTerm[] = [];
    const categorical: CategoricalTerm[] = [];
    let d = 1;
    const param = new Int32Array(F); // first parameter of each feature
    for (let j = 0; j < F; j++) {
      param[j] = d;
      if (categoryMap[j] !== undefined) {
        categorical.push({ feature: j, weights: [], categories: [...categoryMap[j]] });
        d += categoryMap[j].length;
      } else {
        const { mean, scale } = meanAndScale(flat, n, F, j);
        numeric.push({ feature: j, mean, scale, weight: 0 });
        d += 1;
      }
    }

    // Each row's active parameters and their values: the intercept, each numeric feature (standardised)
    // and the one category of each categorical feature.
    const A = 1 + F;
    const active = new Int32Array(n * A);
    const values = new Float64Array(n * A);
    for (let i = 0; i < n; i++) {
      active[i * A] = 0;
      values[i * A] = 1;
      for (const t of numeric) {
        active[i * A + 1 + t.feature] = param[t.feature];
        values[i * A + 1 + t.feature] = (flat[i * F + t.feature] - t.mean) / t.scale;
      }
      for (const t of categorical) {
        const code = flat[i * F + t.feature];
        const k = (t.categories as string[]).length;
        if (!(Number.isInteger(code) && code >= 0 && code < k)) {
          throw new InvalidInputError(`${NAME}: training row ${i}, feature ${t.feature} is ${code}; expected a category code 0..${k - 1}`);
        }
        active[i * A + 1 + t.feature] = param[t.feature] + code;
        values[i * A + 1 + t.feature] = 1;
      }
    }

    const w = newton(active, values, labels, n, A, d, params);
    const intercept = w[0];
    for (const t of numeric) t.weight = w[param[t.feature]];
    for (const t of categorical) t.weights = Array.from(w.subarray(param[t.feature], param[t.feature] + (t.categories as string[]).length));
    return new LogisticRegression(F, intercept, numeric, categorical, params, featureNames && [...featureNames]);
  }

  /**
   * Reads a model from its JSON form, checking every field: each feature is exactly one numeric or
   * categorical term, scales are positive, numbers finite.
   *
   * @throws InvalidInputError naming the field that is missing or malformed.
   */
  static fromJSON(json: unknown, source = 'logistic regression JSON'): LogisticRegression {
    const r = new JsonReader(source);
    const o = r.object(json, '(top level)');
    r.literal(o.format, 'format', LOGREG_FORMAT);
    r.literal(o.formatVersion, 'formatVersion', LOGREG_FORMAT_VERSION);
    const featureCount = r.integer(o.featureCount, 'featureCount', 1);
    const featureNames = o.featureNames === undefined ? undefined : r.strings(o.featureNames, 'featureNames', featureCount);
    const intercept = r.finite(o.intercept, 'intercept');
    const params = {
      ...LOGISTIC_REGRESSION_DEFAULTS,
      ...(r.object(o.params, 'params') as Omit<LogisticRegressionOptions, 'categoryMap'>),
    };
    const covered = new Uint8Array(featureCount);
    const claim = (feature: unknown, field: string): number => {
      const j = r.integer(feature, field, 0, featureCount - 1);
      if (covered[j]) r.fail(field, 'a feature not already described by another term', j);
      covered[j] = 1;
      return j;
    };
    if (!Array.isArray(o.numeric)) r.fail('numeric', 'an array of numeric terms', o.numeric);
    const numeric = (o.numeric as unknown[]).map((raw, k): NumericTerm => {
      const t = r.object(raw, `numeric[${k}]`);
      const scale = r.finite(t.scale, `numeric[${k}].scale`);
      if (!(scale > 0)) r.fail(`numeric[${k}].scale`, 'a positive number', scale);
      return {
        feature: claim(t.feature, `numeric[${k}].feature`),
        mean: r.finite(t.mean, `numeric[${k}].mean`),
        scale,
        weight: r.finite(t.weight, `numeric[${k}].weight`),
      };
    });
    if (!Array.isArray(o.categorical)) r.fail('categorical', 'an array of categorical terms', o.categorical);
    const categorical = (o.categorical as unknown[]).map((raw, k): CategoricalTerm => {
      const t = r.object(raw, `categorical[${k}]`);
      const feature = claim(t.feature, `categorical[${k}].feature`);
      const weights = r.numbers(t.weights, `categorical[${k}].weights`);
      if (weights.length === 0) r.fail(`categorical[${k}].weights`, 'a non-empty array', weights);
      const categories =
        t.categories === undefined ? undefined : r.strings(t.categories, `categorical[${k}].categories`, weights.length);
      return { feature, weights, ...(categories ? { categories } : {}) };
    });
    const missing = covered.indexOf(0);
    if (missing >= 0) r.fail('numeric', `terms covering every feature; feature ${missing} has none`, o.numeric);
    return new LogisticRegression(featureCount, intercept, numeric, categorical, params, featureNames);
  }

  /** The JSON form, for `JSON.stringify`; {@link fromJSON} reads it back to an identical model. */
  toJSON(): LogisticRegressionJSON {
    return {
      format: LOGREG_FORMAT,
      formatVersion: LOGREG_FORMAT_VERSION,
      featureCount: this.featureCount,
      ...(this.featureNames ? { featureNames: [...this.featureNames] } : {}),
      intercept: this.intercept,
      numeric: this.numeric.map((t) => ({ ...t })),
      categorical: this.categorical.map((t) => ({
        feature: t.feature,
        weights: [...t.weights],
        ...(t.categories ? { categories: [...t.categories] } : {}),
      })),
      params: { ...this.params },
    };
  }

  /**
   * The log-odds of class 1 for each row.
   *
   * @throws InvalidInputError when a row does not have `featureCount` finite numbers, or a categorical
   *   value is not one of its category codes.
   */
  predictMargins(rows: readonly ArrayLike<number>[]): Float64Array {
    const F = this.featureCount;
    const n = rows.length;
    const x = flattenRows(rows, F, NAME);
    const { categoryCount, slope, offset, categoryWeight } = this;
    const out = new Float64Array(n);
    for (let i = 0, b = 0; i < n; i++, b += F) {
      let z = this.bias;
      for (let j = 0; j < F; j++) {
        const v = x[b + j];
        const k = categoryCount[j];
        if (k < 0) {
          z += slope[j] * v;
        } else {
          if (!(v >= 0 && v < k && Number.isInteger(v))) {
            throw new InvalidInputError(
              `${NAME}: row ${i}, feature ${j}${this.featureNames ? ` (${this.featureNames[j]})` : ''} is ${v}; expected a category code 0..${k - 1}`,
            );
          }
          z += categoryWeight[offset[j] + v];
        }
      }
      out[i] = z;
    }
    return out;
  }

  /** Class probabilities `[p0, p1]` for each row. */
  predictProba(rows: readonly ArrayLike<number>[]): number[][] {
    const m = this.predictMargins(rows);
    for (let i = 0; i < m.length; i++) m[i] = sigmoid(m[i]);
    return binaryProbabilityRows(m);
  }
}

/** The mean and standard deviation (population) of column `j`; a constant column gets scale 1. */
function meanAndScale(flat: Float64Array, n: number, F: number, j: number): { mean: number; scale: number } {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += flat[i * F + j];
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (flat[i * F + j] - mean) ** 2;
  const sd = Math.sqrt(variance / n);
  return { mean, scale: sd > 0 ? sd : 1 };
}

/**
 * Newton's method on the L2-penalised logistic loss over sparse rows (`A` active parameters per row,
 * indices in `active`, values in `values`), from all-zero weights. Returns the `d` weights; parameter 0
 * is the intercept (not penalised). Rows with fewer active parameters pad with index 0 and value 0.
 */
export function newton(
  active: Int32Array,
  values: Float64Array,
  labels: Uint8Array,
  n: number,
  A: number,
  d: number,
  o: Required<Omit<LogisticRegressionOptions, 'categoryMap'>>,
): Float64Array {
  const margin = (w: Float64Array, i: number): number => {
    let z = 0;
    for (let a = i * A; a < (i + 1) * A; a++) z += w[active[a]] * values[a];
    return z;
  };
  /** Penalised loss: sum of log(1 + e^z) - y z, plus l2/2 |w without intercept|^2. */
  const loss = (w: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const z = margin(w, i);
      s += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - labels[i] * z;
    }
    for (let k = 1; k < d; k++) s += (o.l2 / 2) * w[k] * w[k];
    return s;
  };

  let w = new Float64Array(d);
  let current = loss(w);
  for (let iter = 0; iter < o.maxIterations; iter++) {
    const grad = new Float64Array(d);
    const hess = new Float64Array(d * d);
    for (let i = 0; i < n; i++) {
      const p = sigmoid(margin(w, i));
      const r = p - labels[i];
      const h = p * (1 - p);
      for (let a = i * A; a < (i + 1) * A; a++) {
        const ka = active[a];
        const va = values[a];
        grad[ka] += r * va;
        for (let b = i * A; b < (i + 1) * A; b++) hess[ka * d + active[b]] += h * va * values[b];
      }
    }
    for (let k = 1; k < d; k++) {
      grad[k] += o.l2 * w[k];
      hess[k * d + k] += o.l2;
    }
    const step = choleskySolve(hess, grad, d);
    // Step halving keeps every iteration a descent step.
    let scale = 1;
    let next = w.map((v, k) => v - step[k]);
    let value = loss(next);
    while (value > current && scale > 1e-6) {
      scale /= 2;
      next = w.map((v, k) => v - scale * step[k]);
      value = loss(next);
    }
    const moved = step.reduce((m, v) => Math.max(m, Math.abs(scale * v)), 0);
    w = next;
    current = value;
    if (moved < o.tolerance) break;
  }
  return w;
}
