import type { LayersModel } from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, PredictorError } from '../../src/core/errors.js';
import { snakeCaseKeys } from '../../src/core/explanation.js';
import { Counterfactual, COUNTERFACTUAL_DEFAULTS } from '../../src/counterfactuals/counterfactual.js';
import { loadMnist } from '../../src/datasets/mnist.js';
import { tfjsModel, type TfjsPredictor } from '../../src/predictors/tfjs.js';
import { loadBundledModel } from '../../src/tf/models.js';
import { loadTf, type Tf } from '../../src/tf/tf.js';
import { adultNumericTask } from './adult-numeric.js';

let tf: Tf;
let cnn: LayersModel;
let predictor: TfjsPredictor;
const mnist = loadMnist();
const flat = (x: unknown) => (x as number[][][]).flat(2);

beforeAll(async () => {
  tf = await loadTf();
  cnn = await loadBundledModel('mnist-cnn');
  predictor = tfjsModel(cnn);
});
afterAll(() => cnn.dispose());

describe('Counterfactual on MNIST (autodiff through the bundled CNN)', () => {
  // The issue asks for 20 digits; the benchmark runs all 20 (benchmarks/counterfactual.ts), the test 10
  // to stay within the test budget.
  const DIGITS = 10;

  it(`reaches another class with |f_t − p_t| <= tol for all but at most one of ${DIGITS} held-out digits, inside featureRange`, async () => {
    const before = tf.memory().numTensors;
    const cf = new Counterfactual(predictor, { shape: [28, 28, 1], featureRange: [0, 1] });
    let successes = 0;
    for (let i = 0; i < DIGITS; i++) {
      const e = await cf.explain(mnist.test.image(i));
      const { data } = e;
      expect(e.meta).toMatchObject({ name: 'Counterfactual', type: ['whitebox'], params: { ...snakeCaseKeys(COUNTERFACTUAL_DEFAULTS), feature_range: [0, 1], shape: [28, 28, 1], gradients: 'autodiff' } });
      expect(data.orig_proba).toHaveLength(10);
      expect(data.model_calls).toBe(data.iterations + 1);
      expect(data.raw.steps).toHaveLength(COUNTERFACTUAL_DEFAULTS.maxLamSteps);
      if (!data.success) {
        expect(data.cf).toBeNull();
        continue;
      }
      const cfX = data.cf!;
      const x = flat(cfX.X);
      expect(x).toHaveLength(784);
      expect(Math.min(...x)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...x)).toBeLessThanOrEqual(1);
      expect(cfX.class).not.toBe(data.orig_class);
      expect(Math.abs(cfX.proba[cfX.class!] - 1)).toBeLessThanOrEqual(0.05);
      // The reported class and probabilities are the model's for the returned instance (to float32
      // rounding: autodiff runs the convolutions unfused).
      const [p] = await predictor([x]);
      p.forEach((v, k) => expect(cfX.proba[k]).toBeCloseTo(v, 5));
      expect(cfX.distance).toBeCloseTo(x.reduce((s, v, j) => s + Math.abs(v - mnist.test.image(i)[j]), 0), 3);
      // The closest candidate of every λ step, and the closest of all is returned.
      const distances = data.raw.steps.filter((s) => s.best !== null).map((s) => s.best!.distance);
      expect(cfX.distance).toBe(Math.min(...distances));
      successes += 1;
    }
    expect(successes).toBeGreaterThanOrEqual(DIGITS - 1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reaches a chosen class, and "same" is met at once by a confident digit', async () => {
    const digit = mnist.test.image(0);
    const nine = await new Counterfactual(predictor, { shape: [28, 28, 1], featureRange: [0, 1], targetClass: 9, maxLamSteps: 4 }).explain(digit);
    expect(nine.data.success).toBe(true);
    expect(nine.data.cf!.class).toBe(9);
    expect(nine.data.cf!.proba[9]).toBeGreaterThanOrEqual(0.95);
    const same = await new Counterfactual(predictor, { shape: [28, 28, 1], featureRange: [0, 1], targetClass: 'same', tol: 0.1, maxLamSteps: 1 }).explain(digit);
    expect(same.data.orig_proba[same.data.orig_class!]).toBeGreaterThan(0.9);
    expect(same.data.cf).toMatchObject({ class: same.data.orig_class, distance: 0, index: 0 });
  });

  it('is deterministic: the same instance gives byte-identical JSON', async () => {
    const options = { shape: [28, 28, 1], featureRange: [0, 1], maxLamSteps: 3 } as const;
    const a = JSON.stringify(await new Counterfactual(predictor, options).explain(mnist.test.image(5)));
    const b = JSON.stringify(await new Counterfactual(tfjsModel(cnn, { batchSize: 32 }), options).explain(mnist.test.image(5)));
    expect(a).toBe(b);
  });

  it('never changes an immutable feature nor moves a feature against its direction', async () => {
    const digit = mnist.test.image(2);
    // The top half is immutable; the bottom half may only gain ink.
    const immutable = Array.from({ length: 14 * 28 }, (_, i) => i);
    const direction = Object.fromEntries(Array.from({ length: 14 * 28 }, (_, i) => [14 * 28 + i, 'increase' as const]));
    const e = await new Counterfactual(predictor, { shape: [28, 28, 1], featureRange: [0, 1], constraints: { immutable, direction }, maxLamSteps: 4 }).explain(digit);
    expect(e.data.success).toBe(true);
    for (const step of e.data.raw.steps) {
      if (step.best === null) continue;
      const x = flat(step.best.X);
      for (const i of immutable) expect(x[i]).toBe(digit[i]);
      for (let i = 14 * 28; i < 784; i++) expect(x[i]).toBeGreaterThanOrEqual(digit[i]);
    }
    expect(e.meta.params.constraints).toEqual({ immutable, direction });
  });
});

