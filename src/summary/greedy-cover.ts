import { popcount32 } from '../core/bitset.js';

/** The sets a greedy cover picked, and what each added. */
export interface GreedyCover {
  /** Indices of the sets picked, in the order picked. */
  picked: number[];
  /** Items each pick added (its marginal gain), in the order picked. */
  gains: number[];
  /** Items covered by the union after each pick: the running sum of `gains`. */
  covered: number[];
}

/**
 * Greedy maximum coverage: pick at most `budget` of `sets` (bitsets over the same items) so that their
 * union is as large as possible, one set at a time, each the one adding the most items not yet covered.
 *
 * Coverage of a union is monotone and submodular, so this greedy choice covers at least (1 − 1/e) ≈ 0.632
 * of the best `budget` sets' union (Nemhauser, Wolsey & Fisher, "An analysis of approximations for
 * maximizing submodular set functions", Mathematical Programming 14, 1978): the guarantee of SP-LIME's
 * submodular pick (Ribeiro, Singh & Guestrin, KDD 2016, §3.4, Algorithm 2) that the anchors paper uses
 * to pick anchors covering a data set (AAAI 2018, §3.3). Ties go to the lowest index, so the pick is
 * deterministic; it stops early when no set adds an item.
 */
export function greedyCover(sets: readonly Uint32Array[], budget: number): GreedyCover {
  const words = sets[0]?.length ?? 0;
  const union = new Uint32Array(words);
  const used = new Uint8Array(sets.length);
  const out: GreedyCover = { picked: [], gains: [], covered: [] };
  let total = 0;
  while (out.picked.length < budget) {
    let best = -1;
    let bestGain = 0;
    for (let s = 0; s < sets.length; s++) {
      if (used[s] === 1) continue;
      const bits = sets[s];
      let gain = 0;
      for (let w = 0; w < words; w++) gain += popcount32(bits[w] & ~union[w]);
      if (gain > bestGain) {
        best = s;
        bestGain = gain;
      }
    }
    if (best < 0) break;
    used[best] = 1;
    const bits = sets[best];
    for (let w = 0; w < words; w++) union[w] |= bits[w];
    total += bestGain;
    out.picked.push(best);
    out.gains.push(bestGain);
    out.covered.push(total);
  }
  return out;
}
