import { describe, expect, it } from 'vitest';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { InvalidInputError, NotFittedError, PredictorError } from '../../src/core/errors.js';
import { createRng } from '../../src/core/rng.js';

const featureNames = ['x0', 'color', 'flag', 'x3'];
const categoryMap = { 1: ['red', 'green', 'blue'], 2: ['no', 'yes'] };

/** x0 uniform on the integers 0..10 (so its median is exactly 5), two categoricals and a noise column. */
function syntheticRows(n: number, seed = 7): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => [rng.int(11), rng.int(3), rng.int(2), rng.next() * 100]);
}

/** Predicts 1 iff x0 > 5 and flag = yes. */
const rule = (rows: number[][]) => rows.map((x) => (x[0] > 5 && x[2] === 1 ? 1 : 0));

async function explainer(predict: (rows: number[][]) => unknown = rule, seed: number | string = 1) {
  return await new AnchorTabular(predict as (rows: number[][]) => number[], featureNames, { categoryMap, seed }).fit(
    syntheticRows(3000),
  );
}

describe('AnchorTabular on models with a known answer', () => {
  it('finds exactly the two conditions of a conjunctive rule, with precision 1', async () => {
    const e = await (await explainer()).explain([8, 0, 1, 50]);
    expect(e.data.raw.prediction).toBe(1);
    expect([...e.data.anchor].sort()).toEqual(['flag = yes', 'x0 > 5.00']);
    expect(e.data.precision).toBe(1);
    expect(e.data.raw.success).toBe(true);
    // coverage: P(x0 > 5) * P(flag = yes) = 5/11 * 1/2 ≈ 0.227 on 10,000 training samples
    expect(e.data.coverage).toBeGreaterThan(0.2);
    expect(e.data.coverage).toBeLessThan(0.26);
    expect(e.data.raw.predicates).toContainEqual({ feature: 2, name: 'flag', op: 'eq', value: 1, category: 'yes', text: 'flag = yes' });
    expect(e.data.raw.predicates).toContainEqual({ feature: 0, name: 'x0', op: 'range', lower: 5, text: 'x0 > 5.00' });
  });

  it('explains the negative side of the rule with one sufficient condition', async () => {
    const e = await (await explainer()).explain([8, 2, 0, 10]);
    expect(e.data.raw.prediction).toBe(0);
    expect(e.data.anchor).toEqual(['flag = no']);
    expect(e.data.precision).toBe(1);
    expect(e.data.coverage).toBeGreaterThan(0.45);
    expect(e.data.coverage).toBeLessThan(0.55);
  });

  it('gives a constant model the empty anchor with coverage 1', async () => {
    const e = await (await explainer((rows) => rows.map(() => 3))).explain([1, 1, 1, 1]);
    expect(e.data.anchor).toEqual([]);
    expect(e.data.precision).toBe(1);
    expect(e.data.coverage).toBe(1);
    expect(e.data.raw.success).toBe(true);
    expect(e.data.raw.prediction).toBe(3);
  });

  it('reduces probabilities to labels by argmax', async () => {
    const proba = (rows: number[][]) => rule(rows).map((y) => (y === 1 ? [0.1, 0.9] : [0.8, 0.2]));
    const e = await (await explainer(proba)).explain([8, 0, 1, 50]);
    expect(e.data.raw.prediction).toBe(1);
    expect([...e.data.anchor].sort()).toEqual(['flag = yes', 'x0 > 5.00']);
  });

  it('accepts an async predictor and rows given with category names or as objects', async () => {
    const asyncRule = async (rows: number[][]) => rule(rows);
    const a = await (await explainer(asyncRule)).explain([8, 'red', 'yes', 50]);
    const b = await (await explainer(asyncRule)).explain({ x0: 8, color: 'red', flag: 'yes', x3: 50 });
    const c = await (await explainer(asyncRule)).explain([8, 0, 1, 50]);
    expect(JSON.stringify(a)).toBe(JSON.stringify(c));
    expect(JSON.stringify(b)).toBe(JSON.stringify(c));
  });

  it('reports per-step precision, coverage and covered examples that satisfy the anchor', async () => {
    const e = await (await explainer()).explain([8, 0, 1, 50], { nCoveredEx: 5 });
    const { raw } = e.data;
    expect(raw.feature.length).toBe(2);
    expect(raw.precision.length).toBe(2);
    expect(raw.precision[1]).toBe(e.data.precision);
    expect(raw.coverage[1]).toBe(e.data.coverage);
    expect(raw.coverage[0]).toBeGreaterThanOrEqual(raw.coverage[1]);
    expect(raw.names[1]).toEqual(e.data.anchor);
    expect(raw.examples).toHaveLength(2);
    for (const row of raw.examples[1].covered_true) {
      expect(row[0]).toBeGreaterThan(5);
      expect(row[2]).toBe(1);
    }
    expect(raw.examples[1].covered_true).toHaveLength(5);
    expect(raw.examples[1].covered_false).toHaveLength(0);
    // the first step alone is not sufficient, so it has examples where the model disagreed
    expect(raw.examples[0].covered_false.length).toBeGreaterThan(0);
    expect(raw.model_rows).toBe(raw.num_preds + 1);
    expect(raw.model_calls).toBeGreaterThan(1);
    expect(raw.instance).toEqual([8, 0, 1, 50]);
    // Alibi Explain's keys: mean precision per step, the batch of one, no uncovered samples.
    expect(raw.mean).toEqual(raw.precision);
    expect(raw.instances).toEqual([[8, 0, 1, 50]]);
    for (const step of raw.examples) expect([step.uncovered_true, step.uncovered_false]).toEqual([[], []]);
    expect(Object.keys(raw).filter((k) => /[A-Z]/.test(k))).toEqual([]);
    expect(Object.keys(e.meta.params).filter((k) => /[A-Z]/.test(k))).toEqual([]);
  });

  it('returns the best anchor it found, flagged unsuccessful, when none reaches the threshold', async () => {
    // A coin flip no condition can explain.
    const rng = createRng(5);
    const noisy = (rows: number[][]) => rows.map(() => (rng.next() < 0.5 ? 1 : 0));
    const e = await (await explainer(noisy)).explain([8, 0, 1, 50], { maxAnchorSize: 2 });
    expect(e.data.raw.success).toBe(false);
    expect(e.data.raw.warning).toMatch(/Could not find an anchor with precision >= 0.95/);
    expect(e.data.precision).toBeLessThan(0.95);
  });

  it('reports the search progress', async () => {
    const seen: Array<{ stage: string; anchorSize: number }> = [];
    await (await explainer()).explain([8, 0, 1, 50], { onProgress: (p) => seen.push(p) });
    expect(seen[0]).toMatchObject({ stage: 'start', anchorSize: 0 });
    expect(seen.map((p) => p.anchorSize)).toEqual([0, 1, 2]);
  });
});

