import { InvalidInputError } from '../core/errors.js';
import { checkInteger, checkNumber, rejectUnknownOptions } from '../anchors/options.js';
import { encodePng } from './codecs.js';
import { valueRange, type Image } from './image.js';
import { checkLabelImage, type LabelImageInput, type Segments } from './segmentation/segments.js';

/** An RGB colour, each channel 0–255. */
export type Rgb = readonly [number, number, number];

/**
 * Options of an image anchor's picture ({@link renderAnchorPng}): the scale, the dimming of superpixels outside
 * the anchor and the colours.
 */
export interface AnchorRenderOptions {
  /** Pixels drawn per image pixel; by default the smallest that makes the longer side at least 280 pixels (10 for MNIST). */
  scale?: number;
  /** How much of their brightness superpixels outside the anchor keep, in [0, 1] (default 0.35). */
  dim?: number;
  /** Colour of the outline of the anchor's superpixels (default amber `[255, 196, 0]`). */
  anchorColour?: Rgb;
  /** Colour of the other segment boundaries (default grey-blue `[90, 120, 160]`). */
  boundaryColour?: Rgb;
}

/** Defaults of {@link renderAnchor}: our choice, for a readable picture of a 28 × 28 digit or a photo. */
export const ANCHOR_RENDER_DEFAULTS = Object.freeze({
  minSide: 280,
  dim: 0.35,
  anchorColour: [255, 196, 0] as Rgb,
  boundaryColour: [90, 120, 160] as Rgb,
});

/**
 * A picture of an image anchor: the image (grey images drawn grey), magnified by `scale` with square
 * pixels, the superpixels outside the anchor dimmed, the boundaries between segments drawn one pixel wide,
 * and the boundaries of the anchor's superpixels in the anchor colour. Values are read in [0, 1], or as
 * 8-bit values when some exceed 1; a 2- or 4-channel image's alpha channel is ignored.
 *
 * @param segments the segmentation (`data.segments` of the explanation, or {@link Segments}).
 * @param anchorSegments the anchor's segment labels (`data.raw.anchor_segments`).
 * @returns an RGB {@link Image} with values in [0, 1]; {@link renderAnchorPng} encodes it.
 * @throws InvalidInputError when the segmentation does not fit the image, a label is not a segment, or an option is out of range.
 */
export function renderAnchor(
  image: Image,
  segments: Segments | LabelImageInput,
  anchorSegments: readonly number[],
  options: AnchorRenderOptions = {},
): Image {
  rejectUnknownOptions(options, ['scale', 'dim', 'anchorColour', 'boundaryColour']);
  const { height, width, channels, data } = image;
  const seg = isSegments(segments) ? segments : checkLabelImage(segments, height, width, 'the segmentation');
  if (seg.height !== height || seg.width !== width) {
    throw new InvalidInputError(`the segmentation is ${seg.height}x${seg.width}; expected ${height}x${width}, the image's size`);
  }
  const inAnchor = new Uint8Array(seg.count);
  for (const s of anchorSegments) {
    if (!Number.isInteger(s) || s < 0 || s >= seg.count) {
      throw new InvalidInputError(`anchor segment ${s} is not a segment; expected labels 0..${seg.count - 1}`);
    }
    inAnchor[s] = 1;
  }
  const scale = options.scale ?? Math.max(1, Math.ceil(ANCHOR_RENDER_DEFAULTS.minSide / Math.max(height, width)));
  checkInteger('scale', scale, 1);
  const dim = options.dim ?? ANCHOR_RENDER_DEFAULTS.dim;
  checkNumber('dim', dim, 0, 1);
  const anchorColour = checkColour('anchorColour', options.anchorColour ?? ANCHOR_RENDER_DEFAULTS.anchorColour);
  const boundaryColour = checkColour('boundaryColour', options.boundaryColour ?? ANCHOR_RENDER_DEFAULTS.boundaryColour);

  const { min, max } = valueRange(image);
  const unit = min >= 0 && max > 1 && max <= 255 ? 1 / 255 : 1;
  const colourChannels = channels >= 3 ? [0, 1, 2] : [0, 0, 0];
  const H = height * scale;
  const W = width * scale;
  const out = new Float32Array(H * W * 3);
  const labelAt = (Y: number, X: number) => seg.labels[Math.floor(Y / scale) * width + Math.floor(X / scale)];
  for (let Y = 0; Y < H; Y++) {
    for (let X = 0; X < W; X++) {
      const label = labelAt(Y, X);
      const o = (Y * W + X) * 3;
      const right = X + 1 < W ? labelAt(Y, X + 1) : label;
      const below = Y + 1 < H ? labelAt(Y + 1, X) : label;
      if (right !== label || below !== label) {
        const anchorEdge = inAnchor[label] || inAnchor[right] || inAnchor[below];
        const colour = anchorEdge ? anchorColour : boundaryColour;
        for (let c = 0; c < 3; c++) out[o + c] = colour[c] / 255;
        continue;
      }
      const p = (Math.floor(Y / scale) * width + Math.floor(X / scale)) * channels;
      const factor = inAnchor[label] ? unit : unit * dim;
      for (let c = 0; c < 3; c++) out[o + c] = Math.min(1, Math.max(0, data[p + colourChannels[c]] * factor));
    }
  }
  return { height: H, width: W, channels: 3, data: out };
}

/** {@link renderAnchor}, encoded as a PNG file's bytes. */
export function renderAnchorPng(
  image: Image,
  segments: Segments | LabelImageInput,
  anchorSegments: readonly number[],
  options: AnchorRenderOptions = {},
): Buffer {
  return encodePng(renderAnchor(image, segments, anchorSegments, options));
}

function isSegments(x: Segments | LabelImageInput): x is Segments {
  return typeof x === 'object' && x !== null && 'labels' in x && 'count' in x;
}

function checkColour(name: string, colour: unknown): Rgb {
  if (!Array.isArray(colour) || colour.length !== 3 || !colour.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) {
    throw new InvalidInputError(`option ${name} is ${JSON.stringify(colour)}; expected [red, green, blue], integers 0-255`);
  }
  return colour as unknown as Rgb;
}
