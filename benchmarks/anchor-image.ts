/**
 * Benchmark of AnchorImage on the first 50 held-out MNIST digits with the bundled CNN (defaults: SLIC
 * with nSegments 10, compactness 10, sigma 0.5; mean fill; pSample 0.5; threshold 0.95), and of the three
 * segmentations on the bundled 512 × 512 photo `astronaut.png`.
 *
 *     npx tsx benchmarks/anchor-image.ts [--rows 50] [--repeats 3] [--json]
 *
 * Reports explanations per second, median and p90 milliseconds per explanation, model calls and rows
 * per explanation, the median time outside the model (segmentation, sampling, rendering perturbed
 * images, search), and the median segmentation time of each method over `--repeats` runs. One warm-up
 * explanation and one warm-up segmentation run first so that JIT compilation is not measured.
 */
import { parseArgs } from 'node:util';
import { mean, quantile } from 'simple-statistics';
import { AnchorImage } from '../src/anchors/image/anchor-image.js';
import { loadMnist } from '../src/datasets/mnist.js';
import { loadPhoto } from '../src/datasets/photos.js';
import type { Image } from '../src/image/image.js';
import { segmentImage, type SegmentationMethod, type SegmentationOptions } from '../src/image/segmentation/segment.js';
import { tfjsModel } from '../src/predictors/tfjs.js';
import { loadBundledModel } from '../src/tf/models.js';
import { anchorSample, machineLine, round as r, summariseAnchors } from './report.js';
import { timedPredictor } from './timing.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '50' },
    repeats: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});
const nRows = Number(values.rows);
const repeats = Number(values.repeats);

async function mnistAnchors() {
  const mnist = loadMnist();
  const cnn = tfjsModel(await loadBundledModel('mnist-cnn'));
  const { wrapped: predict, clock } = timedPredictor((images: Image[]) => cnn(images.map((im) => im.data)));
  const explainer = new AnchorImage(predict, { shape: mnist.shape, seed: 1 });
  await explainer.explain(mnist.test.image(0)); // warm-up
  const samples = [];
  for (let i = 0; i < nRows; i++) samples.push(await anchorSample(clock, () => explainer.explain(mnist.test.image(i))));
  return { ...summariseAnchors(samples), meanAnchorSize: r(mean(samples.map((x) => x.explanation.data.raw.anchor_segments.length)), 2) };
}

async function segmentationTimes() {
  const photo = loadPhoto('astronaut');
  const cases: Array<[SegmentationMethod, SegmentationOptions]> = [
    ['slic', {}],
    ['slic', { nSegments: 100 }],
    ['quickshift', {}],
    ['quickshift', { kernelSize: 3, maxDist: 6 }],
    ['felzenszwalb', {}],
    ['felzenszwalb', { scale: 100 }],
  ];
  await segmentImage(photo, 'slic'); // warm-up
  const results = [];
  for (const [method, options] of cases) {
    const times: number[] = [];
    let count = 0;
    for (let k = 0; k < repeats; k++) {
      const t = performance.now();
      count = (await segmentImage(photo, method, options)).count;
      times.push(performance.now() - t);
    }
    results.push({ method, options: JSON.stringify(options), segments: count, medianMs: r(quantile(times, 0.5)) });
  }
  return results;
}

const anchors = await mnistAnchors();
const segmentation = await segmentationTimes();
const machine = await machineLine({ tfjs: true });
if (values.json) {
  console.log(JSON.stringify({ date: new Date().toISOString().slice(0, 10), machine, anchors, segmentation }, null, 2));
} else {
  console.log(`AnchorImage, first ${nRows} held-out MNIST digits, bundled CNN, defaults — ${machine}\n`);
  const columns = Object.keys(anchors) as Array<keyof typeof anchors>;
  console.log(`| ${columns.join(' | ')} |\n|${columns.map(() => '---').join('|')}|`);
  console.log(`| ${columns.map((c) => anchors[c]).join(' | ')} |`);
  console.log(`\nSegmentation of astronaut.png (512 x 512), median of ${repeats} runs\n`);
  console.log('| method | options | segments | ms |\n|---|---|---|---|');
  for (const s of segmentation) console.log(`| ${s.method} | ${s.options} | ${s.segments} | ${s.medianMs} |`);
}
