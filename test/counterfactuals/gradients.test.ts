import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, PredictorError } from '../../src/core/errors.js';
import { centralDifferences, gradientSource, type ProbaObjective } from '../../src/counterfactuals/gradients.js';
import { tfjsModel } from '../../src/predictors/tfjs.js';
import { loadTf, type Tf } from '../../src/tf/tf.js';

let tf: Tf;
beforeAll(async () => {
  tf = await loadTf();
});

/** Softmax regression p = softmax(xW + b) on 4 features and 3 classes, in float64. */
const W = [
  [0.8, -0.4, 0.1],
  [-0.3, 0.9, -0.5],
  [0.2, 0.1, -0.7],
  [-0.6, 0.3, 0.4],
];
const b = [0.1, -0.2, 0.05];
function softmaxRegression(x: ArrayLike<number>): number[] {
  const z = [0, 1, 2].map((j) => b[j] + W.reduce((s, row, i) => s + row[j] * x[i], 0));
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const sum = e.reduce((a, c) => a + c, 0);
  return e.map((v) => v / sum);
}

/** The objective g(p) = p_t, both ways. */
function classProbability(t: number): ProbaObjective {
  return { value: (p) => p[t], tensor: (_tf, p: Tensor2D) => p.slice([0, t], [-1, 1]).reshape([-1]) as Tensor1D };
}

describe('finite-difference gradients', () => {
  it('match the analytic gradient of a logistic (softmax) regression, ∂p_t/∂x = p_t Σ_j (δ_tj − p_j) W_j, from one call of 2·d + 1 rows', async () => {
    const calls: number[] = [];
    const predictor = (rows: number[][]) => {
      calls.push(rows.length);
      return rows.map(softmaxRegression);
    };
    const source = gradientSource(predictor, { gradients: 'finite-differences', eps: 1e-3, shape: [4], explainer: 'test' });
    expect(source.method).toBe('finite-differences');
    const x = Float32Array.from([0.5, -1.2, 2.0, 0.3]);
    for (const t of [0, 1, 2]) {
      calls.length = 0;
      const at = await source.valueAndGradient(x, classProbability(t));
      expect(calls).toEqual([9]);
      const p = softmaxRegression(x);
      expect(at.value).toBeCloseTo(p[t], 6);
      expect(Array.from(at.proba).map((v) => Number(v.toFixed(6)))).toEqual(p.map((v) => Number(Math.fround(v).toFixed(6))));
      for (let i = 0; i < 4; i++) {
        const analytic = p[t] * [0, 1, 2].reduce((s, j) => s + ((j === t ? 1 : 0) - p[j]) * W[i][j], 0);
        expect(at.gradient[i]).toBeCloseTo(analytic, 4); // probabilities travel as float32: ~1e-7 / 2ε
      }
    }
    expect(source.model.usage).toEqual({ calls: 3, rows: 27 });
  });

  it('match the analytic gradient of the L1 distance, sign(x − x₀), away from its kinks', async () => {
    const x0 = Float32Array.from([0.2, -0.5, 1.0, 3.0, 0]);
    const x = Float32Array.from([0.7, -0.9, 1.0 + 0.01, 2.5, -0.3]);
    const l1 = (rows: Float32Array, n: number) =>
      Array.from({ length: n }, (_, r) => x0.reduce((s, v, i) => s + Math.abs(rows[r * 5 + i] - v), 0));
    const { value, gradient } = await centralDifferences(l1, x, new Float32Array(5).fill(1e-3));
    expect(value).toBeCloseTo(0.5 + 0.4 + 0.01 + 0.5 + 0.3, 5);
    expect(Array.from(gradient).map((g) => Number(g.toFixed(3)))).toEqual([1, -1, 1, -1, -1]);
  });

  it('perturb only the features asked for, and carry one more point in the same call', async () => {
    const seen: number[][][] = [];
    const predictor = (rows: number[][]) => (seen.push(rows), rows.map(softmaxRegression));
    const source = gradientSource(predictor, { eps: [1e-3, 1e-3, 1e-3, 1e-3], shape: [4], explainer: 'test' });
    const x = Float32Array.from([0.5, -1.2, 2.0, 0.3]);
    const also = Float32Array.from([1, 1, 1, 1]);
    const at = await source.valueAndGradient(x, classProbability(1), { features: Int32Array.from([1, 3]), also });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toHaveLength(1 + 2 * 2 + 1);
    expect(at.gradient[0]).toBe(0);
    expect(at.gradient[2]).toBe(0);
    expect(at.gradient[1]).not.toBe(0);
    expect(Array.from(at.alsoProba!)).toEqual(Array.from(Float32Array.from(softmaxRegression(also))));
  });

  it('need class probabilities: labels, logits and wrong shapes are named', async () => {
    const x = Float32Array.from([0.5, -1.2, 2.0, 0.3]);
    const labels = gradientSource((rows: number[][]) => rows.map(() => 1), { eps: 1e-3, shape: [4], explainer: 'Counterfactual' });
    await expect(labels.valueAndGradient(x, classProbability(0))).rejects.toThrow(PredictorError);
    await expect(labels.valueAndGradient(x, classProbability(0))).rejects.toThrow(
      /predictor returned class labels \(a number per input, e\.g\. 1\); Counterfactual needs class probabilities/,
    );
    const logits = gradientSource((rows: number[][]) => rows.map(() => [2.5, -1, 0]), { eps: 1e-3, shape: [4], explainer: 'CEM' });
    await expect(logits.valueAndGradient(x, classProbability(0))).rejects.toThrow(/returned 2\.5 as probability 0 of input 0; CEM needs class probabilities in \[0, 1\]/);
    const single = gradientSource((rows: number[][]) => rows.map(() => [0.3]), { eps: 1e-3, shape: [4], explainer: 'CEM' });
    await expect(single.valueAndGradient(x, classProbability(0))).rejects.toThrow(/at least 2 classes \(for a single sigmoid output p, return \[1 - p, p\]\)/);
    const throwing = gradientSource(() => {
      throw new Error('connection refused');
    }, { eps: 1e-3, shape: [4], explainer: 'CEM' });
    await expect(throwing.valueAndGradient(x, classProbability(0))).rejects.toThrow(/predictor threw on call 1 \(a batch of 9 inputs\): connection refused/);
    expect(() => gradientSource((rows: number[][]) => rows, { eps: 0, shape: [4], explainer: 'CEM' })).toThrow(/option eps is 0; expected a number > 0/);
    expect(() => gradientSource((rows: number[][]) => rows, { eps: [1, 2], shape: [4], explainer: 'CEM' })).toThrow(/or 4 of them/);
  });
});

