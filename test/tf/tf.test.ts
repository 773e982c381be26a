import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { loadMnist } from '../../src/datasets/mnist.js';
import { fileSystemIO } from '../../src/tf/fs-io.js';
import { bundledModelPath, loadBundledModel, loadGraphModel, loadLayersModel, loadTfModel } from '../../src/tf/models.js';
import { loadTf, tfBackendInfo, type Tf } from '../../src/tf/tf.js';
import { writeGraphModel } from './graph-model.js';

let tf: Tf;
beforeAll(async () => {
  tf = await loadTf();
});

describe('loadTf', () => {
  it('initialises the wasm backend once (tfjs-node is not installed here) and says why', async () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(await loadTf()).toBe(tf);
    const info = await tfBackendInfo();
    expect(info).toEqual({ backend: 'wasm', nativeUnavailable: '@tensorflow/tfjs-node is not installed' });
  });

  it("leaves no process-wide error listeners of the wasm module behind", () => {
    // The Emscripten module adds rethrowing listeners; loadTf removes the ones it added.
    for (const listener of [...process.listeners('uncaughtException'), ...process.listeners('unhandledRejection')]) {
      expect(String(listener)).not.toContain('ExitStatus');
    }
  });
});

/** dW[kh, kw, ci, co] = Σ x[n, oh·s + kh − pt, ow·s + kw − pl, ci] · dy[n, oh, ow, co], in plain loops. */
function filterGradientReference(
  x: Float32Array, xShape: number[], dy: Float32Array, dyShape: number[], k: number, stride: number, padTop: number, padLeft: number,
): Float64Array {
  const [n, h, w, cin] = xShape;
  const [, oh, ow, cout] = dyShape;
  const dw = new Float64Array(k * k * cin * cout);
  for (let b = 0; b < n; b++)
    for (let r = 0; r < oh; r++)
      for (let c = 0; c < ow; c++)
        for (let kh = 0; kh < k; kh++)
          for (let kw = 0; kw < k; kw++) {
            const ih = r * stride + kh - padTop;
            const iw = c * stride + kw - padLeft;
            if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
            for (let ci = 0; ci < cin; ci++)
              for (let co = 0; co < cout; co++)
                dw[((kh * k + kw) * cin + ci) * cout + co] += x[((b * h + ih) * w + iw) * cin + ci] * dy[((b * oh + r) * ow + c) * cout + co];
          }
  return dw;
}

