import { describe, expect, it } from 'vitest';
import { choleskySolve } from '../../src/models/cholesky.js';
import { binOf, quantileBinEdges } from '../../src/models/quantile-bins.js';
import { accuracy } from '../../src/models/metrics.js';

describe('quantileBinEdges / binOf', () => {
  it('gives one bin per distinct value when there are few', () => {
    const edges = quantileBinEdges([3, 1, 2, 3, 3, 1], 255);
    expect(Array.from(edges)).toEqual([1, 2, 3]);
    expect([0, 1, 1.5, 2, 3, 99].map((v) => binOf(edges, v))).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('groups many values into bins of about equal size, the last edge being the maximum', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i);
    const edges = quantileBinEdges(values, 10);
    expect(edges.length).toBe(10);
    expect(edges[9]).toBe(999);
    const counts = new Array(10).fill(0);
    for (const v of values) counts[binOf(edges, v)]++;
    expect(counts).toEqual(new Array(10).fill(100));
  });

  it('gives a heavy value a bin of its own', () => {
    // 900 zeros and 100 distinct positive values into 5 bins.
    const values = [...new Array(900).fill(0), ...Array.from({ length: 100 }, (_, i) => i + 1)];
    const edges = quantileBinEdges(values, 5);
    expect(edges[0]).toBe(0);
    expect(edges.length).toBeLessThanOrEqual(5);
    expect(edges[edges.length - 1]).toBe(100);
    expect(edges.length).toBeGreaterThan(2);
  });
});

describe('choleskySolve', () => {
  it('solves a symmetric positive definite system', () => {
    const a = Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]);
    const x = [1, -2, 3];
    const b = Float64Array.from([0, 1, 2].map((i) => x.reduce((s, xj, j) => s + a[i * 3 + j] * xj, 0)));
    Array.from(choleskySolve(a, b, 3)).forEach((v, i) => expect(v).toBeCloseTo(x[i], 10));
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => choleskySolve(Float64Array.from([1, 2, 2, 1]), Float64Array.from([1, 1]), 2)).toThrow(/not positive definite/);
  });
});

describe('accuracy', () => {
  it('counts argmax matches, the first maximum winning ties', () => {
    expect(accuracy([[0.2, 0.8], [0.5, 0.5], [0.9, 0.1], [0.4, 0.6]], [1, 0, 1, 0])).toBe(0.5);
  });
});
