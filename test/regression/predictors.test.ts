import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, PredictorError } from '../../src/core/errors.js';
import { loadDiabetes } from '../../src/datasets/diabetes.js';
import { loadDemoModel, loadDemoRegressor } from '../../src/models/demo-models.js';
import { GradientBoostedTrees } from '../../src/models/gradient-boosted-trees.js';
import { onnxPredictor } from '../../src/predictors/onnx.js';
import { LabelModel, resolveTask, taskOf, toLabels, toValues } from '../../src/predictors/predictor.js';

const onnxDir = fileURLToPath(new URL('../../models/onnx/', import.meta.url));
const diabetes = loadDiabetes();

describe('the diabetes data set', () => {
  it('loads 442 rows split 354 / 88, every column numeric, y as documented', () => {
    expect(diabetes.featureNames).toEqual(['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6']);
    expect(diabetes.train.rows).toHaveLength(354);
    expect(diabetes.test.rows).toHaveLength(88);
    expect(diabetes.train.rows[0]).toEqual([59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87]);
    const y = [...diabetes.train.target, ...diabetes.test.target];
    expect(y.reduce((a, b) => a + b, 0) / y.length).toBeCloseTo(152.13, 2); // NOTES.md
    expect(Math.min(...y)).toBe(25);
    expect(Math.max(...y)).toBe(346);
  });
});

describe('regression predictors', () => {
  it('toValues reads one number per row, flat or [N, 1], and refuses class probabilities', () => {
    expect(Array.from(toValues([1.5, 2], 2))).toEqual([1.5, 2]);
    expect(Array.from(toValues([[1.5], Float32Array.of(2)], 2))).toEqual([1.5, 2]);
    expect(() => toValues([[0.2, 0.8]], 1)).toThrow(/2 values for input 0.*task 'classification'/);
    expect(() => toValues([NaN], 1)).toThrow(PredictorError);
    expect(() => toValues([1], 2)).toThrow(/1 predictions for 2 inputs/);
  });

  it('toLabels refuses a regressor explained as a classifier: fractional values, or rows of one value', () => {
    expect(() => toLabels([151.2], 1)).toThrow(/task: 'regression'/);
    expect(() => toLabels([[151.2]], 1)).toThrow(/rows of one value.*task: 'regression'/);
  });

  it('resolveTask takes the task given or declared, and refuses a contradiction', () => {
    const regressor = loadDemoRegressor().predictor;
    const classifier = loadDemoModel('adult-gbt').predictor;
    expect(taskOf(regressor)).toBe('regression');
    expect(taskOf(classifier)).toBe('classification');
    expect(taskOf(() => [1])).toBeUndefined();
    expect(resolveTask(regressor, undefined, 'X')).toBe('regression');
    expect(resolveTask(() => [1], undefined, 'X')).toBe('classification');
    expect(resolveTask(() => [1], 'regression', 'X')).toBe('regression');
    expect(() => resolveTask(classifier, 'regression', 'AnchorTabular')).toThrow(InvalidInputError);
    expect(() => resolveTask(classifier, 'regression', 'AnchorTabular')).toThrow(/given task 'regression' but the model is a classifier/);
    expect(() => resolveTask(regressor, 'classification', 'AnchorTabular')).toThrow(/the model is a regressor/);
    expect(() => resolveTask(regressor, 'ranking', 'X')).toThrow(/expected 'classification' or 'regression'/);
  });

  it('LabelModel.values counts the call and validates the answer', async () => {
    const model = new LabelModel<number[]>((rows) => rows.map((r) => r[0] * 2));
    expect(Array.from(await model.values([[1], [2]]))).toEqual([2, 4]);
    expect(model.usage).toEqual({ calls: 1, rows: 2 });
  });
});

describe('the demo regressor', () => {
  it('is gradient-boosted trees with the squared error, R² 0.42 on the held-out rows, and round-trips its JSON', () => {
    const { model, info } = loadDemoRegressor();
    expect(model.objective).toBe('reg:squarederror');
    expect(info.testR2).toBeCloseTo(0.4244, 4);
    const again = GradientBoostedTrees.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(again.predictMargins(diabetes.test.rows))).toEqual(Array.from(model.predictMargins(diabetes.test.rows)));
    const p = model.predictMargins(diabetes.test.rows);
    const mean = diabetes.test.target.reduce((a, b) => a + b, 0) / p.length;
    let ss = 0;
    let st = 0;
    diabetes.test.target.forEach((y, i) => {
      ss += (y - p[i]) ** 2;
      st += (y - mean) ** 2;
    });
    expect(1 - ss / st).toBeCloseTo(info.testR2, 4);
  });

  it('trains deterministically and refuses non-finite targets', () => {
    const options = { objective: 'reg:squarederror' as const, nEstimators: 5, maxLeaves: 4, maxDepth: 2 };
    const a = GradientBoostedTrees.train(diabetes.train.rows, diabetes.train.target, options);
    const b = GradientBoostedTrees.train(diabetes.train.rows, diabetes.train.target, options);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.baseScore).toBeCloseTo(diabetes.train.target.reduce((s, y) => s + y, 0) / 354, 10);
    expect(() => GradientBoostedTrees.train([[1], [2]], [1, NaN], options)).toThrow(/target 1 is NaN; expected a finite number/);
  });
});

describe('ONNX TreeEnsembleRegressor', () => {
  it('is read as a regressor: task regression, one value per row, equal to the TypeScript model', async () => {
    const onnx = await onnxPredictor(`${onnxDir}diabetes-gbt.onnx`);
    try {
      expect(onnx.task).toBe('regression');
      expect(onnx.output).toBe('values');
      expect(onnx.outputName).toBe('variable');
      const values = await onnx(diabetes.test.rows);
      const expected = loadDemoRegressor().model.predictMargins(diabetes.test.rows);
      expect(values).toHaveLength(88);
      for (let i = 0; i < 88; i++) expect(values[i] as number).toBeCloseTo(expected[i], 3);
      expect(() => resolveTask(onnx, 'classification', 'AnchorTabular')).toThrow(/the model is a regressor/);
    } finally {
      await onnx.release();
    }
  });

  it('says a classifier is one', async () => {
    const rf = await onnxPredictor(`${onnxDir}adult-rf.onnx`);
    try {
      expect(rf.task).toBe('classification');
      expect(() => resolveTask(rf, 'regression', 'AnchorTabular')).toThrow(/the model is a classifier/);
    } finally {
      await rf.release();
    }
  });
});
