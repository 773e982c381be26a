import { InvalidInputError } from '../../core/errors.js';
import type { Explanation } from '../../core/explanation.js';
import { createRng } from '../../core/rng.js';
import { checkShape, formatShape, imageToNested, toImage, type Image, type ImageInput, type ImageShape } from '../../image/image.js';
import {
  resolveSegmentation,
  segmentImage,
  type Segmentation,
  type SegmentationFunction,
  type SegmentationMethod,
  type SegmentationOptions,
} from '../../image/segmentation/segment.js';
import type { Segments } from '../../image/segmentation/segments.js';
import { assertPredictor, LabelModel, resolveTask, type Predictor, type Task } from '../../predictors/predictor.js';
import { predictExplained, type IntervalOption } from '../target.js';
import { searchAnchor } from '../beam-search.js';
import { anchorExplanation, type AnchorRaw, type AnchorStepExamples } from '../explanation.js';
import { MaskSampler } from '../mask-sampler.js';
import {
  checkCoverageSamples,
  checkInteger,
  checkNumber,
  rejectUnknownOptions,
  resolveSearchOptions,
  stripUndefined,
  type AnchorSearchOptions,
} from '../options.js';
import { checkFill, SuperpixelPerturbation, type ImageFill, type ImageSample } from './superpixels.js';

/**
 * Options of {@link AnchorImage}: the image shape, the segmentation into superpixels, how replaced superpixels
 * are filled, and the seed.
 */
export interface AnchorImageOptions {
  /** `[height, width, channels]` of the images explained, e.g. `[28, 28, 1]`. Required. */
  shape: readonly [number, number, number];
  /** `'slic'` (default), `'quickshift'`, `'felzenszwalb'`, or a function from an image to a label image. */
  segmentation?: Segmentation;
  /** Options of the built-in segmentation, named as in scikit-image (`nSegments`, `compactness`, `sigma` …). */
  segmentationOptions?: SegmentationOptions;
  /** What perturbed superpixels become: `'mean'` (default), `'background'`, or a constant (see {@link ImageFill}). */
  fill?: ImageFill;
  /** Images whose pixels replace perturbed superpixels, one drawn at random per sample (sets fill `'background'`). */
  imagesBackground?: readonly ImageInput[];
  /** Seed of every random choice; the same seed and inputs give the same explanation. */
  seed?: number | string;
  /** `'classification'` or `'regression'` (a model scoring images with one number); default: what the model declares, else classification. */
  task?: Task;
}

/**
 * Options of {@link AnchorImage.explain}: the anchors search's with Alibi Explain's defaults, the perturbation
 * probability and the coverage sample.
 */
export interface AnchorImageExplainOptions extends Partial<AnchorSearchOptions> {
  /** Probability that a superpixel outside the anchor is perturbed in a sample. */
  pSample?: number;
  /** Samples of the perturbation distribution on which coverage is measured. */
  coverageSamples?: number;
  /**
   * Regression only, and required there: the interval `[low, high]` (holding ŷ) or `{ width }` (centred
   * on ŷ) the predicted value must stay in. (`'auto'` needs training rows, which an image explainer has not.)
   */
  interval?: IntervalOption;
}

/**
 * Defaults of AnchorImage, Alibi Explain's: `segmentation_fn 'slic'` (with the SLIC arguments of
 * `SLIC_DEFAULTS`), perturbed superpixels replaced by their mean ("fudged" image) unless background
 * images are given, `p_sample 0.5`, `coverage_samples 10000`; seed 0 so that explanations are
 * reproducible unless a seed is chosen. The search defaults are the shared ones (threshold 0.95 …).
 */
export const ANCHOR_IMAGE_DEFAULTS = Object.freeze({
  segmentation: 'slic' as Segmentation,
  seed: 0 as number | string,
  pSample: 0.5,
  coverageSamples: 10_000,
});

/**
 * A perturbed image of an anchor step, compactly: `mask` has one entry per segment, 1 where the
 * superpixel keeps the explained image's pixels and 0 where it was replaced; `background` is the index of
 * the background image the replacements came from (fill `'background'` only). Rebuild the pixels with
 * `AnchorImage.perturbationFor(image)` and its `render`, or with `maskImage`.
 */
export interface ImageExample {
  mask: number[];
  background?: number;
}

/** One prefix of the anchor, with perturbed images the model agreed (covered_true) or disagreed (covered_false) on. */
export type ImageAnchorExamples = AnchorStepExamples<ImageExample>;

/**
 * The `data` of an AnchorImage explanation: the image with only the anchor's superpixels, the segments,
 * precision and coverage, and `raw` with Alibi Explain's keys (the search's steps and examples as masks,
 * `all_precision`, `num_preds` ...) and the anchor's segments.
 */
export interface AnchorImageData {
  /**
   * The explained image with only the anchor's superpixels, `[h][w][c]`: their pixels are the image's and
   * every other pixel is 0, as in Alibi Explain.
   */
  anchor: number[][][];
  /** The segmentation, `[h][w]` labels 0..K−1: superpixel `s` is the pixels labelled `s`. */
  segments: number[][];
  precision: number;
  coverage: number;
  raw: AnchorRaw<ImageExample> & {
    /** The anchor's superpixels (segment labels), in the order the search added them. */
    anchor_segments: number[];
    /** Number of superpixels K. */
    num_segments: number;
    /** Pixels in each superpixel, by label. */
    segment_sizes: number[];
  };
}

