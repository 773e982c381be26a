import { describe, expect, it } from 'vitest';
import { InvalidInputError, PredictorError } from '../../src/core/errors.js';
import { Counterfactual } from '../../src/counterfactuals/counterfactual.js';
import { loadDiabetes } from '../../src/datasets/diabetes.js';
import { loadDemoModel, loadDemoRegressor } from '../../src/models/demo-models.js';
import { loadExplainer, saveExplainer } from '../../src/persistence/explainer-dir.js';
import { renderCounterfactualHtml } from '../../src/viz/counterfactual-card.js';
import { tempDir } from '../persistence/helpers.js';

const diabetes = loadDiabetes();
const { predictor, model } = loadDemoRegressor();
// The counterfactual search runs on rows min-max scaled to [0, 1] (one learning rate and one L1 unit for
// every feature); the model sees the rows unscaled.
const columns = diabetes.featureNames.map((_, f) => diabetes.train.rows.map((r) => r[f]));
const min = columns.map((c) => Math.min(...c));
const max = columns.map((c) => Math.max(...c));
// Counterfactuals search in float32: the rows are scaled to float32 values, and predicted from those.
const scale = (row: number[]) => Array.from(Float32Array.from(row, (v, f) => (v - min[f]) / (max[f] - min[f])));
const unscale = (row: number[]) => row.map((v, f) => min[f] + v * (max[f] - min[f]));
const scaledPredictor = Object.assign((rows: number[][]) => predictor(rows.map(unscale)), { task: 'regression' as const });
const predict = (row: number[]) => model.predictMargins([row])[0];
const predictScaled = (row: number[]) => predict(unscale(row));

/** Boosted trees are flat almost everywhere: finite differences need steps of 10% of a feature's range. */
const options = { shape: [10], featureRange: [0, 1] as [number, number], eps: 0.1, maxIter: 300, maxLamSteps: 5 };

describe('Counterfactual (Wachter) with desiredRange on the diabetes regressor', () => {
  it('reaches reachable ranges for at least 95% of held-out rows, every counterfactual predicted inside its range', async () => {
    let found = 0;
    const rows = diabetes.test.rows.slice(0, 30);
    for (const row of rows) {
      const x = scale(row);
      const y = predictScaled(x);
      // 40 to 60 units towards the middle of the predictions (the model predicts 60 to 270 on training rows).
      const range: [number, number] = y > 150 ? [y - 60, y - 40] : [y + 40, y + 60];
      const e = await new Counterfactual(scaledPredictor, { ...options, desiredRange: range }).explain(x);
      expect(e.data.task).toBe('regression');
      expect(e.data.orig_class).toBeNull();
      expect(e.data.orig_prediction).toBeCloseTo(y, 3);
      expect(e.data.desired_range).toEqual(range);
      if (!e.data.success) continue;
      found += 1;
      const cf = e.data.cf!;
      const value = predictScaled(cf.X as number[]);
      expect(value).toBeGreaterThanOrEqual(range[0]);
      expect(value).toBeLessThanOrEqual(range[1]);
      expect(cf.prediction).toBeCloseTo(value, 3);
      expect(cf.class).toBeNull();
    }
    expect(found / rows.length).toBeGreaterThanOrEqual(0.95);
  });

  it('says why when the range is out of reach: success false, the reason and the closest prediction', async () => {
    const e = await new Counterfactual(scaledPredictor, { ...options, maxLamSteps: 2, maxIter: 100, desiredRange: [1000, 1100] }).explain(
      scale(diabetes.test.rows[0]),
    );
    expect(e.data.success).toBe(false);
    expect(e.data.cf).toBeNull();
    expect(e.data.reason).toMatch(/no iterate was predicted inside \[1000, 1100\] in 2 values of λ × at most 100 steps; the closest prediction was/);
    expect(e.data.closest!.prediction).toBeLessThan(400);
    expect(e.data.closest!.distance_to_range).toBeCloseTo(1000 - e.data.closest!.prediction, 6);
  });

  it('a prediction already inside the range is its own counterfactual', async () => {
    const x = scale(diabetes.test.rows[3]);
    const y = predictScaled(x);
    const e = await new Counterfactual(scaledPredictor, { ...options, maxLamSteps: 1, desiredRange: [y - 1, y + 1] }).explain(x);
    expect(e.data.cf).toMatchObject({ distance: 0, index: 0 });
  });

  it('is deterministic and saves and loads with its range; the card shows the values', async () => {
    const x = scale(diabetes.test.rows[4]);
    const cf = new Counterfactual(scaledPredictor, { ...options, maxLamSteps: 2, desiredRange: [200, 230] });
    const a = await cf.explain(x);
    expect(JSON.stringify(await cf.explain(x))).toBe(JSON.stringify(a));
    expect(a.meta.params.desired_range).toEqual([200, 230]);
    expect(a.meta.params).not.toHaveProperty('target_class');
    const dir = await tempDir();
    await saveExplainer(cf, dir);
    const loaded = await loadExplainer(dir, scaledPredictor);
    expect(JSON.stringify(await loaded.explain(x))).toBe(JSON.stringify(a));
    const html = renderCounterfactualHtml(a, { instance: x, featureNames: diabetes.featureNames });
    expect(html).toContain('Desired range');
    expect(html).toContain(`into [200.00, 230.00]`);
  });

  it('refuses a classifier given a range, a regressor given none, targets beside a range, and bad ranges', async () => {
    const adult = loadDemoModel('adult-gbt');
    expect(() => new Counterfactual(adult.predictor, { shape: [12], desiredRange: [0, 1] })).toThrow(/given task 'regression' but the model is a classifier/);
    expect(() => new Counterfactual(predictor, { shape: [10] })).toThrow(/the model is a regressor.*give desiredRange/);
    expect(() => new Counterfactual(predictor, { shape: [10], desiredRange: [1, 2], targetClass: 1 })).toThrow(/option targetClass is for classifiers/);
    expect(() => new Counterfactual(predictor, { shape: [10], desiredRange: [2, 1] })).toThrow(InvalidInputError);
    expect(() => new Counterfactual(predictor, { shape: [10], desiredRange: [NaN, 1] as never })).toThrow(/expected \[low, high\]/);
    // An undeclared classifier given a range: its probability rows are refused by shape.
    const probabilities = (rows: number[][]) => rows.map(() => [0.4, 0.6]);
    await expect(new Counterfactual(probabilities, { shape: [2], desiredRange: [0, 1] }).explain([0, 0])).rejects.toThrow(PredictorError);
  });
});
