import { describe, expect, it } from 'vitest';
import { AnchorImage } from '../../../src/anchors/image/anchor-image.js';
import { maskImage, meanFillImage } from '../../../src/anchors/image/superpixels.js';
import { InvalidInputError, PredictorError } from '../../../src/core/errors.js';
import { createRng } from '../../../src/core/rng.js';
import { toImage, type Image } from '../../../src/image/image.js';
import { toLabels } from '../../../src/predictors/predictor.js';

const SIZE = 32;
const HALF = SIZE / 2;

/** A 32 × 32 RGB image of smooth stripes of colour, different in each quadrant, with a little texture. */
function texturedImage(seed: number): Image {
  const rng = createRng(seed);
  return toImage(
    Array.from({ length: SIZE }, (_, y) =>
      Array.from({ length: SIZE }, (_, x) => {
        const q = (y < HALF ? 0 : 2) + (x < HALF ? 0 : 1);
        const t = 0.5 + 0.4 * Math.sin((x + 2 * y) / 3 + q);
        return [q === 0 ? t : 0.2, q === 1 || q === 3 ? t : 0.3, q >= 2 ? t : 0.1 + 0.1 * rng.next()];
      }),
    ),
  );
}

/** Four quadrants of different colours, each shaded by a gentle diagonal wave, so that means differ from pixels. */
function quadrantsImage(): Image {
  const colours = [[0.9, 0.2, 0.1], [0.1, 0.7, 0.2], [0.2, 0.3, 0.9], [0.8, 0.8, 0.2]];
  return toImage(
    Array.from({ length: SIZE }, (_, y) =>
      Array.from({ length: SIZE }, (_, x) => {
        const shade = 0.85 + 0.15 * Math.cos((x + y) / 4);
        return colours[(y < HALF ? 0 : 2) + (x < HALF ? 0 : 1)].map((v) => v * shade);
      }),
    ),
  );
}

/** Class 1 iff the top-left quadrant is as in `reference` (up to 1e-6 per value); it looks nowhere else. */
function topLeftModel(reference: Image) {
  const calls: number[] = [];
  const predict = (images: Image[]) => {
    calls.push(images.length);
    return images.map((img) => {
      for (let y = 0; y < HALF; y++) {
        for (let x = 0; x < HALF; x++) {
          for (let c = 0; c < 3; c++) {
            const o = (y * SIZE + x) * 3 + c;
            if (Math.abs(img.data[o] - reference.data[o]) > 1e-6) return [1, 0];
          }
        }
      }
      return [0, 1];
    });
  };
  return { predict, calls };
}

/** The segments that have a pixel in the top-left quadrant. */
function topLeftSegments(segments: number[][]): Set<number> {
  const out = new Set<number>();
  for (let y = 0; y < HALF; y++) for (let x = 0; x < HALF; x++) out.add(segments[y][x]);
  return out;
}

