import { InvalidInputError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { Image } from '../../image/image.js';
import type { Segments } from '../../image/segmentation/segments.js';
import type { MaskPerturbation } from '../mask-sampler.js';

/**
 * What replaces a perturbed superpixel: `'mean'`, the superpixel's mean colour (Alibi Explain's
 * "fudged" image); `'background'`, the same pixels of a background image drawn at random for each
 * sample; or a constant value, one for all channels or one per channel.
 */
export type ImageFill = 'mean' | 'background' | number | readonly number[];

/**
 * One perturbed image, kept compactly: which superpixels keep the explained image's pixels (1) and which
 * are replaced (0), and the background image the replacements come from (−1 when the fill is not
 * `'background'`). {@link SuperpixelPerturbation.render} turns it into pixels.
 */
export interface ImageSample {
  readonly mask: Uint8Array;
  readonly background: number;
}

/** The pixels of each segment, as offsets into `pixels` (CSR): segment s is `pixels[start[s] .. start[s+1])`. */
export interface SegmentPixels {
  readonly start: Int32Array;
  readonly pixels: Int32Array;
}

/** Lists the pixels (row-major indices) of every segment. */
export function segmentPixels(segments: Segments): SegmentPixels {
  const { labels, count } = segments;
  const start = new Int32Array(count + 1);
  for (let p = 0; p < labels.length; p++) start[labels[p] + 1] += 1;
  for (let s = 0; s < count; s++) start[s + 1] += start[s];
  const next = start.slice(0, count);
  const pixels = new Int32Array(labels.length);
  for (let p = 0; p < labels.length; p++) pixels[next[labels[p]]++] = p;
  return { start, pixels };
}

/**
 * The "fudged" image of Alibi Explain's image anchors: every superpixel painted with its mean value,
 * channel by channel.
 */
export function meanFillImage(image: Image, segments: Segments): Image {
  const { channels, data } = image;
  const { start, pixels } = segmentPixels(segments);
  const out = new Float32Array(data.length);
  const sum = new Float64Array(channels);
  for (let s = 0; s < segments.count; s++) {
    sum.fill(0);
    for (let i = start[s]; i < start[s + 1]; i++) for (let c = 0; c < channels; c++) sum[c] += data[pixels[i] * channels + c];
    const n = start[s + 1] - start[s];
    for (let i = start[s]; i < start[s + 1]; i++) for (let c = 0; c < channels; c++) out[pixels[i] * channels + c] = sum[c] / n;
  }
  return { ...shapeOf(image), data: out };
}

/** An image of the given image's shape with every pixel set to `value` (one number, or one per channel). */
export function constantFillImage(image: Image, value: number | readonly number[]): Image {
  const values = typeof value === 'number' ? new Array<number>(image.channels).fill(value) : value;
  const out = new Float32Array(image.data.length);
  for (let i = 0; i < out.length; i++) out[i] = values[i % image.channels];
  return { ...shapeOf(image), data: out };
}

/**
 * The image with the superpixels of `keep` (1 = keep) as they are and the others taken from `fill`, an
 * image of the same shape. `keep` has one entry per segment.
 */
export function maskImage(image: Image, segments: Segments, keep: ArrayLike<number>, fill: Image, pixels = segmentPixels(segments)): Image {
  const { channels } = image;
  const out = Float32Array.from(image.data);
  for (let s = 0; s < segments.count; s++) {
    if (keep[s]) continue;
    for (let i = pixels.start[s]; i < pixels.start[s + 1]; i++) {
      const o = pixels.pixels[i] * channels;
      for (let c = 0; c < channels; c++) out[o + c] = fill.data[o + c];
    }
  }
  return { ...shapeOf(image), data: out };
}

function shapeOf(image: Image): { height: number; width: number; channels: number } {
  return { height: image.height, width: image.width, channels: image.channels };
}

/**
 * Checks a fill against the image's channels and the background images given.
 *
 * @throws InvalidInputError for an unknown fill, a constant that is not finite or has the wrong number
 *   of channels, `'background'` without background images, or background images with another fill.
 */
export function checkFill(fill: unknown, channels: number, backgrounds: number): ImageFill {
  if (fill === 'background') {
    if (backgrounds === 0) throw new InvalidInputError("option fill is 'background' but no imagesBackground were given; pass background images or another fill");
    return fill;
  }
  if (backgrounds > 0) {
    throw new InvalidInputError(`imagesBackground were given but option fill is ${JSON.stringify(fill)}; background images are used only with fill 'background' (the default when they are given)`);
  }
  if (fill === 'mean') return fill;
  if (typeof fill === 'number' && Number.isFinite(fill)) return fill;
  if (Array.isArray(fill) && fill.length === channels && fill.every((v) => typeof v === 'number' && Number.isFinite(v))) return [...fill];
  throw new InvalidInputError(
    `option fill is ${Array.isArray(fill) ? `[${fill.join(', ')}]` : JSON.stringify(fill) ?? String(fill)}; expected 'mean', 'background', ` +
      `a finite number, or ${channels} finite numbers (one per channel)`,
  );
}

/**
 * The perturbation of image anchors (Ribeiro et al., AAAI 2018, §3.3; Alibi Explain's `AnchorImage`):
 * the features are the superpixels of the image's segmentation, and a perturbed superpixel takes its
 * pixels from the fill image (the superpixel means, a constant) or from a background image drawn
 * uniformly for each sample. Samples are kept as masks ({@link ImageSample}); pixels are made only when
 * the model is asked about them ({@link render}), so a search holds masks, not images.
 */
export class SuperpixelPerturbation implements MaskPerturbation<ImageSample> {
  readonly numFeatures: number;
  private readonly pixels: SegmentPixels;
  private readonly fillImage: Image | undefined;

  constructor(
    readonly image: Image,
    readonly segments: Segments,
    readonly fill: ImageFill,
    private readonly backgrounds: readonly Image[] = [],
  ) {
    this.numFeatures = segments.count;
    this.pixels = segmentPixels(segments);
    this.fillImage = fill === 'background' ? undefined : fill === 'mean' ? meanFillImage(image, segments) : constantFillImage(image, fill);
  }

  perturb(masks: Uint8Array, count: number, rng: Rng): ImageSample[] {
    const F = this.numFeatures;
    const samples: ImageSample[] = new Array(count);
    for (let k = 0; k < count; k++) {
      const background = this.fillImage === undefined ? rng.int(this.backgrounds.length) : -1;
      samples[k] = { mask: masks.slice(k * F, (k + 1) * F), background };
    }
    return samples;
  }

  /** The pixels of a sample. */
  render(sample: ImageSample): Image {
    const fill = this.fillImage ?? this.backgrounds[sample.background];
    return maskImage(this.image, this.segments, sample.mask, fill, this.pixels);
  }

  /** The explained image itself, as a sample that keeps every superpixel. */
  original(): ImageSample {
    return { mask: new Uint8Array(this.numFeatures).fill(1), background: this.fillImage === undefined ? 0 : -1 };
  }
}
