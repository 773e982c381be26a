import { describe, expect, it } from 'vitest';
import { loadPhoto, PHOTOS, type PhotoName } from '../../src/datasets/photos.js';
import { toImage, type Image } from '../../src/image/image.js';
import { felzenszwalb } from '../../src/image/segmentation/felzenszwalb.js';
import { quickshift } from '../../src/image/segmentation/quickshift.js';
import { resolveSegmentation, segmentImage } from '../../src/image/segmentation/segment.js';
import {
  checkLabelImage,
  enforceConnectivity,
  relabelSequential,
  type Segments,
} from '../../src/image/segmentation/segments.js';
import { slic } from '../../src/image/segmentation/slic.js';

/** Checks that labels are 0..K-1, each used, and that each segment is one 4-connected piece (flood fill). */
function expectValid(s: Segments): void {
  const { labels, width, height, count } = s;
  expect(labels.length).toBe(width * height);
  const seen = new Uint8Array(count);
  const pieces = new Array<number>(count).fill(0);
  const visited = new Uint8Array(labels.length);
  const outOfRange = labels.filter((l) => !(l >= 0 && l < count));
  expect(outOfRange.length).toBe(0);
  for (let p = 0; p < labels.length; p++) {
    seen[labels[p]] = 1;
    if (visited[p]) continue;
    pieces[labels[p]] += 1;
    const stack = [p];
    visited[p] = 1;
    while (stack.length > 0) {
      const q = stack.pop() as number;
      const x = q % width;
      const visit = (r: number) => {
        if (r >= 0 && r < labels.length && !visited[r] && labels[r] === labels[q]) {
          visited[r] = 1;
          stack.push(r);
        }
      };
      if (x > 0) visit(q - 1);
      if (x < width - 1) visit(q + 1);
      visit(q - width);
      visit(q + width);
    }
  }
  expect(seen.every((v) => v === 1)).toBe(true);
  expect(pieces.filter((n) => n !== 1)).toEqual([]);
}

/**
 * The photo shrunk by the smallest integer factor that brings its longer side to `side` pixels or less,
 * averaging blocks of pixels (keeps the tests of the two large photos fast).
 */
function atMost(image: Image, side: number): Image {
  const f = Math.ceil(Math.max(image.height, image.width) / side);
  if (f === 1) return image;
  const h = Math.floor(image.height / f);
  const w = Math.floor(image.width / f);
  const C = image.channels;
  const data = new Float32Array(h * w * C);
  for (let y = 0; y < h * f; y++) {
    for (let x = 0; x < w * f; x++) {
      for (let c = 0; c < C; c++) data[(Math.floor(y / f) * w + Math.floor(x / f)) * C + c] += image.data[(y * image.width + x) * C + c] / (f * f);
    }
  }
  return { height: h, width: w, channels: C, data };
}

/** Three flat 20 × 20 blocks side by side: red, green, blue. */
function blocks(): Image {
  const colours = [[0.9, 0.1, 0.1], [0.1, 0.8, 0.2], [0.1, 0.2, 0.9]];
  return toImage(Array.from({ length: 20 }, () => Array.from({ length: 60 }, (_, x) => colours[Math.floor(x / 20)])));
}

function blockLabels(): number[] {
  return Array.from({ length: 20 * 60 }, (_, p) => Math.floor((p % 60) / 20));
}