/**
 * Everything an AnchorImage explains with, as plain data (see {@link AnchorImage.toState}): shape,
 * segmentation and its options (`'function'` for a user's function, which is passed on restoring), fill,
 * seed, and the background images, stacked. No model: that is passed on restoring.
 */
export interface AnchorImageState {
  shape: [number, number, number];
  segmentation: SegmentationMethod | 'function';
  segmentationOptions: SegmentationOptions;
  fill: ImageFill;
  seed: number | string;
  /** The background images, each `height × width × channels` values (HWC), one after another. */
  backgrounds: Float32Array;
  /** `'regression'` for a regression explainer; absent for a classifier. */
  task?: Task;
}

const OPTION_NAMES = ['shape', 'segmentation', 'segmentationOptions', 'fill', 'imagesBackground', 'seed', 'task'];

/**
 * Anchor explanations of image classifiers (Ribeiro, Singh & Guestrin, "Anchors: High-Precision
 * Model-Agnostic Explanations", AAAI 2018, §3.3): the image is cut into superpixels, and the anchor is
 * the few superpixels that, when they stay while the others are replaced (by their mean colour, a
 * constant or a background image), keep the model's prediction with high probability (precision); its
 * coverage is how often perturbed images keep them. Perturbation follows Alibi Explain's `AnchorImage`.
 *
 * The predictor receives a batch of {@link Image}s (Float32Array data, HWC); `imagesToBatch` stacks them
 * for `tf.tensor4d`.
 */
export class AnchorImage {
  readonly shape: ImageShape;
  private readonly predictor: Predictor<Image>;
  private readonly segmentation: Segmentation;
  private readonly segmentationOptions: SegmentationOptions;
  private readonly fill: ImageFill;
  private readonly backgrounds: Image[];
  private readonly seed: number | string;
  /** What the model predicts: classes, or (regression) a number per image. */
  readonly task: Task;

  constructor(predictor: Predictor<Image>, options: AnchorImageOptions) {
    this.predictor = assertPredictor(predictor);
    if (options === null || typeof options !== 'object') {
      throw new InvalidInputError('AnchorImage needs options with at least the image shape: { shape: [height, width, channels] }');
    }
    rejectUnknownOptions(options, OPTION_NAMES);
    this.shape = Object.freeze([...checkShape(options.shape, 'option shape')]) as unknown as ImageShape;
    const resolved = resolveSegmentation(options.segmentation ?? ANCHOR_IMAGE_DEFAULTS.segmentation, options.segmentationOptions);
    this.segmentation = resolved.segmentation;
    this.segmentationOptions = resolved.options;
    const backgrounds = options.imagesBackground ?? [];
    if (!Array.isArray(backgrounds)) {
      throw new InvalidInputError(`option imagesBackground is ${typeof backgrounds}; expected an array of images of shape ${formatShape(this.shape)}`);
    }
    this.backgrounds = backgrounds.map((b, i) => toImage(b, this.shape, `background image ${i}`));
    this.fill = checkFill(options.fill ?? (this.backgrounds.length > 0 ? 'background' : 'mean'), this.shape[2], this.backgrounds.length);
    this.seed = options.seed ?? ANCHOR_IMAGE_DEFAULTS.seed;
    if (typeof this.seed !== 'number' && typeof this.seed !== 'string') {
      throw new InvalidInputError(`option seed is ${typeof this.seed}; expected a number or a string`);
    }
    this.task = resolveTask(predictor, options.task, 'AnchorImage');
  }

  /**
   * The options this explainer explains with, as plain data for `saveExplainer`: restoring them with
   * {@link AnchorImage.fromState} and the same model (and segmentation function, if it has one) gives
   * identical explanations.
   */
  toState(): AnchorImageState {
    const size = this.shape[0] * this.shape[1] * this.shape[2];
    const backgrounds = new Float32Array(this.backgrounds.length * size);
    this.backgrounds.forEach((b, i) => backgrounds.set(b.data, i * size));
    return {
      shape: [...this.shape],
      segmentation: typeof this.segmentation === 'function' ? 'function' : this.segmentation,
      segmentationOptions: { ...this.segmentationOptions },
      fill: typeof this.fill === 'object' ? [...this.fill] : this.fill,
      seed: this.seed,
      backgrounds,
      ...(this.task === 'regression' && { task: this.task }),
    };
  }

