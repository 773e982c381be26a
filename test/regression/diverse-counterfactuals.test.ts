import { describe, expect, it } from 'vitest';
import { auditAnchors } from '../../src/audit/audit.js';
import { ExplanationTypeError, InvalidInputError, PredictorError } from '../../src/core/errors.js';
import { DiverseCounterfactuals, DIVERSE_METHODS } from '../../src/counterfactuals/diverse/diverse-counterfactuals.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { loadDiabetes } from '../../src/datasets/diabetes.js';
import { loadDemoModel, loadDemoRegressor } from '../../src/models/demo-models.js';
import { loadExplainer, saveExplainer } from '../../src/persistence/explainer-dir.js';
import { formatValue } from '../../src/viz/html.js';
import { renderDiverseCounterfactualsHtml } from '../../src/viz/diverse-counterfactuals-card.js';
import { tempDir } from '../persistence/helpers.js';

const diabetes = loadDiabetes();
const { predictor, model } = loadDemoRegressor();
const predict = (row: number[]) => model.predictMargins([row])[0];
const explainer = await new DiverseCounterfactuals(predictor, diabetes.featureNames, { seed: 3 }).fit(diabetes.train.rows);

/** 40 to 60 units towards the middle of the predictions (the model predicts about 60 to 270 on training rows). */
function reachableRange(y: number): [number, number] {
  return y > 150 ? [y - 60, y - 40] : [y + 40, y + 60];
}