describe('SLIC', () => {
  it.each(Object.keys(PHOTOS) as PhotoName[])('segments %s into roughly the requested number of connected segments', (name) => {
    const s = slic(atMost(loadPhoto(name), 640), { nSegments: 100 });
    expect(s.count).toBeGreaterThanOrEqual(50);
    expect(s.count).toBeLessThanOrEqual(150);
    expectValid(s);
  });

  it('is deterministic', () => {
    const photo = loadPhoto('chelsea');
    const a = slic(photo, { nSegments: 30 });
    const b = slic(photo, { nSegments: 30 });
    expect(b).toEqual(a);
    expect(a.count).toBeGreaterThan(15);
  });

  it('finds flat colour blocks exactly', () => {
    const s = slic(blocks(), { nSegments: 3 });
    expect(Array.from(s.labels)).toEqual(blockLabels());
  });

  it('cuts a grey MNIST-sized image into a grid of about nSegments squares (colour barely counts at compactness 10)', () => {
    const img = toImage(Array.from({ length: 28 }, (_, y) => Array.from({ length: 28 }, (_, x) => ((x * y) % 7) / 7)));
    const s = slic(img);
    expect(s.count).toBe(9);
    expectValid(s);
    // Each segment is a compact block: no segment spans more than half the image in either direction.
    for (let k = 0; k < s.count; k++) {
      const ys: number[] = [];
      const xs: number[] = [];
      s.labels.forEach((l, p) => l === k && (ys.push(Math.floor(p / 28)), xs.push(p % 28)));
      expect(Math.max(...ys) - Math.min(...ys)).toBeLessThan(14);
      expect(Math.max(...xs) - Math.min(...xs)).toBeLessThan(14);
    }
  });

  it('rejects unknown and out-of-range options by name', () => {
    const img = blocks();
    expect(() => slic(img, { nSegmnets: 5 } as never)).toThrow('unknown option "nSegmnets"');
    expect(() => slic(img, { nSegments: 0 })).toThrow('option nSegments is 0; expected an integer in 1..10000');
    expect(() => slic(img, { compactness: -1 })).toThrow('option compactness is -1');
    expect(() => slic(img, { convert2lab: 'yes' } as never)).toThrow('option convert2lab is yes; expected true or false');
    expect(() => slic(toImage([[0, 1]]), { convert2lab: true })).toThrow('option convert2lab needs an RGB image of 3 channels');
  });
});

describe('quickshift', () => {
  it('gives a valid, connected, deterministic labelling of a photo', () => {
    const photo = loadPhoto('chelsea');
    const a = quickshift(photo, { kernelSize: 3, maxDist: 6 });
    expectValid(a);
    expect(a.count).toBeGreaterThan(20);
    expect(quickshift(photo, { kernelSize: 3, maxDist: 6 })).toEqual(a);
  });

  it('finds flat colour blocks exactly', () => {
    expect(Array.from(quickshift(blocks()).labels)).toEqual(blockLabels());
  });

  it('gives fewer segments for a larger maxDist', () => {
    const photo = loadPhoto('coffee');
    const crop = toImage(Array.from({ length: 120 }, (_, y) => Array.from({ length: 160 }, (_, x) => {
      const o = ((y + 140) * photo.width + x + 220) * 3;
      return [photo.data[o], photo.data[o + 1], photo.data[o + 2]];
    })));
    expect(quickshift(crop, { maxDist: 20 }).count).toBeLessThan(quickshift(crop, { maxDist: 5 }).count);
    expect(() => quickshift(crop, { ratio: 2 })).toThrow('option ratio is 2; expected a number in [0, 1]');
    expect(() => quickshift(toImage([[[0, 0, 0, 1]]]))).toThrow('quickshift segments images of 1 to 3 channels; the image has 4');
  });
});

describe('felzenszwalb', () => {
  it('gives a valid, connected, deterministic labelling of a photo with no segment under minSize', () => {
    const photo = loadPhoto('rocket');
    const a = felzenszwalb(photo, { scale: 100, minSize: 50 });
    expectValid(a);
    expect(a.count).toBeGreaterThan(20);
    const sizes = new Array<number>(a.count).fill(0);
    for (const l of a.labels) sizes[l] += 1;
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(50);
    expect(felzenszwalb(photo, { scale: 100, minSize: 50 })).toEqual(a);
  });

  it('finds flat colour blocks exactly, and larger scales give fewer segments', () => {
    expect(Array.from(felzenszwalb(blocks(), { scale: 100, sigma: 0 }).labels)).toEqual(blockLabels());
    const photo = loadPhoto('chelsea');
    expect(felzenszwalb(photo, { scale: 300 }).count).toBeLessThan(felzenszwalb(photo, { scale: 30 }).count);
    expect(() => felzenszwalb(photo, { minSize: 1.5 })).toThrow('option minSize is 1.5; expected an integer >= 0');
  });
});

