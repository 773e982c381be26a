import { GlassboxError, InvalidInputError } from '../../core/errors.js';
import type { Image } from '../image.js';
import { felzenszwalb, resolveFelzenszwalbOptions, type FelzenszwalbOptions } from './felzenszwalb.js';
import { quickshift, resolveQuickshiftOptions, type QuickshiftOptions } from './quickshift.js';
import { checkLabelImage, type LabelImageInput, type Segments } from './segments.js';
import { resolveSlicOptions, slic, type SlicOptions } from './slic.js';

/** The built-in segmentations, by the names scikit-image and Alibi Explain use. */
export type SegmentationMethod = 'slic' | 'quickshift' | 'felzenszwalb';

/**
 * A user's segmentation: from an image to a label image (flat row-major or nested `[h][w]`) with labels
 * 0..K−1, every one used; synchronous or asynchronous.
 */
export type SegmentationFunction = (image: Image) => LabelImageInput | Promise<LabelImageInput>;

/** How an image is cut into superpixels: a built-in method by name, or a function from an image to a label image. */
export type Segmentation = SegmentationMethod | SegmentationFunction;

/** The options of each built-in segmentation. */
export interface SegmentationOptionsByMethod {
  slic: SlicOptions;
  quickshift: QuickshiftOptions;
  felzenszwalb: FelzenszwalbOptions;
}

/** The options of a built-in segmentation (SLIC, quick shift or Felzenszwalb–Huttenlocher). */
export type SegmentationOptions = SlicOptions | QuickshiftOptions | FelzenszwalbOptions;

const METHODS: {
  [M in SegmentationMethod]: {
    run: (image: Image, options: SegmentationOptionsByMethod[M]) => Segments;
    resolve: (options: SegmentationOptionsByMethod[M]) => SegmentationOptionsByMethod[M];
  };
} = {
  slic: { run: slic, resolve: resolveSlicOptions },
  quickshift: { run: quickshift, resolve: resolveQuickshiftOptions },
  felzenszwalb: { run: felzenszwalb, resolve: resolveFelzenszwalbOptions },
};

/**
 * The built-in segmentations into superpixels: SLIC (Achanta et al. 2012), quick shift (Vedaldi & Soatto 2008)
 * and Felzenszwalb–Huttenlocher (2004).
 */
export const SEGMENTATION_METHODS = Object.keys(METHODS) as SegmentationMethod[];

/** A segmentation choice with its options checked and completed with their defaults. */
export interface ResolvedSegmentation {
  segmentation: Segmentation;
  /** The built-in method's options over its defaults; empty for a function. */
  options: SegmentationOptions;
}

/**
 * Checks a segmentation choice, one of {@link SEGMENTATION_METHODS} or a function, and the options of a
 * built-in method, completing them with the method's defaults.
 *
 * @throws InvalidInputError on an unknown method, an unknown or out-of-range option, or options given
 *   with a function.
 */
export function resolveSegmentation(segmentation: unknown, options: unknown): ResolvedSegmentation {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    throw new InvalidInputError(`option segmentationOptions is ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}; expected an object`);
  }
  if (typeof segmentation === 'function') {
    if (options !== undefined && Object.keys(options).length > 0) {
      throw new InvalidInputError('option segmentationOptions applies to the built-in segmentations only; a segmentation function takes none');
    }
    return { segmentation: segmentation as SegmentationFunction, options: {} };
  }
  if (typeof segmentation !== 'string' || !Object.hasOwn(METHODS, segmentation)) {
    throw new InvalidInputError(
      `option segmentation is ${typeof segmentation === 'string' ? JSON.stringify(segmentation) : typeof segmentation}; ` +
        `expected one of ${SEGMENTATION_METHODS.map((m) => `'${m}'`).join(', ')} or a function from an image to a label image`,
    );
  }
  const method = METHODS[segmentation as SegmentationMethod] as { resolve: (o: SegmentationOptions) => SegmentationOptions };
  return { segmentation: segmentation as SegmentationMethod, options: method.resolve((options ?? {}) as SegmentationOptions) };
}

/**
 * Segments an image into superpixels with a built-in method and its options, or with a user's function,
 * whose output is checked (see {@link checkLabelImage}).
 *
 * @throws InvalidInputError on bad options, or a function returning a bad label image.
 */
export async function segmentImage(image: Image, segmentation: Segmentation, options: SegmentationOptions = {}): Promise<Segments> {
  if (typeof segmentation === 'function') {
    let output: LabelImageInput;
    try {
      output = await segmentation(image);
    } catch (err) {
      if (err instanceof GlassboxError) throw err;
      throw new InvalidInputError(`the segmentation function threw: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    return checkLabelImage(output, image.height, image.width);
  }
  const method = METHODS[segmentation] as { run: (image: Image, options: SegmentationOptions) => Segments };
  return method.run(image, options);
}
