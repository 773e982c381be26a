/**
 * Eigenvalues and eigenvectors of a small real symmetric matrix by the cyclic Jacobi method (Golub &
 * Van Loan, *Matrix Computations*, 4th ed., 2013, §8.5.2–8.5.3, Algorithms 8.5.1 `symSchur2` and 8.5.3):
 * sweeps of plane rotations, each zeroing one off-diagonal entry, until the off-diagonal part is
 * negligible. Quadratically convergent, exact to rounding for the few tens of rows of a category
 * distance matrix, and deterministic (a fixed sweep order).
 *
 * @param matrix a symmetric `n × n` matrix (not modified; only its upper triangle is trusted).
 * @returns `values[m]` and the unit eigenvector `vectors[m]` (length `n`) for each `m`, in no particular order.
 */
export function symmetricEigen(matrix: readonly (readonly number[])[]): { values: number[]; vectors: number[][] } {
  const n = matrix.length;
  const a = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j >= i ? matrix[i][j] : matrix[j][i])));
  const v = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j): number => (i === j ? 1 : 0)));
  let norm = 0;
  for (const row of a) for (const x of row) norm += x * x;
  const tolerance = Number.EPSILON * Math.sqrt(norm);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * a[p][q] * a[p][q];
    if (Math.sqrt(off) <= tolerance) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        if (a[p][q] === 0) continue;
        // symSchur2: the rotation [c s; −s c] that zeroes a[p][q].
        const tau = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = tau >= 0 ? 1 / (tau + Math.sqrt(1 + tau * tau)) : -1 / (-tau + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return {
    values: a.map((row, m) => row[m]),
    vectors: Array.from({ length: n }, (_, m) => v.map((row) => row[m])),
  };
}

/** Sweeps allowed: Jacobi converges quadratically, in well under 20 sweeps for matrices this small. */
const MAX_SWEEPS = 50;