describe('AnchorTabular model calls', () => {
  it("asks for the explained row's prediction in the first call, before the empty anchor's samples", async () => {
    const calls: number[][][] = [];
    const e = await (await explainer((rows) => (calls.push(rows), rule(rows)))).explain([8, 0, 1, 50]);
    expect(calls[0]).toHaveLength(101); // the row and minSamplesStart = 100 samples
    expect(calls[0][0]).toEqual([8, 0, 1, 50]);
    expect(e.data.raw.prediction).toBe(1);
    expect(e.data.raw.model_calls).toBe(calls.length);
    expect(e.data.raw.model_rows).toBe(calls.reduce((n, c) => n + c.length, 0));
    expect(e.data.raw.model_rows).toBe(e.data.raw.num_preds + 1);
  });
});

describe('AnchorTabular explanations', () => {
  it('have the meta/data shape Seldon and KServe clients read, and are plain JSON', async () => {
    const e = await (await explainer()).explain([8, 0, 1, 50], { threshold: 0.9 });
    expect(e.meta).toMatchObject({ name: 'AnchorTabular', type: ['blackbox'], explanations: ['local'] });
    expect(e.meta.params).toMatchObject({ threshold: 0.9, delta: 0.1, tau: 0.15, batch_size: 100, coverage_samples: 10000, seed: 1, disc_perc: [25, 50, 75] });
    expect(typeof e.meta.version).toBe('string');
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  });

  it('are byte-identical for the same seed, and depend on the seed', async () => {
    const row = [6, 1, 1, 20];
    const a = JSON.stringify(await (await explainer(rule, 42)).explain(row));
    const b = JSON.stringify(await (await explainer(rule, 42)).explain(row));
    const c = JSON.stringify(await (await explainer(rule, 43)).explain(row));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
});

describe('AnchorTabular errors', () => {
  const fresh = () => new AnchorTabular(rule, featureNames, { categoryMap });

  it('refuses to explain before fit', async () => {
    await expect(fresh().explain([8, 0, 1, 50])).rejects.toThrow(NotFittedError);
    await expect(fresh().explain([8, 0, 1, 50])).rejects.toThrow(/call fit\(trainRows\) before explain/);
  });

  it('names a row of the wrong length', async () => {
    await expect((await explainer()).explain([8, 0, 1])).rejects.toThrow(InvalidInputError);
    await expect((await explainer()).explain([8, 0, 1])).rejects.toThrow('the explained row has 3 values; expected 4, one per feature (x0, color, flag, x3)');
    await expect(fresh().fit([[1, 0, 1, 2], [1, 0, 1]])).rejects.toThrow('training row 1 has 3 values; expected 4');
  });

  it('names non-finite values', async () => {
    await expect((await explainer()).explain([NaN, 0, 1, 50])).rejects.toThrow(
      'the explained row, feature "x0" (column 0) is NaN; expected a finite number',
    );
    await expect(fresh().fit([[1, 0, 1, Infinity]])).rejects.toThrow('training row 0, feature "x3" (column 3) is Infinity; expected a finite number');
  });

  it('names a category code outside the category map, and an unknown category name', async () => {
    await expect((await explainer()).explain([8, 3, 1, 50])).rejects.toThrow(
      'the explained row, feature "color" (column 1) has category code 3; expected an integer code 0..2 (red, green, blue) or a category name',
    );
    await expect((await explainer()).explain([8, 'purple', 1, 50])).rejects.toThrow(
      'unknown category "purple"; expected one of: red, green, blue',
    );
    await expect((await explainer()).explain({ x0: 8, color: 0, flag: 1 })).rejects.toThrow('has no value for feature "x3"');
    await expect((await explainer()).explain({ x0: 8, color: 0, flag: 1, x3: 1, extra: 2 })).rejects.toThrow(
      'has a field "extra" that is not a feature',
    );
  });

  it('checks feature names and the category map against each other', () => {
    expect(() => new AnchorTabular(rule, ['a', 'a'])).toThrow('featureNames has "a" twice');
    expect(() => new AnchorTabular(rule, ['a', 'b'], { categoryMap: { 5: ['x'] } })).toThrow(
      'categoryMap key "5" is neither a column index 0..1 nor a feature name',
    );
    expect(() => new AnchorTabular(rule, ['a', 'b'], { categoryMap: { b: ['x', 'y'] } })).not.toThrow();
    expect(() => new AnchorTabular('nope' as never, ['a'])).toThrow(PredictorError);
  });

  it('checks options by name', async () => {
    await expect((await explainer()).explain([8, 0, 1, 50], { threshold: 1.5 })).rejects.toThrow('option threshold is 1.5; expected a number in (0, 1]');
    await expect((await explainer()).explain([8, 0, 1, 50], { batchSize: 0 })).rejects.toThrow('option batchSize is 0; expected an integer in 1..10000');
    await expect((await explainer()).explain([8, 0, 1, 50], { coverageSamples: 2.5 })).rejects.toThrow('option coverageSamples is 2.5');
    await expect((await explainer()).explain([8, 0, 1, 50], { treshold: 0.9 } as never)).rejects.toThrow(
      'unknown option "treshold"; known options are: threshold, delta, tau, batchSize, beamSize, stopOnFirst, maxAnchorSize, minSamplesStart, nCoveredEx, onProgress, coverageSamples',
    );
    await expect(fresh().fit(syntheticRows(10), { discPerc: [50, 120] })).rejects.toThrow('discPerc contains 120');
    await expect(fresh().fit(syntheticRows(10), { discperc: [50] } as never)).rejects.toThrow('unknown option "discperc"; known options are: discPerc');
    expect(() => new AnchorTabular(rule, featureNames, { categorymap: {} } as never)).toThrow('unknown option "categorymap"');
    await expect(fresh().fit([])).rejects.toThrow('fit needs a non-empty array of training rows');
  });

  it('fit returns a promise of the explainer, whose learning is in place at once: an un-awaited fit explains identically', async () => {
    const awaited = fresh();
    expect(await awaited.fit(syntheticRows(3000))).toBe(awaited);
    const unawaited = fresh();
    void unawaited.fit(syntheticRows(3000));
    expect(unawaited.toState()).toEqual(awaited.toState());
    expect(JSON.stringify(await unawaited.explain([8, 0, 1, 50]))).toBe(JSON.stringify(await awaited.explain([8, 0, 1, 50])));
  });

  it('wraps a predictor that throws, naming the call', async () => {
    const broken = () => {
      throw new Error('model file is corrupt');
    };
    const e = (await explainer(broken)).explain([8, 0, 1, 50]);
    await expect(e).rejects.toThrow(PredictorError);
    await expect((await explainer(broken)).explain([8, 0, 1, 50])).rejects.toThrow(
      'predictor threw on call 1 (a batch of 101 inputs): model file is corrupt',
    );
  });

  it('rejects predictions of the wrong length, shape or type', async () => {
    const cases: Array<[(rows: number[][]) => unknown, string]> = [
      // The first call asks about the explained row and the empty anchor's 100 samples.
      [(rows) => rows.slice(1).map(() => 0), 'predictor returned 100 predictions for 101 inputs; expected exactly one per input'],
      [() => 'yes', 'predictor returned the string "yes"; expected an array of 101 labels or 101 probability rows'],
      [(rows) => rows.map(() => 0.4), 'predictor returned 0.4 as the label of input 0; expected an integer class label'],
      [(rows) => rows.map(() => [0.5, NaN]), 'predictor returned NaN as probability 1 of input 0; expected a finite number'],
      [(rows) => rows.map(() => []), 'predictor returned an empty probability row for input 0'],
      [(rows) => rows.map(() => null), 'predictor returned null for input 0; expected an integer label or an array of class probabilities'],
    ];
    for (const [predict, message] of cases) {
      await expect((await explainer(predict)).explain([8, 0, 1, 50])).rejects.toThrow(message);
    }
    // ragged probability rows in a batch of samples (the first: the explained row and the empty anchor's samples)
    const ragged = (rows: number[][]) => rows.map((_, i) => (i === 3 ? [1, 0, 0] : [0.2, 0.8]));
    await expect((await explainer(ragged)).explain([8, 0, 1, 50])).rejects.toThrow(
      'predictor returned 3 probabilities for input 3 but 2 for input 0',
    );
  });
});