describe('Counterfactual on a black box without gradients (the Adult trees, by finite differences)', () => {
  it('finds valid counterfactuals by changing only the mutable numeric features, one model call per step', async () => {
    const task = adultNumericTask();
    let calls = 0;
    const counted = (rows: number[][]) => ((calls += 1), task.predictor(rows));
    // Trees are flat almost everywhere: steps of 10% of a feature's range see their splits.
    const cf = new Counterfactual(counted, {
      shape: [task.d],
      featureRange: task.featureRange,
      constraints: { immutable: task.categorical },
      eps: 0.1,
      targetProba: 0.75,
      tol: 0.25,
    });
    for (const row of task.lowIncomeRows(3)) {
      calls = 0;
      const e = await cf.explain(row);
      expect(e.meta.type).toEqual(['blackbox']);
      expect(e.meta.params.gradients).toBe('finite-differences');
      expect(e.data.success).toBe(true);
      const x = e.data.cf!.X as number[];
      expect(e.data.cf!.class).toBe(1);
      expect(task.predictor([x])[0][1]).toBeGreaterThanOrEqual(0.5);
      for (const j of task.categorical) expect(x[j]).toBe(row[j]);
      expect(task.numeric.some((j) => x[j] !== row[j])).toBe(true);
      // One call for the instance, then one batch of 2·4 + 1 rows per step.
      expect(e.data.model_calls).toBe(calls);
      expect(e.data.model_rows).toBe(1 + e.data.iterations * 9);
    }
  });
});

