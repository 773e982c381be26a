import { InvalidInputError } from '../core/errors.js';

/**
 * Input checks shared by the model families: a batch of rows becomes one flat, row-major
 * `Float64Array`, so that models read features by index without touching the caller's arrays again.
 */

/**
 * Copies `rows` into a row-major `Float64Array` of `rows.length * featureCount` values, checking that
 * every row is an array of exactly `featureCount` finite numbers.
 *
 * @param what names the model in error messages, e.g. `gradient-boosted trees`.
 * @throws InvalidInputError naming the row, the expected and the received length or value.
 */
export function flattenRows(rows: readonly ArrayLike<number>[], featureCount: number, what: string): Float64Array {
  if (!Array.isArray(rows)) {
    throw new InvalidInputError(`${what} expects an array of rows; received ${typeof rows}`);
  }
  const n = rows.length;
  const flat = new Float64Array(n * featureCount);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (row === null || typeof row !== 'object' || typeof row.length !== 'number') {
      throw new InvalidInputError(`${what}: row ${i} is not an array; expected ${featureCount} numbers per row`);
    }
    if (row.length !== featureCount) {
      throw new InvalidInputError(
        `${what}: row ${i} has ${row.length} values; expected ${featureCount} values per row (one per feature), received ${row.length}`,
      );
    }
    const base = i * featureCount;
    for (let j = 0; j < featureCount; j++) {
      const v = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new InvalidInputError(
          `${what}: row ${i}, feature ${j} is ${typeof v === 'number' ? v : JSON.stringify(v) ?? String(v)}; expected a finite number`,
        );
      }
      flat[base + j] = v;
    }
  }
  return flat;
}

/**
 * Checks training data: `rows` non-empty with equal-length rows of finite numbers, `target` one 0/1
 * label per row. Returns the flat rows, the feature count and the labels.
 */
export function checkBinaryTrainingData(
  rows: readonly ArrayLike<number>[],
  target: ArrayLike<number>,
  what: string,
): { flat: Float64Array; n: number; featureCount: number; labels: Uint8Array } {
  const checked = checkTrainingRows(rows, target, what, 'target label');
  const labels = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const y = target[i];
    if (y !== 0 && y !== 1) {
      throw new InvalidInputError(`${what}: target ${i} is ${y}; expected a binary label, 0 or 1`);
    }
    labels[i] = y;
  }
  return { ...checked, labels };
}

/**
 * Checks regression training data: rows as {@link checkBinaryTrainingData} checks them, `target` one
 * finite number per row. Returns the flat rows, the feature count and the targets.
 */
export function checkRegressionTrainingData(
  rows: readonly ArrayLike<number>[],
  target: ArrayLike<number>,
  what: string,
): { flat: Float64Array; n: number; featureCount: number; labels: Float64Array } {
  const checked = checkTrainingRows(rows, target, what, 'target value');
  const labels = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const y = target[i];
    if (typeof y !== 'number' || !Number.isFinite(y)) {
      throw new InvalidInputError(`${what}: target ${i} is ${String(y)}; expected a finite number`);
    }
    labels[i] = y;
  }
  return { ...checked, labels };
}

/** Non-empty, equal-length rows of finite numbers, and a target array with one entry (a `noun`) per row. */
function checkTrainingRows(
  rows: readonly ArrayLike<number>[],
  target: ArrayLike<number>,
  what: string,
  noun: string,
): { flat: Float64Array; n: number; featureCount: number } {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new InvalidInputError(`${what}: training needs at least one row; received ${Array.isArray(rows) ? 'none' : typeof rows}`);
  }
  const featureCount = rows[0]?.length;
  if (typeof featureCount !== 'number' || featureCount < 1) {
    throw new InvalidInputError(`${what}: training row 0 has no features; expected an array of numbers`);
  }
  const flat = flattenRows(rows, featureCount, `${what} (training)`);
  if (target === null || typeof target !== 'object' || target.length !== rows.length) {
    throw new InvalidInputError(
      `${what}: expected one ${noun} per training row (${rows.length}); received ${target?.length ?? typeof target}`,
    );
  }
  return { flat, n: rows.length, featureCount };
}

/** The logistic function 1 / (1 + e^-z), the probability of class 1 for a margin (log-odds) z. */
export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Class-probability rows `[1 - p, p]` from the probabilities `p` of class 1. */
export function binaryProbabilityRows(p: ArrayLike<number>): number[][] {
  const out = new Array<number[]>(p.length);
  for (let i = 0; i < p.length; i++) out[i] = [1 - p[i], p[i]];
  return out;
}