describe('the Conv2DBackpropFilter kernel added to wasm', () => {
  it.each([
    [1, 'valid', 0, 0],
    [1, 'same', 1, 1],
    [2, 'valid', 0, 0],
    [2, 'same', 1, 1], // 5 outputs of 9 inputs with stride 2: 2 rows of padding, 1 on each side
  ] as const)('matches the definition for stride %i, padding %s', (stride, pad, padTop, padLeft) => {
    const x = tf.randomNormal([2, 9, 9, 3], 0, 1, 'float32', 1) as import('@tensorflow/tfjs').Tensor4D;
    const dyShape = tf.conv2d(x, tf.zeros([3, 3, 3, 4]), stride, pad).shape;
    const dy = tf.randomNormal(dyShape, 0, 1, 'float32', 2);
    const got = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: stride, pad, dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] }) as import('@tensorflow/tfjs').Tensor;
    const expected = filterGradientReference(x.dataSync() as Float32Array, x.shape, dy.dataSync() as Float32Array, dyShape, 3, stride, padTop, padLeft);
    const values = got.dataSync();
    expect(got.shape).toEqual([3, 3, 3, 4]);
    for (let i = 0; i < expected.length; i++) expect(values[i]).toBeCloseTo(expected[i], 3);
    tf.dispose([x, dy, got]);
  });

  it('lets tf.grad go through a convolution with a linear activation (a fused op)', () => {
    const before = tf.memory().numTensors;
    const model = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, activation: 'linear' })] });
    const g = tf.tidy(() => tf.grad((x) => (model.apply(x) as import('@tensorflow/tfjs').Tensor).sum())(tf.ones([1, 6, 6, 1])).dataSync());
    // d(sum of the convolution)/dx at a corner pixel is the sum over channels of the filter's (0, 0) weight.
    const w = model.getWeights()[0].arraySync() as number[][][][];
    expect(g[0]).toBeCloseTo(w[0][0][0][0] + w[0][0][0][1], 5);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('fileSystemIO and model loading', () => {
  it('saves a layers model to a folder and loads it back with the same predictions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glassbox-tf-'));
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 5, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    await model.save(fileSystemIO(join(dir, 'm')));
    const manifest = JSON.parse(readFileSync(join(dir, 'm', 'model.json'), 'utf8'));
    expect(manifest.format).toBe('layers-model');
    expect(manifest.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(readFileSync(join(dir, 'm', 'weights.bin')).byteLength).toBe(4 * (4 * 5 + 5 + 5 * 3 + 3));

    const input = tf.tensor2d([[0.1, -2, 3, 0.5], [1, 1, 1, 1]]);
    const expected = (model.predict(input) as import('@tensorflow/tfjs').Tensor).arraySync() as number[][];
    for (const loaded of [await loadLayersModel(join(dir, 'm')), await loadTfModel(join(dir, 'm', 'model.json'))]) {
      const got = (loaded.predict(input) as import('@tensorflow/tfjs').Tensor).arraySync() as number[][];
      expect(got).toEqual(expected);
      loaded.dispose();
    }
    model.dispose();
    input.dispose();
  });

  it('loads a graph model (a hand-written MatMul + Softmax graph) and tells it from a layers model', async () => {
    const dir = writeGraphModel([[1, -1], [0.5, 0], [0, 2]]);
    const model = await loadTfModel(dir);
    expect(model.constructor.name).toBe('GraphModel');
    const graph = await loadGraphModel(dir);
    const x = tf.tensor2d([[1, 2, 3]]);
    const p = (graph.predict(x) as import('@tensorflow/tfjs').Tensor).dataSync();
    // logits = [1 + 1 + 0, -1 + 0 + 6] = [2, 5]
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-3)), 5);
    x.dispose();
  });

  it('names what is missing or malformed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glassbox-tf-'));
    await expect(loadLayersModel(join(dir, 'nowhere'))).rejects.toThrow(/model path not found: .*nowhere/);
    writeFileSync(join(dir, 'model.json'), '{"modelTopology": ');
    await expect(loadLayersModel(dir)).rejects.toThrow(/model\.json is not valid JSON/);
    writeFileSync(join(dir, 'model.json'), '{"format": "layers-model"}');
    await expect(loadLayersModel(dir)).rejects.toThrow(/has no modelTopology; expected a TensorFlow\.js model\.json/);
    writeFileSync(join(dir, 'model.json'), readFileSync(join(bundledModelPath('mnist-cnn'), 'model.json')));
    await expect(loadLayersModel(dir)).rejects.toThrow(InvalidInputError);
    await expect(loadLayersModel(dir)).rejects.toThrow(/weights file .*weights\.bin named in .*model\.json cannot be read/);
    expect(() => bundledModelPath('mnist-gan' as 'mnist-cnn')).toThrow(/unknown bundled TensorFlow\.js model "mnist-gan"; expected one of: mnist-cnn, mnist-ae/);
  });
});

describe('the bundled MNIST models', () => {
  it('mnist-cnn classifies held-out digits (accuracy >= 0.97 on all 2,000) without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const model = await loadBundledModel('mnist-cnn');
    const { test } = loadMnist();
    const images = tf.tensor4d(Float32Array.from(test.pixels, (v) => v / 255), [test.count, 28, 28, 1]);
    const predicted = tf.tidy(() => Array.from((model.predict(images, { batchSize: 500 }) as import('@tensorflow/tfjs').Tensor).argMax(1).dataSync()));
    const correct = predicted.reduce((n, label, i) => n + (label === test.labels[i] ? 1 : 0), 0);
    expect(correct / test.count).toBeGreaterThanOrEqual(0.97);
    images.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('mnist-ae reconstructs held-out digits much better than the mean image does', async () => {
    const ae = await loadBundledModel('mnist-ae');
    const { train, test } = loadMnist();
    const n = 200;
    const images = Float32Array.from(test.pixels.subarray(0, n * 784), (v) => v / 255);
    const out = tf.tidy(() => (ae.predict(tf.tensor4d(images, [n, 28, 28, 1]), { batchSize: n }) as import('@tensorflow/tfjs').Tensor).dataSync());
    const mean = new Float64Array(784);
    for (let i = 0; i < train.count; i++) for (let p = 0; p < 784; p++) mean[p] += train.pixels[i * 784 + p] / 255 / train.count;
    let aeError = 0;
    let meanError = 0;
    for (let i = 0; i < n * 784; i++) {
      aeError += (out[i] - images[i]) ** 2;
      meanError += (mean[i % 784] - images[i]) ** 2;
    }
    expect(aeError / meanError).toBeLessThan(0.2);
    ae.dispose();
  });
});
