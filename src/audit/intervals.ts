import { klLowerBound, klUpperBound } from '../anchors/kl-bounds.js';

/**
 * Two-sided confidence intervals for a Bernoulli proportion (`successes` of `n` trials), to re-check an
 * anchor's precision on held-out rows. Both are computed exactly from their formulas; neither needs a
 * normal approximation of the proportion itself to be good for small n.
 */

/** A two-sided interval [lower, upper] ⊆ [0, 1]. */
export type Interval = [number, number];

/** How the interval is computed: Wilson's score interval, or the Kullback–Leibler (Chernoff) bound. */
export type IntervalMethod = 'wilson' | 'kl';

/**
 * The standard normal quantile Φ⁻¹(p), 0 < p < 1, by Acklam's rational approximation (relative error
 * below 1.15·10⁻⁹; P. J. Acklam, "An algorithm for computing the inverse normal cumulative distribution
 * function", 2003), with its coefficients: central region |p − 0.5| <= 0.47575, tails beyond.
 */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * Wilson's score interval (E. B. Wilson, "Probable inference, the law of succession, and statistical
 * inference", JASA 22, 1927) at two-sided `confidence`: with p̂ = k/n and z = Φ⁻¹(1 − (1 − confidence)/2),
 * `(p̂ + z²/2n ± z·√(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n)`. For 8 of 10 at 95%: [0.490, 0.943].
 */
export function wilsonInterval(successes: number, n: number, confidence: number): Interval {
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * The Kullback–Leibler interval: the q with n·KL(p̂, q) <= ln(2/δ), δ = 1 − confidence, on either side
 * of p̂ (Chernoff's bound P(p̂ <= q − t) <= exp(−n·KL(q − t, q)), each tail given δ/2; the bound the
 * anchors search's KL-LUCB uses, Kaufmann & Kalyanakrishnan 2013), by the same bisection
 * (`klLowerBound`, `klUpperBound` of src/anchors/kl-bounds.ts).
 */
export function klInterval(successes: number, n: number, confidence: number): Interval {
  const p = successes / n;
  const level = Math.log(2 / (1 - confidence)) / n;
  return [klLowerBound(p, level), klUpperBound(p, level)];
}

/** The interval of `method` for `successes` of `n`. */
export function proportionInterval(method: IntervalMethod, successes: number, n: number, confidence: number): Interval {
  return method === 'wilson' ? wilsonInterval(successes, n, confidence) : klInterval(successes, n, confidence);
}
