import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { createRng } from '../../src/core/rng.js';
import { loadAdult } from '../../src/datasets/adult.js';
import {
  GradientBoostedTrees,
  type GradientBoostedTreesJSON,
} from '../../src/models/gradient-boosted-trees.js';
import { accuracy } from '../../src/models/metrics.js';

/** A synthetic rule: class 1 exactly when x0 > 5 and the category x1 is 2; x2 is noise. */
function ruleData(n: number, seed: number): { rows: number[][]; target: number[] } {
  const rng = createRng(seed);
  const rows: number[][] = [];
  const target: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = [Math.round(rng.next() * 1000) / 100, rng.int(4), rng.next()];
    rows.push(row);
    target.push(row[0] > 5 && row[1] === 2 ? 1 : 0);
  }
  return { rows, target };
}

/** The log-odds by the plainest possible walk over the JSON trees: the reference for the fast path. */
function referenceMargins(json: GradientBoostedTreesJSON, rows: number[][]): number[] {
  return rows.map((row) => {
    let z = json.baseScore;
    for (const t of json.trees) {
      let node = 0;
      while (t.feature[node] >= 0) node = row[t.feature[node]] <= t.threshold[node] ? t.left[node] : t.right[node];
      z += Math.fround(t.value[node]); // leaf values are float32
    }
    return z;
  });
}

const adult = loadAdult();
const subset = { rows: adult.train.rows.slice(0, 3000), target: adult.train.target.slice(0, 3000) };

