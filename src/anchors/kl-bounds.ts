/**
 * Confidence bounds for a Bernoulli mean from the Kullback–Leibler divergence, as used by the KL-LUCB
 * bandit (Kaufmann & Kalyanakrishnan, "Information Complexity in Bandit Subset Selection", COLT 2013)
 * that the anchors paper (Ribeiro, Singh & Guestrin, AAAI 2018, §3.1) uses to estimate precision.
 */

/** Probabilities are clipped to [CLIP, 1 - CLIP] so that the divergence stays finite. */
const CLIP = 1e-7;

/** Bisection steps for the bounds: 2^-40 of the unit interval is far below any useful precision. */
const BISECTION_STEPS = 40;

function clip(p: number): number {
  return Math.min(Math.max(p, CLIP), 1 - CLIP);
}

/**
 * The Kullback–Leibler divergence between Bernoulli(p) and Bernoulli(q):
 * `p·ln(p/q) + (1−p)·ln((1−p)/(1−q))`, with both probabilities clipped away from 0 and 1.
 */
export function klBernoulli(p: number, q: number): number {
  const pc = clip(p);
  const qc = clip(q);
  return pc * Math.log(pc / qc) + (1 - pc) * Math.log((1 - pc) / (1 - qc));
}

/**
 * Upper confidence bound: the largest q >= p with `klBernoulli(p, q) <= level`, found by bisection.
 * Pinsker's inequality (KL >= 2(q−p)^2) bounds the search to [p, p + sqrt(level/2)].
 */
export function klUpperBound(p: number, level: number): number {
  let lo = p;
  let hi = Math.min(1, p + Math.sqrt(level / 2));
  for (let i = 0; i < BISECTION_STEPS; i++) {
    const mid = (lo + hi) / 2;
    if (klBernoulli(p, mid) > level) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Lower confidence bound: the smallest q <= p with `klBernoulli(p, q) <= level`, found by bisection in
 * [p − sqrt(level/2), p] (Pinsker's inequality).
 */
export function klLowerBound(p: number, level: number): number {
  let lo = Math.max(0, p - Math.sqrt(level / 2));
  let hi = p;
  for (let i = 0; i < BISECTION_STEPS; i++) {
    const mid = (lo + hi) / 2;
    if (klBernoulli(p, mid) > level) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The exploration rate β(t, δ) of KL-LUCB for `nArms` arms at round `t`:
 * `β = ln(k₁·n·t^α / δ) + ln ln(k₁·n·t^α / δ)` with α = 1.1 and k₁ = 405.5, the constants for which
 * Kaufmann & Kalyanakrishnan (2013, Theorem 3) prove the δ-PAC guarantee.
 */
export function lucbExplorationRate(nArms: number, t: number, delta: number): number {
  const alpha = 1.1;
  const k1 = 405.5;
  const base = Math.log((k1 * nArms * Math.pow(t, alpha)) / delta);
  return base + Math.log(base);
}
