import { describe, expect, it } from 'vitest';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { Counterfactual } from '../../src/counterfactuals/counterfactual.js';
import { tfjsModel } from '../../src/predictors/tfjs.js';
import { loadTf } from '../../src/tf/tf.js';

describe('a TensorFlow.js model with one output, explained as a regressor', () => {
  it('Counterfactual reaches a range by autodiff, and AnchorTabular reads its [N, 1] outputs', async () => {
    const tf = await loadTf();
    // f(x) = 3 x0 − 2 x1 + 1: one linear unit with fixed weights.
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 1, useBias: true })] });
    model.setWeights([tf.tensor2d([[3], [-2], [0]]), tf.tensor1d([1])]);
    const before = tf.memory().numTensors;
    const e = await new Counterfactual(tfjsModel(model), { shape: [3], desiredRange: [4, 5], featureRange: [-2, 2], maxLamSteps: 3 }).explain([0, 0, 0]);
    expect(e.data.raw.gradients).toBe('autodiff');
    expect(e.data.orig_prediction).toBeCloseTo(1, 6);
    expect(e.data.success).toBe(true);
    const [x0, x1, x2] = e.data.cf!.X as number[];
    expect(3 * x0 - 2 * x1 + 1).toBeCloseTo(e.data.cf!.prediction!, 4);
    expect(e.data.cf!.prediction!).toBeGreaterThanOrEqual(4);
    expect(e.data.cf!.prediction!).toBeLessThanOrEqual(5);
    expect(x2).toBe(0); // the feature the model ignores is not changed
    expect(tf.memory().numTensors).toBe(before);

    const rows = Array.from({ length: 200 }, (_, i) => [(i % 20) / 10 - 1, Math.floor(i / 20) / 5 - 1, (i % 7) / 7]);
    const predict = tfjsModel(model);
    const anchor = await (await new AnchorTabular(predict, ['a', 'b', 'c'], { task: 'regression' }).fit(rows)).explain([0.5, -0.5, 0.3], { interval: { width: 2 } });
    expect(anchor.data.raw.prediction).toBeCloseTo(3.5, 5);
    expect(anchor.data.raw.predicates.map((p) => p.feature).sort()).toEqual([0, 1]);
    model.dispose();
  });
});
