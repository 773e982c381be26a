import { describe, expect, it } from 'vitest';
import { klLucb, type ArmCounts } from '../../src/anchors/kl-lucb.js';
import { createRng } from '../../src/core/rng.js';

/** Bernoulli arms with known means, pulled through a seeded generator. */
function bernoulliArms(means: number[], seed: number) {
  const rng = createRng(seed);
  const arms = means.map(() => ({ n: 0, positives: 0 }));
  let pulls = 0;
  const pull = async (which: readonly number[], count: number) => {
    pulls += 1;
    for (const i of which) {
      for (let k = 0; k < count; k++) if (rng.next() < means[i]) arms[i].positives += 1;
      arms[i].n += count;
    }
  };
  return { arms: arms as ArmCounts[], pull, pulls: () => pulls };
}

describe('KL-LUCB', () => {
  it('picks the arm with the highest mean', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { arms, pull } = bernoulliArms([0.2, 0.5, 0.9, 0.7, 0.4], seed);
      const best = await klLucb(arms, pull, { topN: 1, epsilon: 0.05, delta: 0.1, batchSize: 10 });
      expect(best).toEqual([2]);
    }
  });

  it('picks the top two arms, best first', async () => {
    const { arms, pull } = bernoulliArms([0.1, 0.95, 0.3, 0.8, 0.2], 11);
    const best = await klLucb(arms, pull, { topN: 2, epsilon: 0.05, delta: 0.1, batchSize: 20 });
    expect(best).toEqual([1, 3]);
  });

  it('samples the close arms more than the clearly bad ones', async () => {
    const { arms, pull } = bernoulliArms([0.05, 0.85, 0.8], 3);
    await klLucb(arms, pull, { topN: 1, epsilon: 0.02, delta: 0.1, batchSize: 10 });
    expect(arms[1].n + arms[2].n).toBeGreaterThan(4 * arms[0].n);
  });

  it('pulls unsampled arms once, and returns at once when all arms are wanted', async () => {
    const { arms, pull, pulls } = bernoulliArms([0.3, 0.6], 1);
    const best = await klLucb(arms, pull, { topN: 2, epsilon: 0.1, delta: 0.1, batchSize: 10 });
    expect(pulls()).toBe(1);
    expect(arms.map((a) => a.n)).toEqual([1, 1]);
    expect(best.sort()).toEqual([0, 1]);
  });
});
