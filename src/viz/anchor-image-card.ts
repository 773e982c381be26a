import type { AnchorImageData, ImageExample } from '../anchors/image/anchor-image.js';
import { InvalidInputError } from '../core/errors.js';
import type { Explanation } from '../core/explanation.js';
import { toImage, type Image, type ImageInput } from '../image/image.js';
import { ANCHOR_RENDER_DEFAULTS, renderAnchor } from '../image/render.js';
import type { Segments } from '../image/segmentation/segments.js';
import {
  anchorFooter,
  anchorHeader,
  anchorSteps,
  checkMaxExamples,
  className,
  examplesHeading,
  type AnchorRenderOptions,
  type AnchorSummary,
  type ExamplesHeading,
} from './anchor-card.js';
import { downsample, figure, pngImg } from './images.js';
import { cardStyle } from './theme.js';

/** What an image card needs beyond the explanation: the explained image itself, and the class names. */
export interface ImageRenderOptions extends AnchorRenderOptions {
  /**
   * The explained image, in any form `AnchorImage.explain` takes (an explanation keeps only the anchor's
   * pixels). Values in [0, 1], or 0–255.
   */
  image?: ImageInput;
}

/** Brightness kept by superpixels a perturbed example replaced, in the example thumbnails. */
const REPLACED_DIM = 0.15;
/** One colour for every superpixel outline of an example thumbnail: it shows what was kept, not the anchor. */
const EXAMPLE_OUTLINE = ANCHOR_RENDER_DEFAULTS.boundaryColour;
/** Longest side of an example thumbnail, in pixels. */
const THUMBNAIL_SIDE = 112;

const superpixel = (s: number) => `superpixel ${s}`;

function segmentsOf(data: AnchorImageData): Segments {
  const height = data.segments.length;
  const width = height === 0 ? 0 : data.segments[0].length;
  return { height, width, count: data.raw.num_segments, labels: Int32Array.from(data.segments.flat()) };
}

function explainedImage(options: ImageRenderOptions, segments: Segments, data: AnchorImageData): Image {
  if (options.image === undefined) {
    throw new InvalidInputError('an AnchorImage card needs the explained image: pass it as options.image (the explanation keeps only the anchor\'s pixels)');
  }
  const channels = data.anchor[0]?.[0]?.length ?? 1;
  return toImage(options.image, [segments.height, segments.width, channels], 'options.image');
}

/** A perturbed example: the superpixels it kept as in the image, the ones it replaced dimmed. */
function exampleThumbnail(image: Image, segments: Segments, example: ImageExample, agrees: boolean, i: number): string {
  const kept = example.mask.flatMap((m, s) => (m === 1 ? [s] : []));
  const scale = Math.max(1, Math.floor(THUMBNAIL_SIDE / Math.max(image.height, image.width)));
  const outline = { boundaryColour: EXAMPLE_OUTLINE, anchorColour: EXAMPLE_OUTLINE };
  const picture = downsample(renderAnchor(image, segments, kept, { dim: REPLACED_DIM, scale, ...outline }), THUMBNAIL_SIDE);
  return pngImg(picture, `perturbed example ${i + 1} (model ${agrees ? 'agrees' : 'disagrees'}): superpixels ${kept.join(', ')} kept`, 'gbx-thumb');
}

function examplesGrid(image: Image, segments: Segments, examples: readonly ImageExample[], max: number, heading: ExamplesHeading): string {
  const shown = examples.slice(0, max);
  return (
    examplesHeading(heading, shown.length, examples.length) +
    (shown.length === 0
      ? ''
      : `<div class="gbx-thumbs">${shown.map((e, i) => exampleThumbnail(image, segments, e, heading.agrees, i)).join('')}</div>`)
  );
}

/**
 * The anchor card of an image explanation (`AnchorImage`): the prediction, the image, its superpixels
 * outlined, and the anchor's superpixels highlighted with the others dimmed (PNG pictures drawn by
 * `renderAnchor`, embedded in the HTML), the anchor's precision and coverage as bars, how the search
 * built it, and perturbed images that keep the anchor where the model agreed with the prediction and
 * where it did not (kept superpixels bright, replaced ones dimmed).
 */
export function renderAnchorImageHtml(explanation: Explanation<AnchorImageData>, options: ImageRenderOptions = {}): string {
  const { data, meta } = explanation;
  const { raw } = data;
  const maxExamples = checkMaxExamples(options.maxExamples);
  const segments = segmentsOf(data);
  const image = explainedImage(options, segments, data);
  const whole: Segments = { height: segments.height, width: segments.width, count: 1, labels: new Int32Array(segments.labels.length) };
  const prediction = className(raw.prediction, options.targetNames);
  const summary: AnchorSummary = {
    meta,
    prediction,
    anchor: raw.anchor_segments.map(superpixel),
    precision: data.precision,
    coverage: data.coverage,
    steps: raw.precision.map((precision, i) => ({
      names: raw.anchor_segments.slice(0, i + 1).map(superpixel),
      precision,
      coverage: raw.coverage[i],
    })),
    success: raw.success,
    warning: raw.warning,
    numSamples: raw.num_preds,
    modelCalls: raw.model_calls,
    modelRows: raw.model_rows,
  };
  const pixels = raw.anchor_segments.reduce((n, s) => n + raw.segment_sizes[s], 0);
  const last = raw.examples[raw.examples.length - 1] ?? { covered_true: [], covered_false: [] };
  return (
    `<div class="gbx gbx-anchor-image">${cardStyle()}` +
    anchorHeader(summary, `Empty anchor: the model predicts ${prediction} on ${data.precision.toFixed(2)} of the perturbed images`) +
    `<div class="gbx-figures">` +
    figure(pngImg(renderAnchor(image, whole, [0]), 'the explained image'), 'The image') +
    figure(pngImg(renderAnchor(image, segments, [], { dim: 1 }), `its ${raw.num_segments} superpixels outlined`), `${raw.num_segments} superpixels`) +
    figure(
      pngImg(renderAnchor(image, segments, raw.anchor_segments), `the anchor: ${summary.anchor.join(', ')} highlighted`),
      `The anchor: ${raw.anchor_segments.length} superpixel${raw.anchor_segments.length === 1 ? '' : 's'}, ${pixels} of ${segments.height * segments.width} pixels`,
    ) +
    `</div>` +
    anchorSteps(summary) +
    examplesGrid(image, segments, last.covered_true, maxExamples, {
      text: `Perturbed images that keep the anchor, where the model agrees (${prediction})`,
      agrees: true,
      none: 'The search kept no such images.',
    }) +
    examplesGrid(image, segments, last.covered_false, maxExamples, {
      text: 'Perturbed images that keep the anchor, where the model disagrees',
      agrees: false,
      none: 'None among the kept samples: the model kept its prediction on every one.',
    }) +
    anchorFooter(summary, typeof meta.params.segmentation === 'string' ? [`${meta.params.segmentation} segmentation`] : []) +
    `</div>`
  );
}
