import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnchorImage, ExplainerFileError, loadExplainer, saveExplainer, tfjsModel, type Image, type TfModel } from '../../src/index.js';
import { loadBundledModel, loadMnist } from '../../src/entries/demo.js';
import { toImage } from '../../src/entries/image.js';
import { tempDir } from './helpers.js';

const mnist = loadMnist();
let model: TfModel;
let predict: (images: Image[]) => Promise<Float32Array[]>;

beforeAll(async () => {
  model = await loadBundledModel('mnist-cnn');
  const cnn = tfjsModel(model);
  predict = (images) => cnn(images.map((im) => im.data));
});
afterAll(() => model.dispose());

/** Search options that keep the test fast: a lower threshold and smaller coverage sample. */
const FAST = { threshold: 0.9, coverageSamples: 1000 } as const;

describe('saving and loading AnchorImage (MNIST digits, bundled CNN)', () => {
  it('explains byte for byte as before saving, with SLIC options and the mean fill', async () => {
    const explainer = new AnchorImage(predict, { shape: [28, 28, 1], segmentationOptions: { nSegments: 12 }, seed: 2 });
    const dir = await tempDir();
    await saveExplainer(explainer, dir);
    const loaded = await loadExplainer(dir, predict);
    expect(loaded.instanceDescription).toBe('an image of shape [28, 28, 1]: nested arrays [height][width][channels], or 784 numbers flat');
    const digit = mnist.test.image(1);
    const before = JSON.stringify(await explainer.explain(digit, FAST));
    expect(JSON.stringify(await loaded.explain(digit, FAST))).toBe(before);
    expect(JSON.parse(before).meta.params).toMatchObject({ segmentation: 'slic', segmentation_options: { nSegments: 12 }, fill: 'mean', seed: 2 });
  });

  it('saves background images as one float32 array and explains with them identically', async () => {
    const backgrounds = [0, 1, 2].map((i) => mnist.train.image(i));
    const explainer = new AnchorImage(predict, { shape: [28, 28, 1], imagesBackground: backgrounds, segmentation: 'felzenszwalb', seed: 3 });
    const dir = await tempDir();
    await saveExplainer(explainer, dir);
    const json = JSON.parse(await readFile(join(dir, 'explainer.json'), 'utf8'));
    expect(json.state.backgrounds).toMatchObject({ $binary: 'state.backgrounds.bin', dtype: 'float32', length: 3 * 784 });
    expect(json.options).toMatchObject({ fill: 'background', segmentation: 'felzenszwalb' });
    const loaded = await loadExplainer(dir, predict);
    const digit = mnist.test.image(4);
    expect(JSON.stringify(await loaded.explain(digit, FAST))).toBe(JSON.stringify(await explainer.explain(digit, FAST)));
  });

  it('needs a segmentation function of its own passed on loading', async () => {
    // Four 14 × 14 quadrants.
    const quadrants = (image: Image) => Array.from({ length: image.height * image.width }, (_, p) => (Math.floor(p / 28) < 14 ? 0 : 2) + (p % 28 < 14 ? 0 : 1));
    const explainer = new AnchorImage(predict, { shape: [28, 28, 1], segmentation: quadrants });
    const dir = await tempDir();
    await saveExplainer(explainer, dir);
    const err = await loadExplainer(dir, predict).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExplainerFileError);
    expect((err as Error).message).toMatch(/the explainer segments with a function of its own; pass it \(option segmentation\) to restore it/);
    const loaded = await loadExplainer(dir, predict, { segmentation: quadrants });
    const digit = toImage(mnist.test.image(2), [28, 28, 1]);
    expect(JSON.stringify(await loaded.explain(digit, FAST))).toBe(JSON.stringify(await explainer.explain(digit, FAST)));
  });

  it('rejects an image of the wrong shape, saying which shape it expected', async () => {
    const dir = await tempDir();
    await saveExplainer(new AnchorImage(predict, { shape: [28, 28, 1] }), dir);
    const loaded = await loadExplainer(dir, predict);
    await expect(loaded.explain(new Array(100).fill(0))).rejects.toThrow("the explained image is a flat array of 100 values; expected 28x28x1 = 784 values");
  });
});