describe('DiverseCounterfactuals with desiredRange on the diabetes regressor', () => {
  for (const method of DIVERSE_METHODS) {
    it(`${method}: at least 95% of the counterfactuals asked for are found, every one re-predicted inside its range`, async () => {
      const rows = diabetes.test.rows.slice(0, 10);
      let asked = 0;
      let valid = 0;
      for (const row of rows) {
        const y = predict(row);
        const range = reachableRange(y);
        const e = await explainer.explain(row, { desiredRange: range, method, count: 3 });
        expect(e.data.orig_class).toBeNull();
        expect(e.data.desired_class).toBeNull();
        expect(e.data.orig_prediction).toBeCloseTo(y, 9);
        expect(e.data.desired_range).toEqual(range);
        expect(e.meta.params.desired_range).toEqual(range);
        expect(e.meta.params).not.toHaveProperty('target_class');
        asked += 3;
        for (const cf of e.data.cfs) {
          const value = predict(cf.X);
          expect(cf.class).toBeNull();
          expect(cf.proba).toBeNull();
          expect(cf.prediction).toBeCloseTo(value, 9);
          expect(cf.changes.length).toBeGreaterThan(0);
          if (value >= range[0] && value <= range[1]) valid += 1;
        }
        expect(e.data.success).toBe(e.data.cfs.length === 3);
      }
      expect(valid / asked).toBeGreaterThanOrEqual(0.95);
    });
  }

  it('is deterministic by seed: the same seed gives byte-identical JSON', async () => {
    const row = diabetes.test.rows[5];
    const range = reachableRange(predict(row));
    const a = await explainer.explain(row, { desiredRange: range });
    const again = await new DiverseCounterfactuals(predictor, diabetes.featureNames, { seed: 3 }).fit(diabetes.train.rows);
    expect(JSON.stringify(await again.explain(row, { desiredRange: range }))).toBe(JSON.stringify(a));
  });

  it('saves and loads with its predicted values, explaining byte for byte alike; a classifier cannot load it', async () => {
    const row = diabetes.test.rows[6];
    const range = reachableRange(predict(row));
    const dir = await tempDir();
    await saveExplainer(explainer, dir);
    const loaded = await loadExplainer(dir, predictor);
    expect(loaded.type).toBe('DiverseCounterfactuals');
    expect(JSON.stringify(await loaded.explain(row, { desiredRange: range, method: 'kdtree' }))).toBe(
      JSON.stringify(await explainer.explain(row, { desiredRange: range, method: 'kdtree' })),
    );
    await expect(loadExplainer(dir, loadDemoModel('adult-gbt').predictor)).rejects.toThrow(/given task 'regression' but the model is a classifier/);
    const state = explainer.toState();
    expect(() => DiverseCounterfactuals.fromState(predictor, { ...state, predictions: state.predictions!.subarray(1) })).toThrow(/state predictions has \d+ entries; expected \d+, a finite predicted value per training row/);
  });

  it('draws a card with the predicted values and the range', async () => {
    const row = diabetes.test.rows[5];
    const e = await explainer.explain(row, { desiredRange: [120, 150], count: 2 });
    const html = renderDiverseCounterfactualsHtml(e);
    expect(html).toContain('[120, 150]');
    expect(html).toContain(`#1: ${formatValue(e.data.cfs[0].prediction!)}`);
    expect(html).not.toContain('NaN');
    // The audit re-checks classes: it refuses a regression model's counterfactuals.
    expect(e.data.task).toBe('regression');
    await expect(auditAnchors([e], diabetes.test.rows, predictor)).rejects.toThrow(ExplanationTypeError);
  });

  it('says why when the range is out of reach: success false with the reason', async () => {
    const e = await explainer.explain(diabetes.test.rows[0], { desiredRange: [1000, 1100], maxGenerations: 5 });
    expect(e.data.success).toBe(false);
    expect(e.data.cfs).toEqual([]);
    expect(e.data.validity).toBe(0);
    expect(e.data.reason).toMatch(/^found 0 of the 4 counterfactuals asked for within the budget/);
  });

  it('refuses what does not fit a regressor, with typed errors', async () => {
    const row = diabetes.test.rows[0];
    const y = predict(row);
    await expect(explainer.explain(row)).rejects.toThrow(/the model is a regressor .* give desiredRange: \[low, high\]/);
    await expect(explainer.explain(row, { desiredRange: [200, 220], targetClass: 1 })).rejects.toThrow(/option targetClass is for classifiers/);
    await expect(explainer.explain(row, { desiredRange: [220, 200] })).rejects.toThrow(/option desiredRange is \[220,200\]; expected \[low, high\], finite numbers with low <= high/);
    await expect(explainer.explain(row, { desiredRange: [200, Infinity] })).rejects.toThrow(InvalidInputError);
    await expect(explainer.explain(row, { desiredRange: [NaN, 3] })).rejects.toThrow(InvalidInputError);
    await expect(explainer.explain(row, { desiredRange: [y - 1, y + 1] })).rejects.toThrow(/already lies in it/);
  });

  it('refuses desiredRange for a classifier, and a classifier explained as regression', async () => {
    const adult = loadAdult();
    const { model: gbt, predictor: declared } = loadDemoModel('adult-gbt');
    const probabilities = (rows: number[][]) => gbt.predictProba(rows);
    const train = adult.train.rows.slice(0, 200);
    const classifier = await new DiverseCounterfactuals(probabilities, adult.featureNames, { categoryMap: adult.categoryMap }).fit(train);
    await expect(classifier.explain(adult.test.rows[0], { desiredRange: [0, 1] })).rejects.toThrow(/option desiredRange is for regression models, and this model is a classifier/);
    expect(() => new DiverseCounterfactuals(declared, adult.featureNames, { categoryMap: adult.categoryMap, task: 'regression' })).toThrow(/was given task 'regression' but the model is a classifier/);
    // An undeclared classifier explained as regression: its probability rows are refused by shape.
    await expect(new DiverseCounterfactuals(probabilities, adult.featureNames, { categoryMap: adult.categoryMap, task: 'regression' }).fit(train)).rejects.toThrow(PredictorError);
    expect(() => new DiverseCounterfactuals(predictor, diabetes.featureNames, { task: 'classification' })).toThrow(/was given task 'classification' but the model is a regressor/);
  });
});
