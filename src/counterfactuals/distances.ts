/** Distances between an instance and a candidate, as counterfactual methods report them. */

/** L1 distance Σ|a_i − b_i|: Wachter et al. (2017) use it (scaled) for sparse counterfactuals. */
export function l1Distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s;
}

/** Squared L2 distance Σ(a_i − b_i)². */
export function l2DistanceSquared(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}

/** L0 "distance": the number of features that differ by more than `tolerance`. */
export function l0Distance(a: ArrayLike<number>, b: ArrayLike<number>, tolerance = 1e-6): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > tolerance) n += 1;
  return n;
}
