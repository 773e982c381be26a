import { InvalidInputError } from '../../core/errors.js';
import { describeValue } from './layout.js';
import { symmetricEigen } from './symmetric-eigen.js';

/**
 * Classical (Torgerson) multidimensional scaling to one dimension (Torgerson, "Multidimensional
 * scaling: I. Theory and method", Psychometrika 17, 1952; Borg & Groenen, *Modern Multidimensional
 * Scaling*, 2nd ed., 2005, ch. 12): the points on a line whose distances best match `distances`.
 * With `D²` the squared distances and `J = I − 11ᵀ/k` the centring matrix, `B = −½ J D² J` is the
 * matrix of inner products of the centred points; the coordinates are `√λ · v` for its largest
 * eigenvalue `λ` and unit eigenvector `v`. Category distances such as ABDM need not be Euclidean, so
 * `B` may have negative eigenvalues; only the largest (positive) one is used. When no eigenvalue is
 * positive (all distances zero) every coordinate is 0.
 *
 * The coordinates sum to 0. Their sign, which an eigenvector does not fix, is chosen so that the first
 * category whose coordinate is not (numerically) 0 has a negative one: the same matrix always gives the
 * same line.
 *
 * @param distances a `k × k` matrix: finite, non-negative, symmetric, with a zero diagonal.
 * @returns one coordinate per category.
 * @throws InvalidInputError for a matrix that is not square, or holds a negative, non-finite or
 *   asymmetric entry or a non-zero diagonal, naming the entry.
 */
export function mdsEmbedding(distances: readonly (readonly number[])[]): number[] {
  checkDistanceMatrix(distances);
  const k = distances.length;
  const squared = distances.map((row) => row.map((d) => d * d));
  const rowMean = squared.map((row) => row.reduce((s, x) => s + x, 0) / k);
  const grandMean = rowMean.reduce((s, x) => s + x, 0) / k;
  const b = squared.map((row, i) => row.map((x, j) => -0.5 * (x - rowMean[i] - rowMean[j] + grandMean)));
  const { values, vectors } = symmetricEigen(b);
  let top = 0;
  for (let m = 1; m < k; m++) if (values[m] > values[top]) top = m;
  const lambda = values[top];
  if (!(lambda > 0)) return new Array<number>(k).fill(0);
  const scale = Math.sqrt(lambda);
  const coords = vectors[top].map((x) => x * scale);
  const largest = coords.reduce((max, x) => Math.max(max, Math.abs(x)), 0);
  const first = coords.find((x) => Math.abs(x) > 1e-9 * largest) ?? 0;
  return first > 0 ? coords.map((x) => -x) : coords;
}

/**
 * Checks that `distances` is a distance matrix between categories: square, finite, non-negative,
 * symmetric (to a relative 1e-9) and zero on the diagonal.
 *
 * @param what names the matrix in error messages.
 * @throws InvalidInputError naming the first offending entry.
 */
export function checkDistanceMatrix(distances: readonly (readonly number[])[], what = 'distances'): void {
  if (!Array.isArray(distances) || distances.length === 0) {
    throw new InvalidInputError(`${what} is ${describeValue(distances)}; expected a non-empty square matrix (an array of rows)`);
  }
  const k = distances.length;
  distances.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== k) {
      throw new InvalidInputError(`${what} row ${i} is ${describeValue(row)}; expected ${k} numbers: the matrix must be square (${k} × ${k})`);
    }
  });
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const d = distances[i][j];
      if (typeof d !== 'number' || !Number.isFinite(d) || d < 0) {
        throw new InvalidInputError(`${what}[${i}][${j}] is ${describeValue(d)}; expected a finite distance >= 0`);
      }
      if (i === j && d !== 0) throw new InvalidInputError(`${what}[${i}][${i}] is ${d}; expected 0 on the diagonal`);
      const dt = distances[j][i];
      if (j > i && typeof dt === 'number' && Math.abs(d - dt) > 1e-9 * Math.max(1, d, dt)) {
        throw new InvalidInputError(`${what}[${i}][${j}] is ${d} but ${what}[${j}][${i}] is ${dt}; expected a symmetric matrix`);
      }
    }
  }
}
