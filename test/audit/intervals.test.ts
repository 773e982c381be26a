import { describe, expect, it } from 'vitest';
import { klInterval, normalQuantile, wilsonInterval } from '../../src/audit/intervals.js';

describe('confidence intervals of a proportion', () => {
  it('normalQuantile matches the printed normal table', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829, 6);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 6);
  });

  it('Wilson: 8 of 10 at 95% is [0.490, 0.943]; 0 of 10 is [0, 0.278]; 10 of 10 is [0.722, 1]', () => {
    // By hand: z = 1.96, z²/n = 0.384; centre (0.8 + 0.192) / 1.384 = 0.7167; half 1.416 · √(0.016 + 0.0096) = 0.2266.
    const [lo, hi] = wilsonInterval(8, 10, 0.95);
    expect(lo).toBeCloseTo(0.4902, 4);
    expect(hi).toBeCloseTo(0.9433, 4);
    const none = wilsonInterval(0, 10, 0.95);
    expect(none[0]).toBe(0);
    expect(none[1]).toBeCloseTo(0.2775, 4);
    const all = wilsonInterval(10, 10, 0.95);
    expect(all[0]).toBeCloseTo(0.7225, 4);
    expect(all[1]).toBeCloseTo(1, 12);
    // More rows, narrower: 800 of 1000.
    const many = wilsonInterval(800, 1000, 0.95);
    expect(many[0]).toBeCloseTo(0.7741, 4);
    expect(many[1]).toBeCloseTo(0.8236, 4);
  });

  it('KL: 8 of 10 at 95% solves 10·KL(0.8, q) = ln 40 at q = 0.380 and 0.986, wider than Wilson', () => {
    // By hand: KL(0.8, 0.38) = 0.8 ln(0.8/0.38) + 0.2 ln(0.2/0.62) = 0.5955 − 0.2263 = 0.369 = ln(40)/10.
    const [lo, hi] = klInterval(8, 10, 0.95);
    expect(lo).toBeCloseTo(0.380, 2);
    expect(hi).toBeCloseTo(0.986, 2);
    const wilson = wilsonInterval(8, 10, 0.95);
    expect(lo).toBeLessThan(wilson[0]);
    expect(hi).toBeGreaterThan(wilson[1]);
  });
});