describe('autodiff gradients', () => {
  it('agree with finite differences on a small TensorFlow.js model, without leaking tensors', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [5], units: 8, activation: 'tanh', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }), biasInitializer: tf.initializers.randomNormal({ seed: 4 }) }),
        tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }) }),
      ],
    });
    const before = tf.memory().numTensors;
    const predictor = tfjsModel(model);
    const autodiff = gradientSource(predictor, { eps: 1e-3, shape: [5], explainer: 'test' });
    const numeric = gradientSource(predictor, { gradients: 'finite-differences', eps: 1e-2, shape: [5], explainer: 'test' });
    expect(autodiff.method).toBe('autodiff');
    const x = Float32Array.from([0.3, -0.7, 1.1, 0.0, -0.2]);
    const other: ProbaObjective = {
      value: (p) => Math.max(p[1], p[2]),
      tensor: (tfx, p) => tfx.max(p.slice([0, 1], [-1, 2]), 1) as Tensor1D,
    };
    for (const objective of [classProbability(0), classProbability(2), other]) {
      const a = await autodiff.valueAndGradient(x, objective, { also: Float32Array.from([1, 1, 1, 1, 1]) });
      const n = await numeric.valueAndGradient(x, objective);
      expect(a.value).toBeCloseTo(n.value, 6);
      expect(Array.from(a.proba)).toEqual(Array.from(n.proba));
      expect(a.alsoProba).toHaveLength(3);
      const scale = Math.max(...Array.from(a.gradient, Math.abs));
      expect(scale).toBeGreaterThan(1e-3);
      a.gradient.forEach((g, i) => expect(Math.abs(g - n.gradient[i]) / scale).toBeLessThan(2e-3));
    }
    expect(autodiff.model.usage).toEqual({ calls: 3, rows: 6 });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('need a TensorFlow.js model of the explainer shape', () => {
    expect(() => gradientSource((rows: number[][]) => rows, { gradients: 'autodiff', eps: 1e-3, shape: [4], explainer: 'Counterfactual' })).toThrow(InvalidInputError);
    expect(() => gradientSource((rows: number[][]) => rows, { gradients: 'autodiff', eps: 1e-3, shape: [4], explainer: 'Counterfactual' })).toThrow(
      /Counterfactual: gradients 'autodiff' needs a TensorFlow\.js model \(wrap it with tfjsModel\(model\)\)/,
    );
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 2, activation: 'softmax' })] });
    expect(() => gradientSource(tfjsModel(model), { eps: 1e-3, shape: [2, 3], explainer: 'CEM' })).toThrow(
      /option shape \[2, 3\] has 6 values, but the TensorFlow\.js model takes inputs of shape \[5\] \(5 values\)/,
    );
    expect(() => gradientSource(tfjsModel(model), { gradients: 'exact' as 'auto', eps: 1e-3, shape: [5], explainer: 'CEM' })).toThrow(/option gradients is "exact"/);
    model.dispose();
  });
});
