import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.js';
import { TabularSchema } from '../../../src/core/tabular-schema.js';
import type { Candidate } from '../../../src/counterfactuals/diverse/candidates.js';
import { changeScale, decimalsOf, fitFeatureStats } from '../../../src/counterfactuals/diverse/feature-stats.js';
import { categoryPositions, FeasibleSpace, marginalsOf } from '../../../src/counterfactuals/diverse/feasible-space.js';
import { outcomeGap } from '../../../src/counterfactuals/diverse/outcome.js';
import { countDiversity, rowDifference, selectDiverse } from '../../../src/counterfactuals/diverse/selection.js';

const schema = new TabularSchema(['size', 'colour', 'grade'], { colour: ['red', 'green', 'blue'], grade: ['low', 'mid', 'high'] });
const train = [
  [1.5, 0, 0],
  [2, 1, 1],
  [3.25, 2, 2],
  [4, 0, 1],
  [10, 1, 0],
];
const stats = fitFeatureStats(schema, train);
const positions = categoryPositions(schema, { grade: ['low', 'mid', 'high'] });
const marginals = marginalsOf(schema, train);

function candidate(row: number[], loss: number): Candidate {
  return { row, loss, key: row.join(','), valid: true, gap: 0, distance: loss, changed: 0, prediction: { class: 1, proba: null, value: null } };
}

describe('feature statistics', () => {
  it('counts decimals, and takes range, MAD and precision from the training rows', () => {
    expect([decimalsOf(3), decimalsOf(3.5), decimalsOf(0.25), decimalsOf(1 / 3)]).toEqual([0, 1, 2, 6]);
    // sizes 1.5, 2, 3.25, 4, 10: median 3.25, deviations 0, 0.75, 1.25, 1.75, 6.75: MAD 1.25.
    // Mean 4.15, squared deviations 7.0225 + 4.6225 + 0.81 + 0.0225 + 34.2225 = 46.7: std sqrt(9.34).
    expect(stats).toEqual([{ min: 1.5, max: 10, mad: 1.25, std: expect.closeTo(Math.sqrt(9.34), 12), decimals: 2 }, null, null]);
    expect(changeScale({ min: 0, max: 8, mad: 0, std: 3, decimals: 0 })).toBe(3);
    expect(changeScale({ min: 5, max: 5, mad: 0, std: 0, decimals: 0 })).toBe(1);
  });
});

describe('FeasibleSpace', () => {
  it('puts numbers on their grid inside the allowed range, and categories in order', () => {
    const space = new FeasibleSpace(schema, stats, marginals, positions, [2, 0, 1], { range: { 0: [1.5, 3.333] }, direction: { 2: 'increase' } });
    expect(space.domains).toEqual([
      { kind: 'numeric', low: 150, high: 333, decimals: 2 },
      { kind: 'categorical', codes: [0, 1, 2] },
      { kind: 'categorical', codes: [1, 2] },
    ]);
    const rng = createRng(1);
    for (let i = 0; i < 200; i++) {
      const v = space.sample(0, rng);
      expect(v).not.toBe(2);
      expect(v >= 1.5 && v <= 3.33 && Math.round(v * 100) / 100 === v).toBe(true);
      expect([2]).toContain(space.sample(2, rng));
    }
    expect(space.take(0, 3.331)).toBe(3.33);
    expect(space.take(0, 4)).toBe(2);
    expect(space.take(2, 0)).toBe(1);
    expect(space.between(0, 3, 3)).toEqual([2.25, 2.5, 2.75]);
    // Proximity: |Δ| / MAD for numbers, 1 per changed category, over 3 features.
    expect(space.distance([3.25, 2, 1])).toBeCloseTo((1.25 / 1.25 + 1) / 3, 12);
    expect(space.changed([3.25, 2, 1])).toBe(2);
  });

  it('keeps immutable features and names what is wrong', () => {
    const space = new FeasibleSpace(schema, stats, marginals, positions, [2, 0, 1], { immutable: [1, 2] });
    expect(space.mutable).toEqual([0]);
    expect(() => new FeasibleSpace(schema, stats, marginals, positions, [2, 0, 1], { immutable: [0, 1, 2] })).toThrow(/no feature of this instance free to change/);
    expect(() => new FeasibleSpace(schema, stats, marginals, categoryPositions(schema, undefined), [2, 0, 1], { direction: { 2: 'increase' } })).toThrow(/categorical feature "grade" a direction, which needs the order/);
    expect(() => new FeasibleSpace(schema, stats, marginals, positions, [2, 0, 1], { range: { 0: [3, 4] } })).toThrow(/the instance's "size" is 2, outside its allowed range \[3, 4\]/);
  });
});

describe('outcome gap and set selection', () => {
  it('measures how far a prediction is from the wanted classes', () => {
    expect(outcomeGap({ kind: 'other-class', origClass: 0 }, { class: 0, proba: [0.7, 0.2, 0.1], value: null })).toBeCloseTo(0.5, 12);
    expect(outcomeGap({ kind: 'class', target: 2 }, { class: 0, proba: [0.7, 0.2, 0.1], value: null })).toBeCloseTo(0.6, 12);
    expect(outcomeGap({ kind: 'class', target: 2 }, { class: 2, proba: null, value: null })).toBe(0);
    expect(outcomeGap({ kind: 'class', target: 2 }, { class: 1, proba: null, value: null })).toBe(1);
    // A regression model's range: the distance of the value to it.
    expect(outcomeGap({ kind: 'range', low: 100, high: 120 }, { class: null, proba: null, value: 90 })).toBe(10);
    expect(outcomeGap({ kind: 'range', low: 100, high: 120 }, { class: null, proba: null, value: 130.5 })).toBe(10.5);
    expect(outcomeGap({ kind: 'range', low: 100, high: 120 }, { class: null, proba: null, value: 120 })).toBe(0);
  });

  it('computes count diversity and picks diverse sets greedily', () => {
    expect(rowDifference([1, 2, 3, 4], [1, 0, 3, 0])).toBe(0.5);
    expect(countDiversity([[0, 0], [1, 0], [1, 1]])).toBeCloseTo((0.5 + 1 + 0.5) / 3, 12);
    expect(countDiversity([[0, 0]])).toBe(0);
    const a = candidate([1, 0, 0, 0], 0.1);
    const b = candidate([2, 0, 0, 0], 0.1); // differs from a in one feature
    const c = candidate([0, 1, 0, 0], 0.15); // differs from a in two
    expect(selectDiverse([a, b, c], 2, 0, rowDifference).map((k) => k.key)).toEqual([a.key, b.key]);
    expect(selectDiverse([a, b, c], 2, 1, rowDifference).map((k) => k.key)).toEqual([a.key, c.key]);
    expect(selectDiverse([a, b, c], 2, 1, rowDifference, [c]).map((k) => k.key)).toEqual([c.key, a.key]);
    expect(selectDiverse([], 3, 1, rowDifference)).toEqual([]);
    // A graded difference: a near-copy (less than half a feature apart) is left out, unless allowed.
    const graded = (p: ArrayLike<number>, q: ArrayLike<number>) => Array.from(p).reduce((sum, v, f) => sum + Math.min(1, Math.abs(v - q[f])), 0) / p.length;
    const copy = candidate([1.1, 0, 0, 0], 0.1);
    expect(selectDiverse([a, copy, c], 3, 0, graded).map((k) => k.key)).toEqual([a.key, c.key]);
    expect(selectDiverse([a, copy, c], 3, 0, graded, [], 0).map((k) => k.key)).toEqual([a.key, copy.key, c.key]);
  });
});
