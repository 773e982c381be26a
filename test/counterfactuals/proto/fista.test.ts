import { describe, expect, it } from 'vitest';
import { AttackWeightSearch, fistaMomentum, polynomialDecay, shrink } from '../../../src/counterfactuals/fista.js';

describe('FISTA pieces shared by CEM and CounterfactualProto', () => {
  it('decays the learning rate polynomially (power 0.5) to 0', () => {
    expect(polynomialDecay(0.01, 0, 100)).toBe(0.01);
    expect(polynomialDecay(0.01, 75, 100)).toBeCloseTo(0.005, 12);
    expect(polynomialDecay(0.01, 99, 100)).toBeCloseTo(0.001, 12);
  });

  it('weights momentum by k / (k + 3)', () => {
    expect(fistaMomentum(0)).toBe(0);
    expect(fistaMomentum(3)).toBe(0.5);
  });

  it('shrinks towards the center by β', () => {
    expect(shrink(1, 0, 0.25)).toBe(0.75);
    expect(shrink(-0.1, 0, 0.25)).toBe(0);
  });

  it('searches c as Carlini & Wagner: ×10 while failing, then bisection', () => {
    const search = new AttackWeightSearch(10);
    search.update(false);
    expect(search.c).toBe(100);
    search.update(true); // bracket [10, 100]
    expect(search.c).toBe(55);
    search.update(false);
    expect(search.c).toBe(77.5);
    search.update(true);
    expect(search.c).toBe(66.25);
  });

  it('halves c towards 0 while every value succeeds', () => {
    const search = new AttackWeightSearch(10);
    search.update(true);
    expect(search.c).toBe(5);
    search.update(true);
    expect(search.c).toBe(2.5);
  });
});
