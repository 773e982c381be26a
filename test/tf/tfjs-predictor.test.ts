import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { loadMnist } from '../../src/datasets/mnist.js';
import { LabelModel } from '../../src/predictors/predictor.js';
import { isTfjsPredictor, tfjsModel, tfjsPredictor } from '../../src/predictors/tfjs.js';
import { bundledModelPath, loadBundledModel } from '../../src/tf/models.js';
import { loadTf, type Tf } from '../../src/tf/tf.js';
import { writeGraphModel } from './graph-model.js';

let tf: Tf;
let cnn: LayersModel;
const mnist = loadMnist();
beforeAll(async () => {
  tf = await loadTf();
  cnn = await loadBundledModel('mnist-cnn');
});
afterAll(() => cnn.dispose());

describe('tfjsModel', () => {
  it('predicts class probabilities for flat and nested inputs, in explicit batches, leaking no tensors', async () => {
    const before = tf.memory().numTensors;
    const predictor = tfjsModel(cnn, { batchSize: 7 });
    expect(predictor.inputShape).toEqual([28, 28, 1]);
    expect(predictor.inputSize).toBe(784);
    expect(predictor.batchSize).toBe(7);
    expect(isTfjsPredictor(predictor)).toBe(true);
    const images = Array.from({ length: 20 }, (_, i) => mnist.test.image(i));
    const out = await predictor(images);
    expect(out).toHaveLength(20);
    // The same as one model.predict over the whole batch.
    const expected = tf.tidy(() => (cnn.predict(tf.tensor4d(Float32Array.from(mnist.test.pixels.subarray(0, 20 * 784), (v) => v / 255), [20, 28, 28, 1])) as Tensor).arraySync() as number[][]);
    out.forEach((row, i) => {
      expect(row).toHaveLength(10);
      row.forEach((p, j) => expect(p).toBeCloseTo(expected[i][j], 5));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    });
    // Nested [28][28][1] arrays are the same input.
    const nested = Array.from({ length: 28 }, (_, r) => Array.from({ length: 28 }, (_, c) => [images[3][r * 28 + c]]));
    expect(Array.from((await predictor([nested]))[0])).toEqual(Array.from(out[3]));
    // It is a Predictor: LabelModel reduces it to the digits it predicts.
    const labels = await new LabelModel(predictor).labels(images);
    const accuracy = labels.reduce((n, l, i) => n + (l === mnist.test.labels[i] ? 1 : 0), 0) / 20;
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('differentiates through the model with apply()', () => {
    const predictor = tfjsModel(cnn);
    const before = tf.memory().numTensors;
    const g = tf.tidy(() =>
      tf.grad((x) => predictor.apply(tf, x).slice([0, 3], [1, 1]).sum())(tf.tensor(mnist.test.image(0), [1, 28, 28, 1])).dataSync(),
    );
    expect(g).toHaveLength(784);
    expect(g.some((v) => v !== 0)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads a model from a path, layers or graph, and predicts with a graph model too', async () => {
    const fromDisk = await tfjsPredictor(bundledModelPath('mnist-cnn'), { batchSize: 64 });
    expect(Array.from((await fromDisk([mnist.test.image(1)]))[0])).toEqual(Array.from((await tfjsModel(cnn)([mnist.test.image(1)]))[0]));
    const graph = await tfjsPredictor(writeGraphModel([[1, -1], [0.5, 0], [0, 2]]));
    expect(graph.inputShape).toEqual([3]);
    const [p] = await graph([[1, 2, 3]]);
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-3)), 5);
    // ∂p₁/∂x = p₁(1 − p₁)(W[:,1] − W[:,0]) for a two-class softmax regression.
    const g = tf.tidy(() => tf.grad((x) => graph.apply(tf, x).slice([0, 1], [1, 1]).sum())(tf.tensor2d([[1, 2, 3]])).dataSync());
    const s = p[1] * (1 - p[1]);
    [-2, -0.5, 2].forEach((dw, i) => expect(g[i]).toBeCloseTo(s * dw, 5));
  });

  it('rejects bad models, options and inputs by name', async () => {
    expect(() => tfjsModel({} as LayersModel)).toThrow(/expects a TensorFlow\.js LayersModel or GraphModel/);
    expect(() => tfjsModel(cnn, { batchSize: 0 })).toThrow(/option batchSize is 0; expected an integer >= 1/);
    const a = tf.input({ shape: [2] });
    const b = tf.input({ shape: [2] });
    const twoInputs = tf.model({ inputs: [a, b], outputs: tf.layers.add().apply([a, b]) as import('@tensorflow/tfjs').SymbolicTensor });
    expect(() => tfjsModel(twoInputs)).toThrow(/has 2 inputs; expected a model with one input/);
    const unknown = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [null, null, 1] as unknown as number[], filters: 1, kernelSize: 1 })] });
    expect(() => tfjsModel(unknown)).toThrow(/pass inputShape/);
    const predictor = tfjsModel(cnn);
    await expect(predictor([new Float32Array(783)])).rejects.toThrow(InvalidInputError);
    await expect(predictor([new Float32Array(783)])).rejects.toThrow(/input 0 has 783 values; expected 784 \(shape \[28, 28, 1\]\)/);
    const bad = Array.from(mnist.test.image(0));
    bad[5] = Number.NaN;
    await expect(predictor([mnist.test.image(1), bad])).rejects.toThrow(/input 1 value 5 \(flat, row-major\) is NaN; expected a finite number/);
    twoInputs.dispose();
    unknown.dispose();
  });
});
