import { describe, expect, it } from 'vitest';
import { AnchorImage } from '../../../src/anchors/image/anchor-image.js';
import { createRng } from '../../../src/core/rng.js';
import { loadMnist } from '../../../src/datasets/mnist.js';
import type { Image } from '../../../src/image/image.js';
import { toLabels } from '../../../src/predictors/predictor.js';
import { tfjsModel } from '../../../src/predictors/tfjs.js';
import { loadBundledModel } from '../../../src/tf/models.js';
import { loadTf } from '../../../src/tf/tf.js';

/**
 * Fidelity on real data with a real model: anchors of the bundled MNIST CNN's predictions for held-out
 * digits, checked on fresh samples the search never saw.
 */
describe('AnchorImage on MNIST with the bundled CNN', () => {
  it('finds anchors whose precision holds on fresh samples, for 5 held-out digits, leaking no tensors', async () => {
    const tf = await loadTf();
    const mnist = loadMnist();
    const cnn = tfjsModel(await loadBundledModel('mnist-cnn'));
    const predict = (images: Image[]) => cnn(images.map((im) => im.data));
    const explainer = new AnchorImage(predict, { shape: [28, 28, 1], seed: 1 });
    const threshold = 0.95;
    const tensorsBefore = tf.memory().numTensors;
    const fresh = createRng('fresh samples');
    let nonEmpty = 0;
    for (let row = 0; row < 5; row++) {
      const digit = mnist.test.image(row);
      const e = await explainer.explain(digit, { threshold });
      const { raw } = e.data;
      expect(raw.prediction).toBe(mnist.test.labels[row]); // the CNN reads these five right
      expect(raw.num_segments).toBe(9);
      expect(raw.success).toBe(true);
      expect(e.data.precision).toBeGreaterThanOrEqual(threshold);
      if (raw.anchor_segments.length > 0) nonEmpty += 1;

      // 1,000 fresh samples of the anchor: its superpixels kept, each other one replaced with probability 0.5.
      const perturbation = await explainer.perturbationFor(digit);
      const F = perturbation.numFeatures;
      const count = 1000;
      const masks = new Uint8Array(count * F);
      for (let k = 0; k < count; k++) for (let j = 0; j < F; j++) masks[k * F + j] = fresh.next() >= 0.5 ? 1 : 0;
      for (let k = 0; k < count; k++) for (const j of raw.anchor_segments) masks[k * F + j] = 1;
      const images = perturbation.perturb(masks, count, fresh).map((s) => perturbation.render(s));
      const labels = toLabels(await predict(images), count);
      const precision = labels.filter((l) => l === raw.prediction).length / count;
      // The search accepts an anchor whose precision's lower bound clears threshold - 0.05.
      expect(precision, `digit row ${row}, anchor ${raw.anchor_segments}`).toBeGreaterThanOrEqual(threshold - 0.05);
    }
    expect(nonEmpty).toBeGreaterThanOrEqual(4); // the empty anchor is not enough: perturbing superpixels changes the CNN's mind
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
