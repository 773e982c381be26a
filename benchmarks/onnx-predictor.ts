/**
 * Benchmark of onnxPredictor with three exported models:
 *
 * - `adult-rf.onnx`: a random forest (100 trees of depth <= 10), float matrix input, ZipMap output
 *   read as its probability tensor;
 * - `adult-logreg.onnx`: a logistic regression with its one-hot encoding and scaling in the graph,
 *   one double matrix input `[N, 12]` (categories as codes);
 * - `user/logreg-columns.onnx`: `adult-logreg.onnx` fed one double `[N, 1]` input per column (codes),
 *   concatenated in the graph: the same computation, so its time over `adult-logreg.onnx`'s is the
 *   cost of one tensor per column;
 * - `user/pipeline.onnx`: a logistic regression as a scikit-learn pipeline exports it, one `[N, 1]`
 *   input per column (categories as strings read by OneHotEncoder, numbers as int64, double and
 *   float), ZipMap output.
 *
 *     npx tsx benchmarks/onnx-predictor.ts [--rows 50] [--json]
 *
 * Per model (every predictor reads its probabilities checked against its label output, the default):
 * 1. Rows per second through the predictor at batch sizes 1, 100 and 2,000 (held-out Adult rows; one
 *    session run per call; the pipeline's rows given as category names), with the median milliseconds
 *    per call. Each size runs for about two seconds after a warm-up.
 * 2. AnchorTabular with that predictor on the first `--rows` held-out rows (threshold 0.95, seed 1,
 *    fitted on the 32,561 training rows): explanations per second, median and p90 milliseconds, the
 *    median time spent outside the model, model rows and calls per explanation. One warm-up
 *    explanation runs first.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { quantile } from 'simple-statistics';
import { AnchorTabular } from '../src/anchors/tabular/anchor-tabular.js';
import { loadAdult } from '../src/datasets/adult.js';
import { onnxPredictor, type OnnxPredictor } from '../src/predictors/onnx.js';
import type { Predictor } from '../src/predictors/predictor.js';
import { anchorSample, machineLine, round as r, summariseAnchors } from './report.js';
import { timedPredictor } from './timing.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '50' }, json: { type: 'boolean', default: false } } });
const nRows = Number(values.rows);
const adult = loadAdult();
const model = (path: string) => fileURLToPath(new URL(`../models/onnx/${path}`, import.meta.url));
/** A coded Adult row as the pipeline takes it: category names for its string inputs. */
const named = (row: readonly number[]) => row.map((v, j) => adult.categoryMap[j]?.[v] ?? v);
/** The models, under models/onnx/. */
const MODELS = ['adult-rf.onnx', 'adult-logreg.onnx', 'user/logreg-columns.onnx', 'user/pipeline.onnx'];
/** Whether a columns model takes category names (string inputs) rather than codes. */
const takesNames = (onnx: OnnxPredictor) => onnx.inputTypes.includes('string');

async function throughput(onnx: OnnxPredictor, batchSize: number) {
  const batches = Array.from({ length: 16 }, (_, b) =>
    Array.from({ length: batchSize }, (_, i) => adult.test.rows[(b * batchSize + i) % adult.test.rows.length]).map((row) =>
      takesNames(onnx) ? named(row) : row,
    ),
  );
  for (const batch of batches.slice(0, 4)) await onnx(batch); // warm-up
  const times: number[] = [];
  const started = performance.now();
  for (let call = 0; performance.now() - started < 2000 || call < 5; call++) {
    const t = performance.now();
    await onnx(batches[call % batches.length]);
    times.push(performance.now() - t);
  }
  const seconds = times.reduce((a, b) => a + b, 0) / 1000;
  return { batchSize, calls: times.length, rowsPerSecond: Math.round((times.length * batchSize) / seconds), medianMsPerCall: r(quantile(times, 0.5), 3) };
}

async function explanations(onnx: OnnxPredictor) {
  const predictor: Predictor<number[]> = takesNames(onnx) ? (rows) => onnx(rows.map(named)) : onnx;
  const { wrapped: timed, clock } = timedPredictor(predictor);
  const explainer = new AnchorTabular(timed, adult.featureNames, { categoryMap: adult.categoryMap, seed: 1 });
  await explainer.fit(adult.train.rows);
  await explainer.explain(adult.test.rows[0], { threshold: 0.95 }); // warm-up
  const samples = [];
  for (let i = 0; i < nRows; i++) samples.push(await anchorSample(clock, () => explainer.explain(adult.test.rows[i], { threshold: 0.95 })));
  return summariseAnchors(samples);
}

interface ModelResult {
  model: string;
  inputs: string;
  batches: Awaited<ReturnType<typeof throughput>>[];
  anchors: Awaited<ReturnType<typeof explanations>>;
}
const results: ModelResult[] = [];
for (const name of MODELS) {
  const onnx = await onnxPredictor(model(name));
  const batches = [await throughput(onnx, 1), await throughput(onnx, 100), await throughput(onnx, 2000)];
  results.push({ model: name, inputs: onnx.inputs, batches, anchors: await explanations(onnx) });
  await onnx.release();
}
const machine = await machineLine();
if (values.json) {
  console.log(JSON.stringify({ date: new Date().toISOString().slice(0, 10), machine, results }, null, 2));
} else {
  const n = (x: number) => x.toLocaleString('en-US');
  console.log(`${new Date().toISOString().slice(0, 10)}, ${machine}\n`);
  console.log('| model | inputs | batch size | calls | rows/s | ms per call, median |\n|---|---|---|---|---|---|');
  for (const { model: name, inputs, batches } of results) {
    for (const b of batches) console.log(`| ${name} | ${inputs} | ${n(b.batchSize)} | ${n(b.calls)} | ${n(b.rowsPerSecond)} | ${b.medianMsPerCall} |`);
  }
  console.log(
    '\n| model | successes | ms per explanation, median | p90 | outside the model, median ms | model rows, median / mean | model calls, median / mean | explanations/s |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const { model: name, anchors: a } of results) {
    console.log(
      `| ${name} | ${a.successes} / ${a.explanations} | ${a.medianMs} | ${a.p90Ms} | ${a.medianOutsideModelMs} | ${n(a.medianModelRows)} / ${n(a.meanModelRows)} | ` +
        `${a.medianModelCalls} / ${a.meanModelCalls} | ${a.explanationsPerSecond} |`,
    );
  }
  const [, logreg, columns, pipeline] = results;
  const ratios = (other: ModelResult) =>
    [0, 1, 2].map((i) => `${r(other.batches[i].medianMsPerCall / logreg.batches[i].medianMsPerCall, 2)}x at ${n(logreg.batches[i].batchSize)}`).join(', ');
  console.log(`\nMedian time per call over adult-logreg.onnx's: one tensor per column ${ratios(columns)}; the string pipeline ${ratios(pipeline)}`);
}
