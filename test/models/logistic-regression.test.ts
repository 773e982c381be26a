import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { createRng } from '../../src/core/rng.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { LogisticRegression } from '../../src/models/logistic-regression.js';
import { accuracy } from '../../src/models/metrics.js';

/**
 * Data drawn from a known logistic model: log-odds = -1 + 2 * x0 + [-1, 0, 1.5][x1], with x0 standard
 * normal (Box-Muller) and x1 a category 0..2.
 */
function logisticData(n: number, seed: number) {
  const rng = createRng(seed);
  const effect = [-1, 0, 1.5];
  const rows: number[][] = [];
  const target: number[] = [];
  for (let i = 0; i < n; i++) {
    const x0 = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    const x1 = rng.int(3);
    const p = 1 / (1 + Math.exp(-(-1 + 2 * x0 + effect[x1])));
    rows.push([x0, x1]);
    target.push(rng.next() < p ? 1 : 0);
  }
  return { rows, target };
}

const categoryMap = { 1: ['a', 'b', 'c'] };

describe('LogisticRegression', () => {
  it('recovers the coefficients of a known logistic model', () => {
    const { rows, target } = logisticData(20_000, 1);
    const model = LogisticRegression.train(rows, target, { categoryMap, l2: 1e-6 });
    const json = model.toJSON();
    const [x0] = json.numeric;
    expect(x0.feature).toBe(0);
    // weight / scale is the slope on the raw scale: 2.
    // Tolerances are about three standard errors of the estimates at this sample size.
    expect(Math.abs(x0.weight / x0.scale - 2)).toBeLessThan(0.1);
    // Category effects are identified up to a constant shared with the intercept: compare differences.
    const [wa, wb, wc] = json.categorical[0].weights;
    expect(Math.abs(wb - wa - 1)).toBeLessThan(0.15);
    expect(Math.abs(wc - wb - 1.5)).toBeLessThan(0.15);
    expect(json.categorical[0].categories).toEqual(['a', 'b', 'c']);
    const margins = model.predictMargins([[0, 1]]);
    expect(Math.abs(margins[0] - -1)).toBeLessThan(0.15);
  });

  it('is deterministic and reads its JSON back to an identical model', () => {
    const { rows, target } = logisticData(3000, 2);
    const a = LogisticRegression.train(rows, target, { categoryMap, featureNames: ['x', 'group'] });
    const b = LogisticRegression.train(rows, target, { categoryMap, featureNames: ['x', 'group'] });
    const text = JSON.stringify(a);
    expect(JSON.stringify(b)).toBe(text);
    const copy = LogisticRegression.fromJSON(JSON.parse(text));
    expect(JSON.stringify(copy)).toBe(text);
    expect(copy.predictor(rows.slice(0, 100))).toEqual(a.predictProba(rows.slice(0, 100)));
  });

  it('reaches the expected accuracy on Adult (trained on a subset)', () => {
    const adult = loadAdult();
    const model = LogisticRegression.train(adult.train.rows.slice(0, 8000), adult.train.target.slice(0, 8000), {
      categoryMap: adult.categoryMap,
    });
    const acc = accuracy(model.predictProba(adult.test.rows), adult.test.target);
    expect(acc).toBeGreaterThan(0.83);
    expect(acc).toBeLessThan(0.87);
  });

  it('rejects rows of the wrong length and unknown category codes', () => {
    const { rows, target } = logisticData(500, 3);
    const model = LogisticRegression.train(rows, target, { categoryMap, featureNames: ['x', 'group'] });
    expect(() => model.predictProba([[0.5]])).toThrow(InvalidInputError);
    expect(() => model.predictProba([[0.5]])).toThrow(/row 0 has 1 values; expected 2 values per row .*received 1/);
    expect(() => model.predictProba([[0.5, 3]])).toThrow(/row 0, feature 1 \(group\) is 3; expected a category code 0\.\.2/);
    expect(() => model.predictProba([[0.5, 1.5]])).toThrow(/is 1\.5; expected a category code/);
    expect(() => LogisticRegression.train([[0, 4]], [1], { categoryMap })).toThrow(/training row 0, feature 1 is 4/);
    expect(() => LogisticRegression.train(rows, target, { l2: 0 })).toThrow(/l2 is 0; expected a positive number/);
    expect(() => LogisticRegression.train(rows, target, { categoryMap: { 5: ['a'] } })).toThrow(/categoryMap has an entry for column 5/);
  });

  it('rejects malformed JSON', () => {
    const { rows, target } = logisticData(500, 4);
    const good = LogisticRegression.train(rows, target, { categoryMap }).toJSON();
    const bad = (json: unknown) => () => LogisticRegression.fromJSON(json, 'lr.json');
    expect(bad({ ...good, formatVersion: 2 })).toThrow(/^lr\.json: "formatVersion" should be 1; found number 2/);
    expect(bad({ ...good, featureCount: 3 })).toThrow(/feature 2 has none/);
    expect(bad({ ...good, numeric: [{ ...good.numeric[0], scale: 0 }] })).toThrow(/"numeric\[0\]\.scale" should be a positive number/);
    expect(bad({ ...good, categorical: [{ ...good.categorical[0], feature: 0 }] })).toThrow(
      /"categorical\[0\]\.feature" should be a feature not already described/,
    );
    expect(bad({ ...good, intercept: 'high' })).toThrow(InvalidInputError);
  });
});
