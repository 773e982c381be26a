import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors.js';
import { abdmDistances } from '../../../src/counterfactuals/categorical/abdm.js';
import type { CategoryDistances } from '../../../src/counterfactuals/categorical/category-rows.js';
import { mdsEmbedding } from '../../../src/counterfactuals/categorical/mds.js';
import { mvdmDistances } from '../../../src/counterfactuals/categorical/mvdm.js';
import { symmetricEigen } from '../../../src/counterfactuals/categorical/symmetric-eigen.js';
import { loadAdult } from '../../../src/datasets/adult.js';
import type { TabularDataset } from '../../../src/datasets/types.js';
import { loadDemoModel } from '../../../src/models/demo-models.js';

/** Every matrix k × k for its feature's k categories, symmetric, zero on the diagonal, non-negative. */
function expectDistanceMatrices(distances: CategoryDistances, categoryMap: Record<number, readonly string[]>): void {
  expect(Object.keys(distances)).toEqual(Object.keys(categoryMap));
  for (const [key, matrix] of Object.entries(distances)) {
    const k = categoryMap[Number(key)].length;
    expect(matrix).toHaveLength(k);
    for (let a = 0; a < k; a++) {
      expect(matrix[a]).toHaveLength(k);
      expect(matrix[a][a]).toBe(0);
      for (let b = 0; b < k; b++) {
        expect(matrix[a][b]).toBe(matrix[b][a]);
        expect(matrix[a][b]).toBeGreaterThanOrEqual(0);
        if (a !== b) expect(matrix[a][b]).toBeGreaterThan(0);
      }
    }
  }
}

describe('ABDM and MVDM on Adult', () => {
  let adult: TabularDataset;
  beforeAll(() => {
    adult = loadAdult();
  });

  it('ABDM: one symmetric, zero-diagonal, non-negative matrix per categorical feature, the same on every call', () => {
    const distances = abdmDistances(adult.train.rows, adult.categoryMap);
    expectDistanceMatrices(distances, adult.categoryMap);
    expect(JSON.stringify(abdmDistances(adult.train.rows, adult.categoryMap))).toBe(JSON.stringify(distances));
  });

  it('ABDM embedded on a line orders the education levels monotonically', () => {
    const education = adult.featureNames.indexOf('Education');
    const names = adult.categoryMap[education];
    const levels = ['Dropout', 'High School grad', 'Associates', 'Bachelors', 'Masters', 'Prof-School', 'Doctorate'];
    expect([...names].sort()).toEqual([...levels].sort());
    const coords = mdsEmbedding(abdmDistances(adult.train.rows, adult.categoryMap)[education]);
    const along = levels.map((level) => coords[names.indexOf(level)]);
    const steps = along.slice(1).map((x, i) => Math.sign(x - along[i]));
    expect(new Set(steps).size).toBe(1);
    expect(steps[0]).not.toBe(0);
  });

  it('MVDM from the bundled model: symmetric, zero diagonal, entries in [0, 2]; labels give a matrix too', () => {
    const { model } = loadDemoModel('adult-gbt');
    const rows = adult.train.rows; // every category occurs (Never-worked in 7 rows)
    const proba = model.predictProba(rows);
    const distances = mvdmDistances(rows, proba, adult.categoryMap);
    expectDistanceMatrices(distances, adult.categoryMap);
    for (const matrix of Object.values(distances)) for (const row of matrix) for (const x of row) expect(x).toBeLessThanOrEqual(2);
    // Married people are predicted >50K far more often than the never married.
    const married = adult.featureNames.indexOf('Marital Status');
    const [m, never] = ['Married', 'Never-Married'].map((n) => adult.categoryMap[married].indexOf(n));
    expect(distances[married][m][never]).toBeGreaterThan(0.5);
    const labels = proba.map((p) => (p[1] > p[0] ? 1 : 0));
    expect(mvdmDistances(rows, labels, adult.categoryMap)[married][m][never]).toBeGreaterThan(0.5);
    expect(JSON.stringify(mvdmDistances(rows, proba, adult.categoryMap))).toBe(JSON.stringify(distances));
  });
});