describe('Counterfactual errors', () => {
  const options = { shape: [28, 28, 1], featureRange: [0, 1] } as const;

  it('names a wrong input shape, a value outside featureRange, and a target class the model does not have', async () => {
    const cf = new Counterfactual(predictor, options);
    await expect(cf.explain(new Float32Array(783))).rejects.toThrow(InvalidInputError);
    await expect(cf.explain(new Float32Array(783))).rejects.toThrow(/instance has 783 values; expected 784 \(shape \[28, 28, 1\]\)/);
    await expect(cf.explain([[1, 2]])).rejects.toThrow(/instance has length 1; expected 28 \(shape \[28, 28, 1\]\)/);
    const bright = mnist.test.image(0);
    bright[300] = 1.5;
    await expect(cf.explain(bright)).rejects.toThrow(/instance value 300 \(flat, row-major\) is 1\.5, outside featureRange \[0, 1\]/);
    await expect(new Counterfactual(predictor, { ...options, targetClass: 10 }).explain(mnist.test.image(0))).rejects.toThrow(
      /option targetClass is 10, but the model predicts 10 classes; expected a class index in 0\.\.9/,
    );
    await expect(new Counterfactual(predictor, { ...options, shape: [784, 2] }).explain(new Float32Array(1568))).rejects.toThrow(
      /option shape \[784, 2\] has 1568 values, but the TensorFlow\.js model takes inputs of shape \[28, 28, 1\]/,
    );
  });

  it('needs class probabilities from a black box', async () => {
    const labels = (rows: number[][]) => rows.map(() => 1);
    await expect(new Counterfactual(labels, { shape: [4] }).explain([1, 2, 3, 4])).rejects.toThrow(PredictorError);
    await expect(new Counterfactual(labels, { shape: [4] }).explain([1, 2, 3, 4])).rejects.toThrow(
      /predictor returned class labels .*; Counterfactual needs class probabilities/,
    );
  });

  it('rejects unknown and invalid options and constraints by name', () => {
    expect(() => new Counterfactual(predictor, { ...options, maxIters: 5 } as never)).toThrow(/unknown option "maxIters"/);
    expect(() => new Counterfactual(predictor, { featureRange: [0, 1] } as never)).toThrow(/option shape is undefined; expected the shape of one instance/);
    expect(() => new Counterfactual(predictor, { ...options, targetClass: 'another' as 'other' })).toThrow(/option targetClass is "another"; expected 'other', 'same' or a class index/);
    expect(() => new Counterfactual(predictor, { ...options, tol: 2 })).toThrow(/option tol is 2; expected a number in \[0, 1\]/);
    expect(() => new Counterfactual(predictor, { ...options, featureRange: [1, 0] })).toThrow(/option featureRange of feature 0 is \[1, 0\]; expected min <= max/);
    expect(() => new Counterfactual(predictor, { ...options, featureRange: [[0, 1], 1] })).toThrow(/option featureRange min has 2 values; expected one number, or 784 numbers/);
    expect(() => new Counterfactual(predictor, { ...options, constraints: { immutable: [784] } })).toThrow(/constraints\.immutable names feature 784; expected a feature index, an integer in 0\.\.783/);
    expect(() => new Counterfactual(predictor, { ...options, constraints: { direction: { 3: 'up' as 'increase' } } })).toThrow(/constraints\.direction\[3\] is "up"; expected 'increase' or 'decrease'/);
    expect(() => new Counterfactual(predictor, { ...options, constraints: { immutable: [3], direction: { 3: 'increase' } } })).toThrow(/feature 3 is both immutable and constrained to increase/);
    expect(() => new Counterfactual(predictor, { ...options, constraints: { range: { 5: [0.5, 0.2] } } })).toThrow(/constraints\.range\[5\] is \[0\.5,0\.2\]; expected \[min, max\] with min <= max/);
  });

  it('needs the instance inside its per-feature allowed range', async () => {
    const cf = new Counterfactual(predictor, { ...options, constraints: { range: { 300: [0.5, 1] } } });
    const digit = mnist.test.image(0);
    digit[300] = 0.2;
    await expect(cf.explain(digit)).rejects.toThrow(/instance value 300 is 0\.2\d*, outside its allowed range \[0\.5, 1\] \(constraints\.range\)/);
  });
});
