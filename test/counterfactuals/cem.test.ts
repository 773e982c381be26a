import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, NotFittedError } from '../../src/core/errors.js';
import { CEM } from '../../src/counterfactuals/cem.js';
import { shrink } from '../../src/counterfactuals/fista.js';
import { loadMnist } from '../../src/datasets/mnist.js';
import { tfjsModel } from '../../src/predictors/tfjs.js';
import { loadTf, type Tf } from '../../src/tf/tf.js';
import { adultNumericTask } from './adult-numeric.js';
import { useMnistModels } from './mnist-models.js';

let tf: Tf;
const models = useMnistModels();
const mnist = loadMnist();
const flat = (x: unknown) => (x as number[][][]).flat(2);
/**
 * Smaller budgets than Alibi's (1,000 iterations for each of 10 values of c) to keep the tests fast;
 * c starts high because the softmax of a confident CNN has small gradients.
 */
const BUDGET = { maxIterations: 100, cInit: 1000, cSteps: 3 } as const;

beforeAll(async () => {
  tf = await loadTf();
});

describe('CEM on MNIST', () => {
  it('finds pertinent negatives that change the class by only adding ink, inside the feature range', async () => {
    const before = tf.memory().numTensors;
    const cem = new CEM(models.predictor, { mode: 'PN', shape: [28, 28, 1], featureRange: [0, 1], noInfoVal: 0, ...BUDGET });
    const digit = mnist.test.image(0);
    const e = await cem.explain(digit);
    expect(e.meta).toMatchObject({ name: 'CEM', type: ['whitebox'], params: { mode: 'PN', kappa: 0, beta: 0.1, gamma: 0, ae: false, gradients: 'autodiff' } });
    expect(e.data.success).toBe(true);
    expect(e.data.PN_pred).not.toBe(e.data.orig_class);
    expect(e.data.X_pred).toBe(e.data.orig_class);
    const pn = flat(e.data.PN);
    const [p] = await models.predictor([pn]);
    expect(Array.from(p).indexOf(Math.max(...p))).toBe(e.data.PN_pred);
    pn.forEach((v, j) => {
      expect(v).toBeGreaterThanOrEqual(digit[j]);
      expect(v).toBeLessThanOrEqual(1);
    });
    expect(e.data.raw.best!.l1).toBeCloseTo(pn.reduce((s, v, j) => s + v - digit[j], 0), 3);
    expect(e.data.iterations).toBe(BUDGET.maxIterations * BUDGET.cSteps);
    expect(e.data.model_calls).toBe(e.data.iterations + 1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('finds pertinent positives that keep the class with part of the digit, between the no-information values and the digit', async () => {
    const cem = new CEM(models.predictor, { mode: 'PP', shape: [28, 28, 1], featureRange: [0, 1], ...BUDGET });
    await cem.fit(Array.from({ length: 300 }, (_, i) => mnist.train.image(i)));
    const digit = mnist.test.image(3);
    const e = await cem.explain(digit);
    expect(e.data.success).toBe(true);
    expect(e.data.PP_pred).toBe(e.data.orig_class);
    const pp = flat(e.data.PP);
    const v = e.data.raw.no_info_val;
    pp.forEach((value, j) => {
      expect(value).toBeGreaterThanOrEqual(Math.min(v[j], digit[j]));
      expect(value).toBeLessThanOrEqual(Math.max(v[j], digit[j]));
    });
    // A part: less ink than the digit.
    expect(pp.reduce((a, b) => a + b, 0)).toBeLessThan(digit.reduce((a, b) => a + b, 0));
  });

  it('uses an autoencoder for the γ term', async () => {
    const before = tf.memory().numTensors;
    const cem = new CEM(models.predictor, { mode: 'PN', shape: [28, 28, 1], featureRange: [0, 1], noInfoVal: 0, gamma: 100, ae: models.ae, ...BUDGET });
    const e = await cem.explain(mnist.test.image(1));
    expect(e.meta.params).toMatchObject({ gamma: 100, ae: true });
    expect(e.data.success).toBe(true);
    expect(e.data.PN_pred).not.toBe(e.data.orig_class);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('honours immutable features and directions', async () => {
    const digit = mnist.test.image(0);
    const immutable = Array.from({ length: 10 * 28 }, (_, i) => 18 * 28 + i); // the bottom ten rows
    const cem = new CEM(models.predictor, { mode: 'PN', shape: [28, 28, 1], featureRange: [0, 1], noInfoVal: 0, constraints: { immutable }, ...BUDGET });
    const e = await cem.explain(digit);
    expect(e.data.success).toBe(true);
    for (const step of e.data.raw.steps) {
      if (step.best !== null) for (const i of immutable) expect(flat(step.best.X)[i]).toBe(digit[i]);
    }
    // PP with every feature allowed only to increase can keep nothing away from the digit: the PP is the digit.
    const direction = Object.fromEntries(Array.from({ length: 784 }, (_, i) => [i, 'increase' as const]));
    const pp = await new CEM(models.predictor, { mode: 'PP', shape: [28, 28, 1], featureRange: [0, 1], noInfoVal: 0, constraints: { direction }, ...BUDGET, cSteps: 1 }).explain(digit);
    expect(flat(pp.data.PP)).toEqual(Array.from(digit));
  });

  it('is deterministic', async () => {
    const options = { mode: 'PN', shape: [28, 28, 1], featureRange: [0, 1], noInfoVal: 0, maxIterations: 30, cInit: 1e4, cSteps: 2 } as const;
    const a = JSON.stringify(await new CEM(models.predictor, options).explain(mnist.test.image(4)));
    const b = JSON.stringify(await new CEM(tfjsModel(models.cnn), options).explain(mnist.test.image(4)));
    expect(a).toBe(b);
  });
});

describe('CEM on a black box (the Adult trees, by finite differences)', () => {
  it('finds a pertinent negative that flips the prediction, changing only mutable numeric features', async () => {
    const task = adultNumericTask();
    const cem = new CEM(task.predictor, {
      mode: 'PN',
      shape: [task.d],
      featureRange: task.featureRange,
      constraints: { immutable: task.categorical },
      noInfoVal: 0,
      eps: 0.1,
      maxIterations: 100,
      cInit: 1000,
      cSteps: 2,
    });
    const [row] = task.lowIncomeRows(1);
    const e = await cem.explain(row);
    expect(e.meta.type).toEqual(['blackbox']);
    expect(e.data.success).toBe(true);
    expect(e.data.PN_pred).toBe(1);
    const pn = e.data.PN as number[];
    for (const j of task.categorical) expect(pn[j]).toBe(row[j]);
    expect(e.data.model_rows).toBe(1 + e.data.iterations * (1 + 2 * task.numeric.length + 1));
  });
});

describe('CEM parts and errors', () => {
  it('shrinks towards the center by β (the proximal operator of β|· − center|)', () => {
    expect(shrink(0.5, 0.2, 0.1)).toBeCloseTo(0.4, 10);
    expect(shrink(0.25, 0.2, 0.1)).toBe(0.2);
    expect(shrink(-0.3, 0.2, 0.1)).toBeCloseTo(-0.2, 10);
  });

  it('fits no-information values as the median or the mean of the training data', async () => {
    const data = [
      [0, 1, 5],
      [2, 1, 7],
      [10, 4, 6],
    ];
    const probs = (rows: number[][]) => rows.map(() => [0.5, 0.5]);
    const median = await (await new CEM(probs, { mode: 'PP', shape: [3], maxIterations: 1, cSteps: 1 }).fit(data)).explain([1, 1, 1]);
    expect(median.data.raw.no_info_val).toEqual([2, 1, 6]);
    const mean = await (await new CEM(probs, { mode: 'PP', shape: [3], maxIterations: 1, cSteps: 1 }).fit(data, { noInfoType: 'mean' })).explain([1, 1, 1]);
    expect(mean.data.raw.no_info_val).toEqual([4, 2, 6]);
  });

  it('names what is wrong', async () => {
    const options = { mode: 'PN', shape: [28, 28, 1], featureRange: [0, 1] } as const;
    await expect(new CEM(models.predictor, options).explain(mnist.test.image(0))).rejects.toThrow(NotFittedError);
    expect(() => new CEM(models.predictor, { ...options, mode: 'PX' as 'PN' })).toThrow(/option mode is "PX"; expected 'PN' or 'PP'/);
    expect(() => new CEM(models.predictor, { ...options, gamma: 10 })).toThrow(/option gamma is 10 but no autoencoder was given/);
    expect(() => new CEM(models.predictor, { ...options, noInfoVal: [0, 1] })).toThrow(/option noInfoVal is \[0,1\]; expected a finite number, or 784 of them/);
    expect(() => new CEM(models.predictor, { ...options, clip: [1, -1] })).toThrow(/option clip is \[1,-1\]; expected \[min, max\] with min < max/);
    const small = tf.sequential({ layers: [tf.layers.dense({ inputShape: [10], units: 10 })] });
    expect(() => new CEM(models.predictor, { ...options, gamma: 1, ae: small })).toThrow(/the autoencoder takes inputs of shape \[10\]; expected 784 values/);
    small.dispose();
    const cem = new CEM(models.predictor, { ...options, noInfoVal: 0 });
    await expect(cem.explain(new Float32Array(700))).rejects.toThrow(InvalidInputError);
    await expect(cem.fit([])).rejects.toThrow(/CEM\.fit needs an array of at least one training instance/);
    await expect(cem.fit([mnist.train.image(0)], { noInfoType: 'mode' as 'mean' })).rejects.toThrow(/option noInfoType is "mode"/);
  });
});
