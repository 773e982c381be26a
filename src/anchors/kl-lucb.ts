import { klLowerBound, klUpperBound, lucbExplorationRate } from './kl-bounds.js';

/** Running counts of one bandit arm: how many samples were drawn and how many were positive. */
export interface ArmCounts {
  readonly n: number;
  readonly positives: number;
}

/**
 * Draws `count` more samples from each of `arms`, updating their {@link ArmCounts}. All arms of one
 * call should be served by one model call.
 */
export type PullArms = (arms: readonly number[], count: number) => Promise<void>;

/**
 * Options of the KL-LUCB best-arm identification bandit (Kaufmann & Kalyanakrishnan 2013), as the anchors search
 * uses it.
 */
export interface KlLucbOptions {
  /** How many of the best arms to identify. */
  topN: number;
  /** Tolerance ε: stop once the best arms are separated from the rest up to ε. */
  epsilon: number;
  /** Confidence 1 − δ of the identification. */
  delta: number;
  /** Samples drawn from an arm each time it is pulled. */
  batchSize: number;
}

/**
 * KL-LUCB (Kaufmann & Kalyanakrishnan, COLT 2013, Algorithm 2 with KL confidence bounds), the
 * pure-exploration bandit the anchors paper uses to pick the `topN` candidate anchors of highest
 * precision (Ribeiro et al., AAAI 2018, §3.1). Each round pulls the weakest arm of the current top set
 * and the strongest arm outside it, until the upper bound of the latter exceeds the lower bound of the
 * former by at most ε.
 *
 * `arms` holds the counts gathered so far, which `pull` keeps up to date; arms without samples are pulled
 * once first. Returns the indices of the `topN` arms with the highest mean, best first.
 */
export async function klLucb(
  arms: readonly ArmCounts[],
  pull: PullArms,
  options: KlLucbOptions,
): Promise<number[]> {
  const { topN, epsilon, delta, batchSize } = options;
  const unsampled = arms.flatMap((a, i) => (a.n === 0 ? [i] : []));
  if (unsampled.length > 0) await pull(unsampled, 1);
  if (arms.length <= topN) return rankByMean(arms);

  const mean = (i: number) => arms[i].positives / arms[i].n;
  for (let t = 1; ; t++) {
    const ranked = rankByMean(arms);
    const top = ranked.slice(0, topN);
    const rest = ranked.slice(topN);
    const beta = lucbExplorationRate(arms.length, t, delta);
    let weakestTop = top[0];
    let weakestLower = Infinity;
    for (const i of top) {
      const lb = klLowerBound(mean(i), beta / arms[i].n);
      if (lb < weakestLower) {
        weakestLower = lb;
        weakestTop = i;
      }
    }
    let strongestRest = rest[0];
    let strongestUpper = -Infinity;
    for (const i of rest) {
      const ub = klUpperBound(mean(i), beta / arms[i].n);
      if (ub > strongestUpper) {
        strongestUpper = ub;
        strongestRest = i;
      }
    }
    if (strongestUpper - weakestLower <= epsilon) return top;
    await pull([strongestRest, weakestTop], batchSize);
  }
}

/** Arm indices by decreasing mean; ties go to the lower index, so the order is deterministic. */
function rankByMean(arms: readonly ArmCounts[]): number[] {
  const means = arms.map((a) => (a.n > 0 ? a.positives / a.n : 0));
  return means.map((_, i) => i).sort((a, b) => means[b] - means[a] || a - b);
}
