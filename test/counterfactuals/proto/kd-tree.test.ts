import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors.js';
import { createRng } from '../../../src/core/rng.js';
import { KdTree } from '../../../src/counterfactuals/proto/kd-tree.js';

function randomPoints(n: number, d: number, seed: number): number[][] {
  const rng = createRng(seed);
  // Coordinates on a coarse grid, so that ties in distance happen.
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.int(20) / 4));
}

/** The k nearest by brute force, ties by index. */
function bruteForce(points: number[][], q: number[], k: number) {
  const d = points.map((p, i) => ({ i, dist: Math.sqrt(p.reduce((s, v, j) => s + (v - q[j]) ** 2, 0)) }));
  d.sort((a, b) => a.dist - b.dist || a.i - b.i);
  return d.slice(0, k);
}

describe('KdTree: exact k nearest neighbours (Euclidean)', () => {
  it('agrees with brute force on 2,000 points in 5 dimensions, ties by index, for k = 1, 7 and 50', () => {
    const points = randomPoints(2000, 5, 1);
    const tree = new KdTree(points, 8);
    for (const [qi, q] of randomPoints(40, 5, 2).entries()) {
      for (const k of [1, 7, 50]) {
        const expected = bruteForce(points, q, k);
        const got = tree.query(q, k);
        expect(got.indices, `query ${qi}, k ${k}`).toEqual(expected.map((e) => e.i));
        got.distances.forEach((dist, j) => expect(dist).toBeCloseTo(expected[j].dist, 12));
      }
    }
  });

  it('finds each training point itself at distance 0', () => {
    const points = randomPoints(500, 3, 3).map((p, i) => [...p, i]); // distinct points
    const tree = new KdTree(points);
    for (const i of [0, 17, 250, 499]) {
      const { indices, distances } = tree.query(points[i], 1);
      expect(indices).toEqual([i]);
      expect(distances).toEqual([0]);
    }
  });

  it('returns every point when k exceeds the tree, and handles identical points', () => {
    const tree = new KdTree([[1, 1], [1, 1], [1, 1], [0, 0]], 1);
    expect(tree.query([1, 1], 10)).toEqual({ indices: [0, 1, 2, 3], distances: [0, 0, 0, Math.SQRT2] });
  });

  it('rejects bad points, queries and k with InvalidInputError naming them', () => {
    expect(() => new KdTree([])).toThrow(/at least one point/);
    expect(() => new KdTree([[1, 2], [3]])).toThrow(/point 1 has 1 coordinates; expected 2/);
    expect(() => new KdTree([[1, NaN]])).toThrow(/point 0, coordinate 1 is NaN/);
    const tree = new KdTree([[0, 0]]);
    expect(() => tree.query([0], 1)).toThrow(InvalidInputError);
    expect(() => tree.query([0, 0], 0)).toThrow(/k is 0; expected an integer >= 1/);
    expect(() => tree.query([0, Infinity], 1)).toThrow(/coordinate 1 is Infinity/);
  });
});