describe('ABDM and MVDM by hand', () => {
  const categoryMap = { 0: ['a', 'b'], 1: ['x', 'y'] };

  it('ABDM sums symmetric KL divergences of the Laplace-smoothed conditional distributions', () => {
    // Feature 0: p(x1 | a) = (2+1, 0+1)/4, p(x1 | b) = (1+1, 1+1)/4: KL sum (1/4)ln(3/2) + (1/4)ln 2 = ln(3)/4.
    // Feature 1: p(x0 | x) = (2+1, 1+1)/5, p(x0 | y) = (0+1, 1+1)/3: (4/15)ln(9/5) + (4/15)ln(5/3) = (4/15)ln 3.
    const d = abdmDistances([[0, 0], [0, 0], [1, 1], [1, 0]], categoryMap);
    expect(d[0][0][1]).toBeCloseTo(Math.log(3) / 4, 12);
    expect(d[1][0][1]).toBeCloseTo((4 / 15) * Math.log(3), 12);
  });

  it('ABDM bins numeric features at the percentiles discPerc', () => {
    // Median 2.5: a holds bin (2, 0), b bin (0, 2); smoothed (3/4, 1/4) vs (1/4, 3/4): ln 3.
    const rows = [[0, 1], [0, 2], [1, 3], [1, 4]];
    expect(abdmDistances(rows, { 0: ['a', 'b'] }, { discPerc: [50] })[0][0][1]).toBeCloseTo(Math.log(3), 12);
    // The default quartiles (1.75, 2.5, 3.25) give each value its own bin: (2, 2, 1, 1)/6 vs (1, 1, 2, 2)/6,
    // four terms of (1/6)·ln 2.
    expect(abdmDistances(rows, { 0: ['a', 'b'] })[0][0][1]).toBeCloseTo((2 / 3) * Math.log(2), 12);
  });

  it('MVDM sums absolute differences of mean predicted class probabilities', () => {
    const rows = [[0], [0], [1]];
    expect(mvdmDistances(rows, [[0.9, 0.1], [0.7, 0.3], [0.2, 0.8]], { 0: ['a', 'b'] })[0][0][1]).toBeCloseTo(1.2, 12);
    expect(mvdmDistances(rows, [0, 1, 1], { 0: ['a', 'b'] })[0][0][1]).toBeCloseTo(1, 12);
  });

  it('rejects categories no row holds, and malformed rows, categoryMaps and predictions, saying what was expected', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => abdmDistances([[0, 1], [1, 0]], { 0: ['a', 'b', 'c'] }), /category "c" \(code 2\) of feature 0 occurs in none of the 2 rows/],
      [() => mvdmDistances([[0], [0]], [0, 1], { 0: ['a', 'b'] }), /category "b" \(code 1\) of feature 0 occurs in none/],
      [() => abdmDistances([[0, 1], [1, NaN]], categoryMap), /row 1, column 1 is NaN; expected a finite number/],
      [() => abdmDistances([[0, 1], [1]], categoryMap), /row 1 has 1 values; expected 2/],
      [() => abdmDistances([[0, 2]], categoryMap), /row 0, column 1 has category code 2; expected an integer code 0\.\.1 \(x, y\)/],
      [() => abdmDistances([[0, 1]], { Education: ['a', 'b'] }), /categoryMap key "Education" is not a column index; expected an integer in 0\.\.1/],
      [() => abdmDistances([[0, 1]], { 5: ['a', 'b'] }), /categoryMap key "5" is not a column index/],
      [() => abdmDistances([[0, 1]], { 0: [] }), /categoryMap\["0"\] is an array of 0; expected a non-empty array of category names/],
      [() => abdmDistances([], categoryMap), /rows is an array of 0; expected a non-empty array of rows/],
      [() => abdmDistances([[0], [1]], { 0: ['a', 'b'] }), /rows have 1 feature, expected at least 2/],
      [() => abdmDistances([[0, 1]], categoryMap, { discPerc: [0] }), /discPerc contains 0/],
      [() => abdmDistances([[0, 1]], categoryMap, { pseudoCount: 0 }), /pseudoCount is 0; expected a finite number > 0/],
      [() => mvdmDistances([[0], [1]], [0], { 0: ['a', 'b'] }), /predictions has 1 predictions; expected 2, one per row/],
      [() => mvdmDistances([[0], [1]], [0, 0.5], { 0: ['a', 'b'] }), /predictions\[1\] is 0\.5; expected a class label/],
      [() => mvdmDistances([[0], [1]], [[1, 0], [1]], { 0: ['a', 'b'] }), /predictions\[1\] is an array of 1; expected 2 class probabilities/],
      [() => mvdmDistances([[0], [1]], [[1, 0], [NaN, 1]], { 0: ['a', 'b'] }), /predictions\[1\]\[0\] is NaN; expected a probability/],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrow(InvalidInputError);
      expect(call).toThrow(message);
    }
  });
});