  /**
   * The explainer a {@link AnchorImage.toState} state describes, for `predictor`; `segmentation` is the
   * function to segment with when the state's segmentation is `'function'`.
   *
   * @throws InvalidInputError for invalid options, background values that are not whole images, or a
   *   segmentation function missing (or given for a built-in segmentation).
   */
  static fromState(predictor: Predictor<Image>, state: AnchorImageState, segmentation?: SegmentationFunction): AnchorImage {
    const shape = checkShape(state.shape, 'state shape');
    const [height, width, channels] = shape;
    const size = height * width * channels;
    if (state.backgrounds.length % size !== 0) {
      throw new InvalidInputError(`state backgrounds has ${state.backgrounds.length} values; expected a multiple of ${size} (images of shape ${formatShape(shape)})`);
    }
    if ((state.segmentation === 'function') !== (segmentation !== undefined)) {
      throw new InvalidInputError(
        state.segmentation === 'function'
          ? 'the explainer segments with a function of its own; pass it (option segmentation) to restore it'
          : `the explainer segments with '${state.segmentation}'; restore it without a segmentation function`,
      );
    }
    const imagesBackground = Array.from({ length: state.backgrounds.length / size }, (_, i): Image => ({
      height,
      width,
      channels,
      data: state.backgrounds.slice(i * size, (i + 1) * size),
    }));
    return new AnchorImage(predictor, {
      shape,
      segmentation: segmentation ?? (state.segmentation as SegmentationMethod),
      ...(segmentation === undefined && { segmentationOptions: state.segmentationOptions }),
      fill: state.fill,
      imagesBackground,
      seed: state.seed,
      task: state.task ?? 'classification', // a state without a task is a classifier's
    });
  }

  /**
   * The perturbation distribution `explain` samples `image` from: its segmentation and how it replaces
   * superpixels. Useful to look at samples, or to check an anchor on fresh samples.
   *
   * @throws InvalidInputError for an image of the wrong shape or with non-finite values, or a
   *   segmentation function returning a bad label image.
   */
  async perturbationFor(image: ImageInput): Promise<SuperpixelPerturbation> {
    const img = toImage(image, this.shape, 'the explained image');
    const segments = await segmentImage(img, this.segmentation, this.segmentationOptions);
    return new SuperpixelPerturbation(img, segments, this.fill, this.backgrounds);
  }

  /** Explains the model's prediction for one image. */
  async explain(image: ImageInput, options: AnchorImageExplainOptions = {}): Promise<Explanation<AnchorImageData>> {
    const {
      pSample = ANCHOR_IMAGE_DEFAULTS.pSample,
      coverageSamples = ANCHOR_IMAGE_DEFAULTS.coverageSamples,
      interval,
      ...searchGiven
    } = stripUndefined(options);
    checkNumber('pSample', pSample, 0, 1, { openLow: true });
    checkCoverageSamples(coverageSamples);
    const search = resolveSearchOptions(searchGiven, undefined, ['pSample', 'coverageSamples', 'interval']);
    const perturbation = await this.perturbationFor(image);
    const { segments } = perturbation;

    const model = new LabelModel<ImageSample>((samples) => this.predictor(samples.map((s) => perturbation.render(s))), this.task);
    // The samples of the empty anchor do not depend on the prediction: it comes with their batch.
    const explained = predictExplained(model, perturbation.original(), interval, () => undefined);
    const sampler = new MaskSampler(perturbation, model, explained.target, createRng(this.seed), {
      perturbProbability: pSample,
      coverageSamples,
    });
    const found = await searchAnchor(sampler, search);

    const sizes = new Array<number>(segments.count).fill(0);
    for (const s of segments.labels) sizes[s] += 1;
    return anchorExplanation({
      name: 'AnchorImage',
      found,
      search,
      coverageSamples,
      explained,
      usage: model.usage,
      example: toExample,
      data: (raw): AnchorImageData => ({
        anchor: imageToNested(anchorImage(perturbation.image, segments, found.anchor)),
        segments: labelRows(segments),
        precision: found.precision,
        coverage: found.coverage,
        raw: { anchor_segments: found.anchor, num_segments: segments.count, segment_sizes: sizes, ...raw },
      }),
      params: {
        seed: this.seed,
        shape: [...this.shape],
        segmentation: typeof this.segmentation === 'function' ? 'function' : this.segmentation,
        segmentation_options: { ...this.segmentationOptions },
        fill: this.fill,
        images_background: this.backgrounds.length,
        p_sample: pSample,
      },
    });
  }
}

/** The image with the pixels of the anchor's superpixels and zeros elsewhere (Alibi Explain's `anchor`). */
function anchorImage(image: Image, segments: Segments, anchor: readonly number[]): Image {
  const keep = new Uint8Array(segments.count);
  for (const s of anchor) keep[s] = 1;
  const { channels } = image;
  const data = new Float32Array(image.data.length);
  for (let p = 0; p < segments.labels.length; p++) {
    if (!keep[segments.labels[p]]) continue;
    for (let c = 0; c < channels; c++) data[p * channels + c] = image.data[p * channels + c];
  }
  return { height: image.height, width: image.width, channels, data };
}

function labelRows(segments: Segments): number[][] {
  return Array.from({ length: segments.height }, (_, y) => Array.from(segments.labels.subarray(y * segments.width, (y + 1) * segments.width)));
}

function toExample(sample: ImageSample): ImageExample {
  return { mask: Array.from(sample.mask), ...(sample.background >= 0 && { background: sample.background }) };
}
