import { describe, expect, it } from 'vitest';
import { klBernoulli, klLowerBound, klUpperBound, lucbExplorationRate } from '../../src/anchors/kl-bounds.js';

describe('KL divergence of Bernoulli distributions', () => {
  it('matches values computed by hand', () => {
    // 0.5 ln(0.5/0.25) + 0.5 ln(0.5/0.75) = 0.5 ln 2 + 0.5 ln(2/3)
    expect(klBernoulli(0.5, 0.25)).toBeCloseTo(0.14384103622589042, 12);
    expect(klBernoulli(0.5, 0.75)).toBeCloseTo(0.14384103622589042, 12);
    expect(klBernoulli(1, 0.9)).toBeCloseTo(-Math.log(0.9), 5);
    expect(klBernoulli(0.3, 0.3)).toBe(0);
  });

  it('stays finite at 0 and 1', () => {
    expect(Number.isFinite(klBernoulli(1, 0))).toBe(true);
    expect(Number.isFinite(klBernoulli(0, 1))).toBe(true);
  });
});

describe('KL confidence bounds', () => {
  it('invert the divergence: kl(p, bound) = level', () => {
    const level = klBernoulli(0.5, 0.75);
    expect(klUpperBound(0.5, level)).toBeCloseTo(0.75, 8);
    expect(klLowerBound(0.5, level)).toBeCloseTo(0.25, 8);
  });

  it('give the lower bound of an all-positive sample: exp(-level)', () => {
    // 100 samples, all positive, delta 0.1: kl(1, q) = -ln q <= ln(10)/100
    expect(klLowerBound(1, Math.log(10) / 100)).toBeCloseTo(0.9772372209558107, 5);
  });

  it('are ordered around the mean and tighten with more samples', () => {
    for (const p of [0, 0.1, 0.5, 0.93, 1]) {
      const wide = Math.log(10) / 10;
      const narrow = Math.log(10) / 1000;
      expect(klLowerBound(p, wide)).toBeLessThanOrEqual(klLowerBound(p, narrow) + 1e-12);
      expect(klLowerBound(p, narrow)).toBeLessThanOrEqual(p + 1e-12);
      expect(klUpperBound(p, narrow)).toBeGreaterThanOrEqual(p - 1e-12);
      expect(klUpperBound(p, wide)).toBeGreaterThanOrEqual(klUpperBound(p, narrow) - 1e-12);
    }
    expect(klUpperBound(1, 0.5)).toBe(1);
    expect(klLowerBound(0, 0.5)).toBe(0);
  });
});

describe('KL-LUCB exploration rate', () => {
  it('is ln(k1 n t^1.1 / delta) + ln ln(...) with k1 = 405.5', () => {
    expect(lucbExplorationRate(2, 1, 0.1)).toBeCloseTo(11.198172514076273, 10);
    expect(lucbExplorationRate(5, 3, 0.05)).toBeCloseTo(14.288453063888154, 10);
  });
});
