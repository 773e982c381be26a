import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AnchorImageData } from '../../src/anchors/image/anchor-image.js';
import { InvalidInputError } from '../../src/core/errors.js';
import type { Explanation } from '../../src/core/explanation.js';
import type { Image } from '../../src/image/image.js';
import { renderHtml } from '../../src/viz/render.js';
import { digitNames, explainDigit0 } from './fixtures.js';

let explanation: Explanation<AnchorImageData>;
let digit: Image;
let html: string;

/** The PNG pictures embedded in the card, decoded, with their alt text. */
function pictures(card: string, cls: string) {
  return [...card.matchAll(new RegExp(`<img class="${cls}" src="data:image/png;base64,([^"]+)" width="(\\d+)" height="(\\d+)" alt="([^"]*)">`, 'g'))].map((m) => ({
    png: PNG.sync.read(Buffer.from(m[1], 'base64')),
    width: Number(m[2]),
    height: Number(m[3]),
    alt: m[4],
  }));
}
const grey = (png: PNG, x: number, y: number) => png.data[(y * png.width + x) * 4];

beforeAll(async () => {
  ({ explanation, digit } = await explainDigit0());
  html = renderHtml(explanation, { image: digit, targetNames: digitNames });
});

describe('the anchor card of an image explanation (MNIST held-out digit 0, bundled CNN)', () => {
  it('shows the prediction, the anchor superpixels, precision and coverage', () => {
    const { anchor_segments: anchorSegments } = explanation.data.raw;
    expect(explanation.data.raw.prediction).toBe(4);
    expect(html).toContain('Why the model predicts <span class="gbx-pill">4</span>');
    for (const s of anchorSegments) expect(html).toContain(`<span class="gbx-pill">superpixel ${s}</span>`);
    expect(html).toContain(`aria-label="precision ${explanation.data.precision.toFixed(2)}"`);
    expect(html).toContain(`aria-label="coverage ${explanation.data.coverage.toFixed(2)}"`);
  });

  it('draws the image, its superpixels and the anchor as PNGs inside the HTML, magnified 10x', () => {
    const [original, outlined, anchor] = pictures(html, 'gbx-img');
    for (const p of [original, outlined, anchor]) expect([p.png.width, p.png.height, p.width, p.height]).toEqual([280, 280, 280, 280]);
    // The image: every magnified pixel is the digit's grey level.
    for (const [y, x] of [[5, 5], [14, 14], [20, 9], [10, 20]]) {
      expect(grey(original.png, x * 10 + 5, y * 10 + 5)).toBe(Math.round(255 * digit.data[y * 28 + x]));
    }
    const { segments, raw } = explanation.data;
    const inAnchor = (y: number, x: number) => raw.anchor_segments.includes(segments[y][x]);
    // The anchor: its superpixels keep their grey levels, the others are dimmed to 35%.
    let checked = 0;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const v = digit.data[y * 28 + x];
        if (v < 0.5) continue;
        const shown = grey(anchor.png, x * 10 + 5, y * 10 + 5);
        expect(shown).toBe(Math.round(255 * (inAnchor(y, x) ? v : 0.35 * v)));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(html).toContain(`<figcaption>${raw.num_segments} superpixels</figcaption>`);
    const pixels = raw.anchor_segments.reduce((n, s) => n + raw.segment_sizes[s], 0);
    expect(html).toContain(`${pixels} of 784 pixels</figcaption>`);
  });

  it('shows perturbed examples as thumbnails, agreeing and disagreeing', () => {
    const { covered_true, covered_false } = explanation.data.raw.examples.at(-1)!;
    const thumbs = pictures(html, 'gbx-thumb');
    expect(thumbs).toHaveLength(Math.min(5, covered_true.length) + Math.min(5, covered_false.length));
    expect(thumbs[0].png.width).toBe(112);
    expect(thumbs[0].alt).toBe(`perturbed example 1 (model agrees): superpixels ${covered_true[0].mask.flatMap((m, s) => (m ? [s] : [])).join(', ')} kept`);
    expect(html).toContain('Perturbed images that keep the anchor, where the model agrees (4)');
  });

  it('is self-contained and the same for the same explanation', () => {
    expect(html).not.toMatch(/<script|<link|href=|url\(|@import|src="(?!data:image\/png;base64,)/i);
    expect(renderHtml(JSON.parse(JSON.stringify(explanation)), { image: digit, targetNames: digitNames })).toBe(html);
  });

  it('needs the explained image, of the explanation’s size', () => {
    expect(() => renderHtml(explanation)).toThrow(InvalidInputError);
    expect(() => renderHtml(explanation)).toThrow('an AnchorImage card needs the explained image: pass it as options.image');
    const small = { height: 14, width: 14, channels: 1, data: new Float32Array(196) };
    expect(() => renderHtml(explanation, { image: small })).toThrow('options.image is 14x14x1; expected 28x28x1');
  });
});