describe('label images', () => {
  it('accepts a user segmentation as flat or nested labels 0..K-1', async () => {
    const img = toImage([[1, 2, 3], [4, 5, 6]]);
    const flat = await segmentImage(img, () => [0, 0, 1, 2, 2, 1]);
    expect(flat).toEqual({ height: 2, width: 3, count: 3, labels: Int32Array.from([0, 0, 1, 2, 2, 1]) });
    expect(await segmentImage(img, async () => [[0, 0, 1], [2, 2, 1]])).toEqual(flat);
  });

  it('rejects bad label images, naming the problem', async () => {
    const img = toImage([[1, 2, 3], [4, 5, 6]]);
    await expect(segmentImage(img, () => [0, 1, 2])).rejects.toThrow('the segmentation function returned 3 labels; expected 6 (2x3), one per pixel');
    await expect(segmentImage(img, () => [0, 1, 1.5, 0, 0, 0])).rejects.toThrow('returned 1.5 as the label of pixel (row 0, column 2); expected an integer >= 0');
    await expect(segmentImage(img, () => [1, 1, 2, 2, 3, 3])).rejects.toThrow('no pixel has label 0; expected labels 0..K-1 with every label used (renumber them with relabelSequential)');
    await expect(segmentImage(img, () => [[0, 0], [0, 0]])).rejects.toThrow('returned row 0 with 2 labels; expected 3');
    await expect(segmentImage(img, () => null as never)).rejects.toThrow('returned null; expected a label image');
    await expect(segmentImage(img, () => { throw new Error('boom'); })).rejects.toThrow('the segmentation function threw: boom');
    expect(() => checkLabelImage([0, -1, 0, 0, 0, 0], 2, 3)).toThrow('returned -1 as the label of pixel (row 0, column 1)');
  });

  it('renumbers labels in order of first pixels', () => {
    expect(relabelSequential([5, 5, 1, 9, 1, 9], 2, 3)).toEqual({ height: 2, width: 3, count: 3, labels: Int32Array.from([0, 0, 1, 2, 1, 2]) });
  });

  it('splits disconnected segments and merges small pieces into a neighbour', () => {
    // Label 0 has two pieces (left column and right column); label 1 has a one-pixel piece at (0, 2).
    const labels = Int32Array.from([
      0, 1, 1, 0,
      0, 1, 1, 0,
      0, 1, 1, 0,
    ]);
    expect(Array.from(enforceConnectivity(labels, 3, 4, 1).labels)).toEqual([0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2]);
    const stray = Int32Array.from([
      0, 0, 1, 1,
      0, 1, 1, 1,
      0, 0, 0, 1,
    ]);
    // A lone 0 at (1, 3) joins the 1s left of it; that cuts off the 1 at (2, 3), which joins the 0s left of it.
    stray[7] = 0;
    expect(Array.from(enforceConnectivity(stray, 3, 4, 2).labels)).toEqual([0, 0, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0]);
    expect(enforceConnectivity(stray, 3, 4, 2).count).toBe(2);
  });

  it('checks the segmentation choice and its options up front', () => {
    expect(resolveSegmentation('slic', { nSegments: 20 }).options).toMatchObject({ nSegments: 20, compactness: 10, sigma: 0.5 });
    expect(resolveSegmentation('felzenszwalb', undefined).options).toEqual({ scale: 1, sigma: 0.8, minSize: 20 });
    expect(() => resolveSegmentation('watershed', undefined)).toThrow(
      "option segmentation is \"watershed\"; expected one of 'slic', 'quickshift', 'felzenszwalb' or a function",
    );
    expect(() => resolveSegmentation(() => [], { nSegments: 3 })).toThrow('segmentationOptions applies to the built-in segmentations only');
    expect(() => resolveSegmentation('quickshift', { kernel_size: 3 })).toThrow('unknown option "kernel_size"');
  });
});
