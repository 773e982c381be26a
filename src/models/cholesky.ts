/**
 * Solves `A x = b` for a symmetric positive definite `d x d` matrix `A` (row-major), by the Cholesky
 * factorisation A = L L^T and two triangular solves (Golub & Van Loan, Matrix Computations, 4th ed.,
 * algorithm 4.2.1). `A` and `b` are left unchanged.
 *
 * @throws Error when `A` is not (numerically) positive definite.
 */
export function choleskySolve(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let diag = a[j * d + j];
    for (let k = 0; k < j; k++) diag -= l[j * d + k] * l[j * d + k];
    if (!(diag > 0)) throw new Error(`matrix is not positive definite (pivot ${j} is ${diag})`);
    const ljj = Math.sqrt(diag);
    l[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      l[i * d + j] = s / ljj;
    }
  }
  // L y = b, then L^T x = y.
  const x = Float64Array.from(b);
  for (let i = 0; i < d; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= l[i * d + k] * x[k];
    x[i] = s / l[i * d + i];
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < d; k++) s -= l[k * d + i] * x[k];
    x[i] = s / l[i * d + i];
  }
  return x;
}
