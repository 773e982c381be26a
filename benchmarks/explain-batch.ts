/**
 * Benchmark of `glassbox explain-batch` (explainBatch) on held-out Adult rows with the bundled
 * gradient-boosted trees and AnchorTabular's defaults (threshold 0.95, 10,000 coverage samples, seed 0):
 * rows per second with 1 and 2 worker threads, end to end (starting the workers, each fitting the
 * explainer once, and writing the JSON lines), against explaining the same rows one after another in
 * this process with one explainer (loading and fitting included). `first line after` is the start-up
 * cost: the time until the first line is written.
 *
 *     npx tsx benchmarks/explain-batch.ts [--rows 400] [--json]
 *
 * Also checks that every run wrote the same bytes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AnchorTabular } from '../src/anchors/tabular/anchor-tabular.js';
import { explainBatch } from '../src/batch/explain-batch.js';
import type { BatchJob } from '../src/batch/job.js';
import { loadAdult } from '../src/datasets/adult.js';
import { loadDemoModel } from '../src/models/demo-models.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '400' }, json: { type: 'boolean', default: false } } });
const nRows = Number(values.rows);
const dir = mkdtempSync(join(os.tmpdir(), 'glassbox-bench-batch-'));
const job: BatchJob = { source: { kind: 'bundled', dataset: 'adult', seed: 0 }, model: { kind: 'demo', name: 'adult-gbt' }, explain: {} };

async function inProcess() {
  const t = performance.now();
  const adult = loadAdult();
  const explainer = new AnchorTabular(loadDemoModel('adult-gbt').predictor, adult.featureNames, { categoryMap: adult.categoryMap, seed: 0 });
  explainer.fit(adult.train.rows);
  const lines: string[] = [];
  for (let row = 0; row < nRows; row++) lines.push(JSON.stringify({ row, explanation: await explainer.explain(adult.test.rows[row]) }));
  return { path: 'in-process, one explainer, no pool', ms: performance.now() - t, firstMs: undefined, bytes: `${lines.join('\n')}\n` };
}

async function pooled(workers: number) {
  const out = join(dir, `workers-${workers}.jsonl`);
  const t = performance.now();
  let firstMs = 0;
  const onProgress = () => (firstMs ||= performance.now() - t);
  const summary = await explainBatch({ job, out, rows: { start: 0, end: nRows }, workers, onProgress });
  if (summary.failed > 0) throw new Error(`${summary.failed} rows failed`);
  return { path: `explain-batch --workers ${workers}`, ms: performance.now() - t, firstMs, bytes: readFileSync(out, 'utf8') };
}

try {
  const runs = [await inProcess(), await pooled(1), await pooled(2)];
  const identical = runs.every((r) => r.bytes === runs[0].bytes);
  const rows = runs.map((r) => ({
    path: r.path,
    rows: nRows,
    seconds: Number((r.ms / 1000).toFixed(2)),
    firstLineSeconds: r.firstMs === undefined ? null : Number((r.firstMs / 1000).toFixed(2)),
    rowsPerSecond: Number(((nRows * 1000) / r.ms).toFixed(1)),
  }));
  if (values.json) {
    console.log(JSON.stringify({ machine: `${os.cpus()[0].model}, ${os.availableParallelism()} cores`, node: process.version, identical, rows }, null, 2));
  } else {
    console.log(`${os.cpus()[0].model}, ${os.availableParallelism()} cores, Node ${process.version}; identical output: ${identical}\n`);
    console.log('| path | rows | seconds | first line after (s) | rows/s |\n|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.path} | ${r.rows} | ${r.seconds} | ${r.firstLineSeconds ?? '–'} | ${r.rowsPerSecond} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