describe('GradientBoostedTrees', () => {
  it('learns a known rule on synthetic data', () => {
    const train = ruleData(4000, 1);
    const test = ruleData(2000, 2);
    const model = GradientBoostedTrees.train(train.rows, train.target, { nEstimators: 30, learningRate: 0.3 });
    expect(accuracy(model.predictProba(test.rows), test.target)).toBeGreaterThan(0.99);
    const [inside, wrongCategory, tooSmall] = model.predictProba([
      [8, 2, 0.5],
      [8, 1, 0.5],
      [2, 2, 0.5],
    ]);
    expect(inside[1]).toBeGreaterThan(0.95);
    expect(wrongCategory[1]).toBeLessThan(0.05);
    expect(tooSmall[1]).toBeLessThan(0.05);
    expect(inside[0] + inside[1]).toBeCloseTo(1, 12);
    // The first tree splits on the rule's features; with a minimum gain, the noise never gets a split.
    expect([0, 1]).toContain(model.toJSON().trees[0].feature[0]);
    const strict = GradientBoostedTrees.train(train.rows, train.target, { nEstimators: 30, learningRate: 0.3, minSplitGain: 1 });
    const used = new Set(strict.toJSON().trees.flatMap((t) => t.feature.filter((f) => f >= 0)));
    expect([...used].sort()).toEqual([0, 1]);
    expect(accuracy(strict.predictProba(test.rows), test.target)).toBeGreaterThan(0.99);
  });

  it('is deterministic: the same data and options give the same JSON', () => {
    const options = { nEstimators: 15, subsample: 0.7, seed: 7 };
    const a = JSON.stringify(GradientBoostedTrees.train(subset.rows, subset.target, options));
    const b = JSON.stringify(GradientBoostedTrees.train(subset.rows, subset.target, options));
    expect(a).toBe(b);
    const otherSeed = JSON.stringify(GradientBoostedTrees.train(subset.rows, subset.target, { ...options, seed: 8 }));
    expect(otherSeed).not.toBe(a);
  });

  it('predicts exactly what a plain walk over its JSON trees predicts', () => {
    const model = GradientBoostedTrees.train(subset.rows, subset.target, { nEstimators: 20, maxLeaves: 63, maxDepth: 9 });
    const json = model.toJSON();
    // Held-out rows, plus values between, on and beyond the thresholds.
    const rng = createRng(3);
    const rows = adult.test.rows.slice(0, 1001).map((row) =>
      row.map((v, j) => (j === 0 || j >= 8 ? v + [0, 0.5, -0.5, 1e6, -1e6][rng.int(5)] : v)),
    );
    const expected = referenceMargins(json, rows);
    const margins = model.predictMargins(rows);
    expect(margins.length).toBe(rows.length);
    for (let i = 0; i < rows.length; i++) {
      if (Math.abs(margins[i] - expected[i]) > 1e-12) expect([i, margins[i]]).toEqual([i, expected[i]]);
    }
  });

  it('reads its JSON back to an identical model', () => {
    const model = GradientBoostedTrees.train(subset.rows, subset.target, { nEstimators: 10, featureNames: adult.featureNames });
    const text = JSON.stringify(model);
    const copy = GradientBoostedTrees.fromJSON(JSON.parse(text));
    expect(JSON.stringify(copy)).toBe(text);
    expect(copy.featureNames).toEqual(adult.featureNames);
    expect(copy.treeCount).toBe(10);
    const rows = adult.test.rows.slice(0, 200);
    expect(copy.predictMargins(rows)).toEqual(model.predictMargins(rows));
    expect(copy.predictor(rows)).toEqual(model.predictProba(rows));
  });

  it('rejects rows of the wrong length or with non-finite values', () => {
    const model = GradientBoostedTrees.train(subset.rows, subset.target, { nEstimators: 2 });
    const short = adult.test.rows[0].slice(0, 11);
    expect(() => model.predictProba([adult.test.rows[0], short])).toThrow(InvalidInputError);
    expect(() => model.predictor([adult.test.rows[0], short])).toThrow(
      /row 1 has 11 values; expected 12 values per row .*received 11/,
    );
    expect(() => model.predictProba([[...adult.test.rows[0].slice(0, 11), Number.NaN]])).toThrow(
      /row 0, feature 11 is NaN; expected a finite number/,
    );
    expect(model.predictProba([])).toEqual([]);
  });

  it('rejects bad training data and options', () => {
    expect(() => GradientBoostedTrees.train([], [])).toThrow(/at least one row/);
    expect(() => GradientBoostedTrees.train([[1], [2]], [0, 2])).toThrow(/target 1 is 2; expected a binary label/);
    expect(() => GradientBoostedTrees.train([[1, 2], [3]], [0, 1])).toThrow(/row 1 has 1 values; expected 2/);
    expect(() => GradientBoostedTrees.train([[1], [2]], [0])).toThrow(/one target label per training row/);
    expect(() => GradientBoostedTrees.train([[1], [2]], [0, 1], { maxBins: 1000 })).toThrow(/maxBins is 1000/);
    expect(() => GradientBoostedTrees.train([[1], [2]], [0, 1], { nEstimators: 0 })).toThrow(InvalidInputError);
  });

  describe('fromJSON', () => {
    const good = GradientBoostedTrees.train(subset.rows, subset.target, { nEstimators: 3 }).toJSON();
    const withTree = (patch: Partial<GradientBoostedTreesJSON['trees'][number]>) => ({
      ...good,
      trees: [{ ...good.trees[0], ...patch }, ...good.trees.slice(1)],
    });
    const firstSplit = good.trees[0].feature.findIndex((f) => f >= 0);
    const cases: Array<[string, unknown, RegExp]> = [
      ['not an object', 'trees', /should be an object/],
      ['another format', { ...good, format: 'xgboost' }, /"format" should be "glassbox\/gradient-boosted-trees"/],
      ['a newer format version', { ...good, formatVersion: 2 }, /"formatVersion" should be 1; found number 2/],
      ['no feature count', { ...good, featureCount: undefined }, /"featureCount" should be an integer from 1/],
      ['no trees', { ...good, trees: [] }, /"trees" should be a non-empty array/],
      [
        'a feature out of range',
        withTree({ feature: good.trees[0].feature.map((f, i) => (i === firstSplit ? 12 : f)) }),
        /"trees\[0\]\.feature\[0\]" should be an integer from -1 to 11; found number 12/,
      ],
      [
        'a child pointing back (a cycle)',
        withTree({ left: good.trees[0].left.map((c, i) => (i === firstSplit ? 0 : c)) }),
        /"trees\[0\]\.left\[0\]" should be an integer from 1/,
      ],
      [
        'a node with two parents',
        withTree({ right: good.trees[0].right.map((c, i) => (i === firstSplit ? good.trees[0].left[i] : c)) }),
        /"trees\[0\]\.right\[0\]" should be a node no other node points to/,
      ],
      ['arrays of unequal length', withTree({ value: good.trees[0].value.slice(1) }), /"trees\[0\]\.value" should be an array of \d+ finite numbers/],
      ['a string threshold', withTree({ threshold: ['3', ...good.trees[0].threshold.slice(1)] as unknown as number[] }), /"trees\[0\]\.threshold\[0\]" should be a finite number/],
    ];
    for (const [what, json, message] of cases) {
      it(`rejects ${what}`, () => {
        expect(() => GradientBoostedTrees.fromJSON(json, 'bad.json')).toThrow(InvalidInputError);
        expect(() => GradientBoostedTrees.fromJSON(json, 'bad.json')).toThrow(message);
      });
    }
    it('names the source in the message', () => {
      expect(() => GradientBoostedTrees.fromJSON({ ...good, formatVersion: 9 }, 'models/x.json')).toThrow(/^models\/x\.json: /);
    });
  });
});
