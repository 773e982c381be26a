/**
 * Benchmark of onnxPredictor with the exported random forest (models/onnx/adult-rf.onnx: 100 trees of
 * depth <= 10, float input, ZipMap output read as its probability tensor):
 *
 *     npx tsx benchmarks/onnx-predictor.ts [--rows 50] [--json]
 *
 * 1. Rows per second through the predictor at batch sizes 1, 100 and 2,000 (held-out Adult rows; one
 *    session run per call), with the median milliseconds per call. Each size runs for about two seconds
 *    after a warm-up.
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
import { onnxPredictor } from '../src/predictors/onnx.js';
import { anchorSample, machineLine, round as r, summariseAnchors } from './report.js';
import { timedPredictor } from './timing.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '50' }, json: { type: 'boolean', default: false } } });
const nRows = Number(values.rows);
const adult = loadAdult();
const predictor = await onnxPredictor(fileURLToPath(new URL('../models/onnx/adult-rf.onnx', import.meta.url)));

async function throughput(batchSize: number) {
  const batches = Array.from({ length: 16 }, (_, b) =>
    Array.from({ length: batchSize }, (_, i) => adult.test.rows[(b * batchSize + i) % adult.test.rows.length]),
  );
  for (const batch of batches.slice(0, 4)) await predictor(batch); // warm-up
  const times: number[] = [];
  const started = performance.now();
  for (let call = 0; performance.now() - started < 2000 || call < 5; call++) {
    const t = performance.now();
    await predictor(batches[call % batches.length]);
    times.push(performance.now() - t);
  }
  const seconds = times.reduce((a, b) => a + b, 0) / 1000;
  return { batchSize, calls: times.length, rowsPerSecond: Math.round((times.length * batchSize) / seconds), medianMsPerCall: r(quantile(times, 0.5), 3) };
}

async function explanations() {
  const { wrapped: timed, clock } = timedPredictor(predictor);
  const explainer = new AnchorTabular(timed, adult.featureNames, { categoryMap: adult.categoryMap, seed: 1 });
  explainer.fit(adult.train.rows);
  await explainer.explain(adult.test.rows[0], { threshold: 0.95 }); // warm-up
  const samples = [];
  for (let i = 0; i < nRows; i++) samples.push(await anchorSample(clock, () => explainer.explain(adult.test.rows[i], { threshold: 0.95 })));
  return summariseAnchors(samples);
}

const batches = [await throughput(1), await throughput(100), await throughput(2000)];
const anchors = await explanations();
await predictor.release();
const machine = await machineLine();
if (values.json) {
  console.log(JSON.stringify({ date: new Date().toISOString().slice(0, 10), machine, batches, anchors }, null, 2));
} else {
  const n = (x: number) => x.toLocaleString('en-US');
  console.log(`${new Date().toISOString().slice(0, 10)}, ${machine}\n`);
  console.log('| batch size | calls | rows/s | ms per call, median |\n|---|---|---|---|');
  for (const b of batches) console.log(`| ${n(b.batchSize)} | ${n(b.calls)} | ${n(b.rowsPerSecond)} | ${b.medianMsPerCall} |`);
  const a = anchors;
  console.log('\n| successes | ms per explanation, median | p90 | outside the model, median ms | model rows, median / mean | model calls, median / mean | explanations/s |');
  console.log('|---|---|---|---|---|---|---|');
  console.log(
    `| ${a.successes} / ${a.explanations} | ${a.medianMs} | ${a.p90Ms} | ${a.medianOutsideModelMs} | ${n(a.medianModelRows)} / ${n(a.meanModelRows)} | ` +
      `${a.medianModelCalls} / ${a.meanModelCalls} | ${a.explanationsPerSecond} |`,
  );
}