describe('classical MDS on a line', () => {
  it('recovers points on a line, centred, with the first non-zero coordinate negative', () => {
    const line = (xs: number[]) => xs.map((a) => xs.map((b) => Math.abs(a - b)));
    const coords = mdsEmbedding(line([0, 1, 3, 7]));
    [-2.75, -1.75, 0.25, 4.25].forEach((x, i) => expect(coords[i]).toBeCloseTo(x, 10));
    const reversed = mdsEmbedding(line([7, 3, 1, 0]));
    [-4.25, -0.25, 1.75, 2.75].forEach((x, i) => expect(reversed[i]).toBeCloseTo(x, 10));
    expect(mdsEmbedding([[0]])).toEqual([0]);
    expect(mdsEmbedding([[0, 0], [0, 0]])).toEqual([0, 0]);
  });

  it('embeds non-Euclidean distances by the largest eigenvalue, coordinates summing to 0', () => {
    // A triangle that breaks the triangle inequality still gets a line; its ends are the farthest pair.
    const coords = mdsEmbedding([[0, 1, 5], [1, 0, 1], [5, 1, 0]]);
    expect(coords.reduce((s, x) => s + x, 0)).toBeCloseTo(0, 10);
    expect(coords[0]).toBeLessThan(coords[1]);
    expect(coords[1]).toBeLessThan(coords[2]);
  });

  it('rejects what is not a distance matrix, naming the entry', () => {
    const cases: Array<[unknown, RegExp]> = [
      [[[0, 1], [1, 0, 2]], /distances row 1 is an array of 3; expected 2 numbers: the matrix must be square/],
      [[[0, 1, 2], [1, 0, 2]], /distances row 0 is an array of 3; expected 2 numbers/],
      [[[0, NaN], [NaN, 0]], /distances\[0\]\[1\] is NaN; expected a finite distance >= 0/],
      [[[0, -1], [-1, 0]], /distances\[0\]\[1\] is -1; expected a finite distance >= 0/],
      [[[1, 1], [1, 0]], /distances\[0\]\[0\] is 1; expected 0 on the diagonal/],
      [[[0, 1], [2, 0]], /distances\[0\]\[1\] is 1 but distances\[1\]\[0\] is 2; expected a symmetric matrix/],
      [[], /distances is an array of 0; expected a non-empty square matrix/],
    ];
    for (const [matrix, message] of cases) {
      expect(() => mdsEmbedding(matrix as number[][])).toThrow(InvalidInputError);
      expect(() => mdsEmbedding(matrix as number[][])).toThrow(message);
    }
  });

  it('the Jacobi eigensolver gives A v = λ v with unit vectors', () => {
    const a = [[4, 1, -2, 2], [1, 2, 0, 1], [-2, 0, 3, -2], [2, 1, -2, -1]];
    const { values, vectors } = symmetricEigen(a);
    expect(values.reduce((s, x) => s + x, 0)).toBeCloseTo(8, 10); // the trace
    vectors.forEach((v, m) => {
      expect(Math.hypot(...v)).toBeCloseTo(1, 12);
      a.forEach((row, i) => expect(row.reduce((s, x, j) => s + x * v[j], 0)).toBeCloseTo(values[m] * v[i], 10));
    });
  });
});
