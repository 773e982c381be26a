import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/run-cli.js';
import { loadDiabetes } from '../../src/datasets/diabetes.js';
import { loadDemoRegressor } from '../../src/models/demo-models.js';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { loadExplainer } from '../../src/persistence/explainer-dir.js';
import { tempDir } from '../persistence/helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const onnx = `${root}models/onnx/diabetes-gbt.onnx`;
const csv = `${root}datasets/diabetes/diabetes.csv`;
const file = ['--model', onnx, '--train', csv, '--target', 'y', '--row', '3'];
// Row 3 of the CSV, the model's prediction for it (as the float32 ONNX model computes it).
const row3 = loadDiabetes().train.rows[3];
const y3 = loadDemoRegressor().model.predictMargins([row3])[0];

describe('glassbox explain --model on a regressor', () => {
  it('reads the task from the ONNX model and prints the value with the interval the anchor keeps it in', async () => {
    const { code, stdout } = await cli('explain', ...file, '--json');
    expect(code).toBe(0);
    const e = JSON.parse(stdout);
    expect(e.data.raw.task).toBe('regression');
    expect(e.data.raw.prediction).toBeCloseTo(y3, 3);
    expect(e.meta.params.interval).toBe('auto');
    const text = await cli('explain', ...file);
    expect(text.stdout).toMatch(new RegExp(`^Prediction: ${y3.toFixed(2)}, kept inside \\[\\d+\\.\\d\\d, \\d+\\.\\d\\d\\]\\nAnchor: {5}\\S`));
  });

  it('takes --interval LOW,HIGH or --width W, and refuses both, bad bounds and a contradicting --task', async () => {
    const bounds = JSON.parse((await cli('explain', ...file, '--interval', '150,200', '--json')).stdout);
    expect(bounds.data.raw.prediction_interval).toEqual([150, 200]);
    const width = JSON.parse((await cli('explain', ...file, '--width', '30', '--json')).stdout);
    expect(width.data.raw.prediction_interval[1] - width.data.raw.prediction_interval[0]).toBeCloseTo(30, 9);
    expect((await cli('explain', ...file, '--width', '30', '--interval', '1,2')).code).toBe(2);
    expect((await cli('explain', ...file, '--interval', '200,150')).stderr).toMatch(/--interval 200,150: expected LOW,HIGH/);
    const outside = await cli('explain', ...file, '--interval', '180,200');
    expect(outside.code).not.toBe(0);
    expect(outside.stderr).toMatch(/does not contain the model's prediction/);
    expect((await cli('explain', ...file, '--task', 'classification')).stderr).toMatch(/the model is a regressor/);
  });
});

describe('glassbox counterfactual --model --desired-range', () => {
  it('finds a change that brings the prediction into the range, printed in the CSV units', async () => {
    const { code, stdout } = await cli('counterfactual', ...file, '--desired-range', '100,120', '--json');
    expect(code).toBe(0);
    const e = JSON.parse(stdout);
    expect(e.data.success).toBe(true);
    expect(e.data.desired_range).toEqual([100, 120]);
    expect(e.data.cf.prediction).toBeGreaterThanOrEqual(100);
    expect(e.data.cf.prediction).toBeLessThanOrEqual(120);
    // The JSON's rows are scaled; unscaled with input_scaling, the model predicts the same value.
    const { lower, upper, features } = e.input_scaling;
    const x = [...row3];
    features.forEach((f: number, i: number) => (x[f] = lower[i] + e.data.cf.X[f] * (upper[i] - lower[i])));
    expect(loadDemoRegressor().model.predictMargins([x])[0]).toBeCloseTo(e.data.cf.prediction, 1);
    const text = await cli('counterfactual', ...file, '--desired-range', '100,120');
    expect(text.stdout).toMatch(/^Prediction: {6}\d+\.\d\d; desired range \[100, 120\]\nCounterfactual: {2}predicted 1[01]\d\.\d\d/);
  });

  it('says why when the range is out of reach, and needs --desired-range', async () => {
    const far = await cli('counterfactual', ...file, '--desired-range', '900,1000');
    expect(far.stdout).toMatch(/none found \(success: false\): no iterate was predicted inside \[900, 1000\]/);
    expect((await cli('counterfactual', ...file)).stderr).toMatch(/--desired-range is required/);
  });
});

describe('glassbox fit diabetes', () => {
  it('saves a regression AnchorTabular that loads and explains like one fitted in code', async () => {
    const dir = await tempDir();
    const { code, stdout } = await cli('fit', 'diabetes', '--out', dir, '--seed', '4');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Saved AnchorTabular \(354 training rows, task regression\) for diabetes-gbt to /);
    const { predictor } = loadDemoRegressor();
    const loaded = await loadExplainer(dir, predictor);
    const x = loadDiabetes().test.rows[7];
    const inCode = await new AnchorTabular(predictor, loadDiabetes().featureNames, { seed: 4 }).fit(loadDiabetes().train.rows);
    expect(JSON.stringify(await loaded.explain(x, { interval: { width: 60 } }))).toBe(JSON.stringify(await inCode.explain(x, { interval: { width: 60 } })));
  });
});
