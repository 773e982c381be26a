import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { toImage } from '../../src/image/image.js';
import { ANCHOR_RENDER_DEFAULTS, renderAnchor, renderAnchorPng } from '../../src/image/render.js';

// A 4 × 4 grey image in two segments: the left half (0) and the right half (1).
const image = toImage(Array.from({ length: 4 }, () => [0.2, 0.4, 0.6, 0.8]));
const segments = Array.from({ length: 4 }, () => [0, 0, 1, 1]);
const rgb = (img: { data: Float32Array }, p: number) => Array.from(img.data.subarray(p * 3, p * 3 + 3)).map((v) => Math.round(v * 255));

describe('renderAnchor', () => {
  it('magnifies the image, keeps the anchor, dims the rest and outlines the anchor', () => {
    const out = renderAnchor(image, segments, [1], { scale: 3 });
    expect([out.height, out.width, out.channels]).toEqual([12, 12, 3]);
    const at = (y: number, x: number) => rgb(out, y * 12 + x);
    // Inside the anchor (right half): the grey value itself, as RGB.
    expect(at(1, 10)).toEqual([204, 204, 204]);
    // Outside (left half): dimmed to 35%.
    expect(at(1, 1)).toEqual(Array(3).fill(Math.round(0.2 * 0.35 * 255)));
    // The boundary between the halves (last output column of segment 0) is drawn in the anchor colour.
    for (let y = 0; y < 12; y++) expect(at(y, 5)).toEqual([...ANCHOR_RENDER_DEFAULTS.anchorColour]);
    expect(at(3, 6)).toEqual(Array(3).fill(Math.round(0.6 * 255)));
  });

  it('draws boundaries between segments outside the anchor in the boundary colour', () => {
    const out = renderAnchor(image, segments, [], { scale: 2, boundaryColour: [1, 2, 3] });
    expect(rgb(out, 0 * 8 + 3)).toEqual([1, 2, 3]);
    expect(rgb(out, 0 * 8 + 0)).toEqual(Array(3).fill(Math.round(0.2 * 0.35 * 255)));
  });

  it('picks a scale that makes small images at least 280 pixels wide, and encodes PNG', () => {
    const png = PNG.sync.read(renderAnchorPng(image, segments, [0]));
    expect([png.width, png.height]).toEqual([280, 280]);
  });

  it('rejects segmentations that do not fit and anchors that are not segments', () => {
    expect(() => renderAnchor(image, [[0, 1]], [0])).toThrow('the segmentation returned 1 rows of labels; expected 4');
    expect(() => renderAnchor(image, segments, [2])).toThrow('anchor segment 2 is not a segment; expected labels 0..1');
    expect(() => renderAnchor(image, segments, [0], { dim: 2 })).toThrow('option dim is 2');
    expect(() => renderAnchor(image, segments, [0], { anchorColour: [300, 0, 0] })).toThrow('option anchorColour is [300,0,0]');
  });
});
