import { describe, expect, it } from 'vitest';
import { predictionLoss } from '../../../src/counterfactuals/proto/loss.js';
import { rowsByClass, TreePrototypes } from '../../../src/counterfactuals/proto/prototypes.js';

const p = (...v: number[]) => Float32Array.from(v);

describe('the prediction term L_pred', () => {
  it('without a target: max(0, p_orig − max other + κ), valid once another class leads', () => {
    const loss = predictionLoss(0, undefined, 3, 0.1);
    expect(loss.objective.value(p(0.6, 0.3, 0.1))).toBeCloseTo(0.4, 6);
    expect(loss.objective.value(p(0.3, 0.6, 0.1))).toBe(0);
    expect(loss.valid(p(0.3, 0.6, 0.1))).toBe(true);
    expect(loss.valid(p(0.45, 0.5, 0.05))).toBe(false); // leads by less than κ
  });

  it('with a target t: max(0, max other − p_t + κ), valid only in class t', () => {
    const loss = predictionLoss(0, 2, 3, 0);
    expect(loss.objective.value(p(0.6, 0.3, 0.1))).toBeCloseTo(0.5, 6);
    expect(loss.valid(p(0.1, 0.6, 0.3))).toBe(false); // another class, but not the target
    expect(loss.valid(p(0.1, 0.3, 0.6))).toBe(true);
  });
});

describe('k-d tree prototypes', () => {
  // Class 0 around the origin, class 1 at x = 1 and x = 3.
  const points = [p(0, 0), p(0.1, 0), p(1, 0), p(3, 0)];
  const classes = [0, 0, 1, 1];

  it('groups rows by predicted class', () => {
    expect([...rowsByClass(classes)]).toEqual([
      [0, [0, 1]],
      [1, [2, 3]],
    ]);
  });

  it('takes the k-th nearest row of the nearest other class; a training row is at distance 0 from itself', () => {
    const trees = new TreePrototypes(points, classes);
    expect(trees.nearest(p(0, 0), [1]).prototype).toEqual({ source: 'kdtree', class: 1, distance: 1, rows: [2], size: 1, feasible: true });
    expect(trees.nearest(p(0, 0), [1], 2).prototype.rows).toEqual([3]);
    expect(trees.nearest(p(0.1, 0), [0]).prototype).toMatchObject({ rows: [1], distance: 0 });
  });

  it('skips rows the constraints cannot reach, and falls back to the nearest when none can', () => {
    const trees = new TreePrototypes(points, classes);
    const beyondTwo = (q: Float32Array) => q[0] > 2;
    expect(trees.nearest(p(0, 0), [1], 1, beyondTwo).prototype).toMatchObject({ rows: [3], distance: 3, feasible: true });
    expect(trees.nearest(p(0, 0), [1], 1, () => false).prototype).toMatchObject({ rows: [2], feasible: false });
    expect(() => trees.nearest(p(0, 0), [2])).toThrow(/no training row is predicted as class 2/);
  });
});
