import { writeFile } from 'node:fs/promises';
import { AnchorImage, type AnchorImageData } from '../../anchors/image/anchor-image.js';
import { GlassboxError } from '../../core/errors.js';
import type { Explanation } from '../../core/explanation.js';
import { loadMnist } from '../../datasets/mnist.js';
import { toImage, type Image } from '../../image/image.js';
import { renderAnchorPng } from '../../image/render.js';
import type { Predictor } from '../../predictors/predictor.js';
import { tfjsModel } from '../../predictors/tfjs.js';
import { loadBundledModel } from '../../tf/models.js';
import { numberFlag, thresholdFlag, UsageError, type CliIO } from '../io.js';
import { checkRenderingFiles, writeRenderings } from '../renderings.js';
import type { ConnectRemote } from './explain.js';

/** The bundled image data sets `glassbox explain` knows. */
export const IMAGE_DATASETS: readonly string[] = ['mnist'];

/** The flags `glassbox explain mnist` reads (parsed by the explain command). */
export interface ExplainImageFlags {
  row?: string;
  threshold?: string;
  seed?: string;
  json?: boolean;
  html?: string;
  png?: string;
}

/**
 * `glassbox explain mnist --row N [--png FILE] [--json]`: explains the bundled MNIST CNN's prediction for
 * held-out digit N with `AnchorImage` (SLIC superpixels, Alibi Explain's defaults). `--png` draws the
 * digit with the superpixels outlined and the anchor's highlighted (no browser needed). With
 * `--model-url`, `remote` connects to the image model to explain instead of the bundled CNN.
 */
export async function explainImageCommand(dataset: string, flags: ExplainImageFlags, io: CliIO, remote?: ConnectRemote): Promise<number> {
  const row = numberFlag('row', flags.row, { integer: true, min: 0 });
  if (row === undefined) throw new UsageError('--row N is required');
  const mnist = loadMnist();
  if (row >= mnist.test.count) {
    throw new UsageError(`--row ${row} is out of range; ${dataset} has ${mnist.test.count} held-out digits (0..${mnist.test.count - 1})`);
  }
  const threshold = thresholdFlag(flags.threshold);
  const seed = flags.seed === undefined ? undefined : (numberFlag('seed', flags.seed) as number);
  if (flags.png !== undefined && flags.png.trim() === '') throw new UsageError('--png needs a file name');
  checkRenderingFiles({ html: flags.html });

  const digit = toImage(mnist.test.image(row), mnist.shape);
  const byUrl = remote === undefined ? undefined : await remote();
  const model = byUrl === undefined ? await loadBundledModel('mnist-cnn') : undefined;
  try {
    let predictor: Predictor<Image>;
    if (model === undefined) predictor = byUrl as Predictor<Image>;
    else {
      const cnn = tfjsModel(model);
      predictor = (images: Image[]) => cnn(images.map((im) => im.data));
    }
    const explainer = new AnchorImage(predictor, { shape: mnist.shape, seed });
    const started = performance.now();
    const explanation = await explainer.explain(digit, {
      threshold,
      onProgress: io.interactive
        ? (p) => io.stderr(`searched anchors of size ${p.anchorSize}: ${p.candidates} candidates, ${p.samples} samples\n`)
        : undefined,
    });
    const elapsedMs = performance.now() - started;
    if (flags.png !== undefined) {
      const png = renderAnchorPng(digit, explanation.data.segments, explanation.data.raw.anchor_segments);
      try {
        await writeFile(flags.png, png);
      } catch (err) {
        throw new GlassboxError('OUTPUT_ERROR', `cannot write --png file "${flags.png}": ${(err as Error).message}`, { cause: err });
      }
    }
    await writeRenderings(explanation, { image: digit, targetNames: mnist.targetNames }, { html: flags.html });
    if (flags.json) io.stdout(`${JSON.stringify(explanation)}\n`);
    else io.stdout(formatImageAnchor(explanation, digit, { row, label: mnist.test.labels[row], elapsedMs }));
    return 0;
  } finally {
    model?.dispose();
    byUrl?.close();
  }
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * The readable summary of a digit's anchor: the prediction, the anchor's superpixels, precision and
 * coverage, and the digit drawn in text:
 *
 *     Digit:      held-out row 0, labelled 4
 *     Prediction: 4
 *     Anchor:     superpixels 3 (1 of 9; 100 of 784 pixels)
 *     Precision:  1.00   Coverage: 0.49   (301 model rows in 3 calls, 80 ms)
 *
 * In the drawing, `#` is ink (grey level >= 0.5) inside the anchor, `+` ink outside, `.` the anchor's
 * background, and a space the rest.
 */
export function formatImageAnchor(
  explanation: Explanation<AnchorImageData>,
  digit: Image,
  { row, label, elapsedMs }: { row: number; label: number; elapsedMs: number },
): string {
  const { segments, precision, coverage, raw } = explanation.data;
  const inAnchor = new Set(raw.anchor_segments);
  const pixels = raw.anchor_segments.reduce((n, s) => n + raw.segment_sizes[s], 0);
  const lines = [
    `Digit:      held-out row ${row}, labelled ${label}`,
    `Prediction: ${raw.prediction}`,
    `Anchor:     ${
      raw.anchor_segments.length > 0
        ? `superpixel${raw.anchor_segments.length > 1 ? 's' : ''} ${raw.anchor_segments.join(', ')} ` +
          `(${raw.anchor_segments.length} of ${raw.num_segments}; ${count(pixels)} of ${count(digit.height * digit.width)} pixels)`
        : '(empty: the model predicts this almost everywhere)'
    }`,
    `Precision:  ${precision.toFixed(2)}   Coverage: ${coverage.toFixed(2)}   ` +
      `(${count(raw.model_rows)} model rows in ${count(raw.model_calls)} calls, ${Math.round(elapsedMs)} ms)`,
  ];
  if (raw.warning !== undefined) lines.push(`Warning:    ${raw.warning}`);
  lines.push('');
  for (let y = 0; y < digit.height; y++) {
    let line = '';
    for (let x = 0; x < digit.width; x++) {
      const ink = digit.data[(y * digit.width + x) * digit.channels] >= 0.5;
      const kept = inAnchor.has(segments[y][x]);
      line += (ink ? (kept ? '#' : '+') : kept ? '.' : ' ').repeat(2);
    }
    lines.push(`  ${line}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}