describe('AnchorImage', () => {
  it('anchors a model that looks only at the top-left quadrant on superpixels of that quadrant', async () => {
    for (const segmentation of ['slic', 'felzenszwalb', 'quickshift'] as const) {
      const image = quadrantsImage();
      const { predict, calls } = topLeftModel(image);
      const segmentationOptions =
        segmentation === 'slic' ? { nSegments: 16 } : segmentation === 'felzenszwalb' ? { scale: 100, minSize: 16 } : { kernelSize: 3, maxDist: 6 };
      const explainer = new AnchorImage(predict, { shape: [SIZE, SIZE, 3], segmentation, segmentationOptions, seed: 3 });
      const { data } = await explainer.explain(image, { maxAnchorSize: 6 });
      const inQuadrant = topLeftSegments(data.segments);
      expect(data.raw.prediction).toBe(1);
      expect(data.raw.success).toBe(true);
      expect(data.precision).toBe(1);
      expect(data.raw.num_segments).toBeGreaterThan(inQuadrant.size); // there are superpixels elsewhere to leave out
      for (const s of data.raw.anchor_segments) expect(inQuadrant.has(s), `${segmentation}: segment ${s}`).toBe(true);
      // The model needs the whole quadrant unchanged, so every superpixel touching it is in the anchor.
      expect([...data.raw.anchor_segments].sort((a, b) => a - b)).toEqual([...inQuadrant].sort((a, b) => a - b));
      expect(data.coverage).toBeCloseTo(0.5 ** inQuadrant.size, 1);
      // Batched: a few calls of many images, never one image at a time.
      expect(calls.length).toBe(data.raw.model_calls);
      expect(data.raw.model_rows / data.raw.model_calls).toBeGreaterThan(50);
    }
  });

  it('returns the anchor image (anchor superpixels kept, zeros elsewhere), the segment map and compact examples', async () => {
    const image = texturedImage(2);
    const { predict } = topLeftModel(image);
    const explainer = new AnchorImage(predict, { shape: [SIZE, SIZE, 3], segmentationOptions: { nSegments: 16 }, seed: 1 });
    const e = await explainer.explain(image);
    const { anchor, segments, raw } = e.data;
    const kept = new Set(raw.anchor_segments);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const o = (y * SIZE + x) * 3;
        const expected = kept.has(segments[y][x]) ? Array.from(image.data.subarray(o, o + 3)) : [0, 0, 0];
        expect(anchor[y][x]).toEqual(expected);
      }
    }
    expect(raw.segment_sizes.reduce((a, b) => a + b, 0)).toBe(SIZE * SIZE);
    expect(raw.examples).toHaveLength(raw.anchor_segments.length);
    const last = raw.examples[raw.examples.length - 1];
    expect(last.covered_true.length).toBeGreaterThan(0);
    for (const ex of last.covered_true) {
      expect(ex.mask).toHaveLength(raw.num_segments);
      for (const s of raw.anchor_segments) expect(ex.mask[s]).toBe(1);
      expect(ex.background).toBeUndefined();
    }
    expect(e.meta).toMatchObject({
      name: 'AnchorImage',
      type: ['blackbox'],
      explanations: ['local'],
      params: { seed: 1, shape: [32, 32, 3], segmentation: 'slic', segmentation_options: { nSegments: 16, compactness: 10, sigma: 0.5 }, fill: 'mean', p_sample: 0.5, threshold: 0.95 },
    });
    // Examples are masks, so the JSON stays small: the two images dominate it.
    expect(JSON.stringify(e).length).toBeLessThan(60_000);
  });

  it('perturbs with superpixel means by default, with a constant, or with background images', async () => {
    const image = texturedImage(4);
    const predict = (images: Image[]) => images.map(() => 0);
    const mean = await new AnchorImage(predict, { shape: [SIZE, SIZE, 3], seed: 1 }).perturbationFor(image);
    const none = new Uint8Array(mean.numFeatures);
    expect(mean.render({ mask: none, background: -1 })).toEqual(meanFillImage(mean.image, mean.segments));
    expect(mean.render(mean.original())).toEqual(mean.image);

    const constant = await new AnchorImage(predict, { shape: [SIZE, SIZE, 3], fill: [0.1, 0.2, 0.3], seed: 1 }).perturbationFor(image);
    const blank = constant.render({ mask: none, background: -1 });
    expect(Array.from(blank.data.subarray(0, 6))).toEqual(Array.from(Float32Array.from([0.1, 0.2, 0.3, 0.1, 0.2, 0.3])));

    const backgrounds = [texturedImage(10), texturedImage(11)].map((b) => ({ ...b, data: b.data.map((v) => 1 - v) }));
    const explainer = new AnchorImage(predict, { shape: [SIZE, SIZE, 3], imagesBackground: backgrounds, seed: 1 });
    const bg = await explainer.perturbationFor(image);
    const masks = new Uint8Array(50 * bg.numFeatures);
    const samples = bg.perturb(masks, 50, createRng(9));
    const drawn = new Set(samples.map((s) => s.background));
    expect([...drawn].sort()).toEqual([0, 1]);
    expect(bg.render(samples[0]).data).toEqual(backgrounds[samples[0].background].data);
    const half = Uint8Array.from({ length: bg.numFeatures }, (_, j) => j % 2);
    expect(bg.render({ mask: half, background: 1 })).toEqual(maskImage(bg.image, bg.segments, half, toImage(backgrounds[1], [SIZE, SIZE, 3])));
    const e = await explainer.explain(image, { nCoveredEx: 2 });
    expect(e.meta.params).toMatchObject({ fill: 'background', images_background: 2 });
  });

  it('is deterministic: the same seed gives byte-identical JSON', async () => {
    const image = texturedImage(5);
    const run = async (seed: number) => {
      const { predict } = topLeftModel(image);
      return JSON.stringify(await new AnchorImage(predict, { shape: [SIZE, SIZE, 3], segmentationOptions: { nSegments: 20 }, seed }).explain(image));
    };
    expect(await run(7)).toBe(await run(7));
  });

  it('takes images as nested arrays, tensor-likes and flat arrays, and gives the predictor Images', async () => {
    const image = texturedImage(6);
    const seen: string[] = [];
    const predict = (images: Image[]) => {
      seen.push(images.map((i) => `${i.height}x${i.width}x${i.channels}:${i.data.constructor.name}`).find((s) => s !== '32x32x3:Float32Array') ?? 'ok');
      return images.map(() => 1);
    };
    const explainer = new AnchorImage(predict, { shape: [SIZE, SIZE, 3], seed: 1 });
    const nested = Array.from({ length: SIZE }, (_, y) => Array.from({ length: SIZE }, (_, x) => Array.from(image.data.subarray((y * SIZE + x) * 3, (y * SIZE + x) * 3 + 3))));
    const a = await explainer.explain(nested);
    const b = await explainer.explain({ shape: [1, SIZE, SIZE, 3], dataSync: () => image.data });
    const c = await explainer.explain(Array.from(image.data));
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c)).toBe(JSON.stringify(a));
    expect(new Set(seen)).toEqual(new Set(['ok']));
    // A constant model: the empty anchor already holds.
    expect(a.data.raw.anchor_segments).toEqual([]);
    expect(a.data.precision).toBe(1);
  });

  it('rejects bad input with typed errors that say what was expected', async () => {
    const image = texturedImage(7);
    const ok = (images: Image[]) => images.map(() => 0);
    const shape = [SIZE, SIZE, 3] as const;
    expect(() => new AnchorImage(ok, {} as never)).toThrow('option shape is undefined; expected [height, width, channels]');
    expect(() => new AnchorImage(ok, { shape: [28, 28] as never })).toThrow('option shape is [28, 28]');
    expect(() => new AnchorImage(ok, { shape, segmentation: 'watershed' as never })).toThrow("expected one of 'slic', 'quickshift', 'felzenszwalb'");
    expect(() => new AnchorImage(ok, { shape, segmentationOptions: { nSegments: -2 } })).toThrow('option nSegments is -2');
    expect(() => new AnchorImage(ok, { shape, pSample: 0.5 } as never)).toThrow('unknown option "pSample"');
    expect(() => new AnchorImage(ok, { shape, fill: 'blur' as never })).toThrow("option fill is \"blur\"; expected 'mean', 'background', a finite number, or 3 finite numbers");
    expect(() => new AnchorImage(ok, { shape, fill: 'background' })).toThrow("option fill is 'background' but no imagesBackground were given");
    expect(() => new AnchorImage(ok, { shape, fill: 0, imagesBackground: [image] })).toThrow('background images are used only with fill');
    expect(() => new AnchorImage(ok, { shape, imagesBackground: [texturedImage(1), { ...image, height: 16, data: image.data.subarray(0, 16 * 32 * 3) }] })).toThrow(
      'background image 1 is 16x32x3; expected 32x32x3',
    );
    expect(() => new AnchorImage('model' as never, { shape })).toThrow(PredictorError);

    const explainer = new AnchorImage(ok, { shape, seed: 1 });
    await expect(explainer.explain(toImage([[[0, 0, 0]]]))).rejects.toThrow('the explained image is 1x1x3; expected 32x32x3');
    const bad = Float32Array.from(image.data);
    bad[(5 * SIZE + 6) * 3 + 2] = Infinity;
    await expect(explainer.explain({ ...image, data: bad })).rejects.toThrow('channel 2 of pixel (row 5, column 6) is Infinity; expected a finite number');
    await expect(explainer.explain(image, { pSample: 0 })).rejects.toThrow('option pSample is 0; expected a number in (0, 1]');
    await expect(explainer.explain(image, { treshold: 0.9 } as never)).rejects.toThrow('unknown option "treshold"');

    const segmented = new AnchorImage(ok, { shape, segmentation: () => new Array(SIZE * SIZE).fill(1), seed: 1 });
    await expect(segmented.explain(image)).rejects.toThrow('no pixel has label 0; expected labels 0..K-1 with every label used');

    const short = new AnchorImage((images: Image[]) => images.slice(1).map(() => 0), { shape, seed: 1 });
    await expect(short.explain(image)).rejects.toThrow(PredictorError);
    await expect(short.explain(image)).rejects.toThrow('predictor returned 100 predictions for 101 inputs');
    const throwing = new AnchorImage(() => { throw new Error('GPU on fire'); }, { shape, seed: 1 });
    await expect(throwing.explain(image)).rejects.toThrow('predictor threw on call 1 (a batch of 101 inputs): GPU on fire');
    expect(() => toLabels([[0.5, NaN]], 1)).toThrow(PredictorError);
    await expect(explainer.explain(null as never)).rejects.toThrow(InvalidInputError);
  });
});
