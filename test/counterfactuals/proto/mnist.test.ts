import type { LayersModel } from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { l2DistanceSquared } from '../../../src/counterfactuals/distances.js';
import { CounterfactualProto } from '../../../src/counterfactuals/proto/counterfactual-proto.js';
import { cutEncoder } from '../../../src/counterfactuals/proto/encoder.js';
import { loadMnist } from '../../../src/datasets/mnist.js';
import { tfjsModel, type TfjsPredictor } from '../../../src/predictors/tfjs.js';
import { loadBundledModel } from '../../../src/tf/models.js';
import { loadTf, type Tf } from '../../../src/tf/tf.js';

/**
 * Prototype-guided counterfactuals of the bundled MNIST CNN with encoder prototypes from the bundled
 * autoencoder's code layer (autodiff). 1,000 training digits and short searches keep the test fast.
 */
const mnist = loadMnist();
const train = Array.from({ length: 1000 }, (_, i) => mnist.train.image(i));
let tf: Tf;
let cnn: LayersModel;
let ae: LayersModel;
let encoder: LayersModel;
let predictor: TfjsPredictor;
let explainer: CounterfactualProto;
const options = { shape: mnist.shape, featureRange: [0, 1] as [number, number], theta: 10, cInit: 1, cSteps: 2, maxIterations: 100 };

beforeAll(async () => {
  tf = await loadTf();
  cnn = await loadBundledModel('mnist-cnn');
  ae = await loadBundledModel('mnist-ae');
  encoder = await cutEncoder(ae, 4);
  predictor = tfjsModel(cnn);
  explainer = await new CounterfactualProto(predictor, { ...options, encoder }).fit(train);
});
afterAll(() => {
  cnn.dispose();
  ae.dispose();
});

describe('CounterfactualProto on MNIST (autodiff, encoder prototypes)', () => {
  it('cuts the encoder at the 7x7x4 code of the autoencoder, sharing its weights', () => {
    expect(encoder.outputs[0].shape).toEqual([null, 7, 7, 4]);
    expect(encoder.getWeights().map((w) => w.shape)).toEqual(ae.getWeights().slice(0, 6).map((w) => w.shape));
  });

  it('reaches another class, guided by the mean encoding of the nearest other class, leaking no tensors', async () => {
    const before = tf.memory().numTensors;
    for (const row of [0, 1]) {
      const digit = mnist.test.image(row);
      const { meta, data } = await explainer.explain(digit);
      expect(meta).toMatchObject({ name: 'CounterfactualProto', type: ['whitebox'], params: { prototypes: 'encoder', theta: 10, gradients: 'autodiff' } });
      expect(data.success).toBe(true);
      const x = (data.cf!.X as number[][][]).flat(2);
      expect(Math.min(...x)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...x)).toBeLessThanOrEqual(1);
      const [p] = await predictor([x]);
      expect(data.cf!.class).not.toBe(data.orig_class);
      expect(p[data.cf!.class]).toBe(Math.max(...p));
      // The prototype: the mean code of the training digits of its class, the nearest of the other classes.
      expect(data.prototype).toMatchObject({ source: 'encoder', rows: [], feasible: true });
      expect(data.prototype.class).not.toBe(data.orig_class);
      const code = (x: Float32Array) => tf.tidy(() => (encoder.predict(tf.tensor(x, [1, 28, 28, 1])) as ReturnType<typeof tf.tensor>).dataSync() as Float32Array);
      const classes = (await predictor(train)).map((q) => q.indexOf(Math.max(...q)));
      const mean = (c: number) => {
        const members = train.filter((_, i) => classes[i] === c).map(code);
        return members[0].map((_, j) => members.reduce((s, m) => s + m[j], 0) / members.length);
      };
      const own = code(digit);
      const distances = Array.from({ length: 10 }, (_, c) => (c === data.orig_class ? Infinity : Math.sqrt(l2DistanceSquared(own, mean(c)))));
      expect(data.prototype.class).toBe(distances.indexOf(Math.min(...distances)));
      expect(data.prototype.distance).toBeCloseTo(distances[data.prototype.class], 3);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('with targetClass, reaches that class, guided by its prototype', async () => {
    const digit = mnist.test.image(3); // a 4
    const { data } = await explainer.explain(digit, { targetClass: 7 });
    expect(data.orig_class).toBe(4);
    expect(data.prototype).toMatchObject({ class: 7, rows: [] });
    expect(data.success).toBe(true);
    expect(data.cf!.class).toBe(7);
    const [p] = await predictor([(data.cf!.X as number[][][]).flat(2)]);
    expect(p[7]).toBe(Math.max(...p));
  });

  it('makes a prototype of the k nearest encodings (mean) or the k-th nearest (point)', async () => {
    const quick = await new CounterfactualProto(predictor, { ...options, encoder, maxIterations: 1, cSteps: 1 }).fit(train);
    const digit = mnist.test.image(3);
    const mean = (await quick.explain(digit, { targetClass: 7, k: 20 })).data.prototype;
    const point = (await quick.explain(digit, { targetClass: 7, k: 20, kType: 'point' })).data.prototype;
    expect(mean).toMatchObject({ class: 7, size: 20 });
    expect(mean.rows).toHaveLength(20);
    expect(point).toMatchObject({ class: 7, size: 1, rows: [mean.rows[19]] });
    // The 20th nearest is farther than the mean of the 20 nearest.
    expect(point.distance).toBeGreaterThan(mean.distance);
  });

  it('is deterministic: the same digit gives byte-identical JSON', async () => {
    const digit = mnist.test.image(3);
    const fresh = await new CounterfactualProto(predictor, { ...options, encoder, maxIterations: 30, cSteps: 1 }).fit(train);
    expect(JSON.stringify(await fresh.explain(digit))).toBe(JSON.stringify(await fresh.explain(digit)));
  });
});
