/**
 * Benchmark of `glassbox explain-batch` (explainBatch) on held-out Adult rows with the bundled
 * gradient-boosted trees and AnchorTabular's defaults (threshold 0.95, 10,000 coverage samples, seed 0):
 * rows per second with 1 and 2 worker threads, end to end (starting the workers, each fitting the
 * explainer once, and writing the JSON lines), against explaining the same rows one after another in
 * this process with one explainer (loading and fitting included). `first line after` is the start-up
 * cost: the time until the first line is written.
 *
 *     npx tsx benchmarks/explain-batch.ts [--rows 400] [--repeat 1] [--json]
 *
 * With `--repeat N` the three runs are repeated N times, interleaved, and the fastest and the median of
 * each are reported (the fastest is the least disturbed by other work on a shared machine). Also checks
 * that every run wrote the same bytes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median, min } from 'simple-statistics';
import { AnchorTabular } from '../src/anchors/tabular/anchor-tabular.js';
import { explainBatch } from '../src/batch/explain-batch.js';
import type { BatchJob } from '../src/batch/job.js';
import { BATCH_DEMO_MODULE } from '../src/cli/batch-demo.js';
import { loadAdult } from '../src/datasets/adult.js';
import { loadDemoModel } from '../src/models/demo-models.js';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '400' }, repeat: { type: 'string', default: '1' }, json: { type: 'boolean', default: false } },
});
const nRows = Number(values.rows);
const repeat = Number(values.repeat);
const dir = mkdtempSync(join(os.tmpdir(), 'glassbox-bench-batch-'));
const job: BatchJob = { source: { kind: 'bundled', dataset: 'adult', seed: 0 }, model: { kind: 'demo', name: 'adult-gbt' }, demo: BATCH_DEMO_MODULE, explain: {} };

interface Run {
  path: string;
  ms: number;
  /** CPU time of the process, every thread included (the workers are threads of this process). */
  cpuMs: number;
  /** Milliseconds until the first line was written (pooled runs). */
  firstMs?: number;
  bytes: string;
}

async function inProcess(): Promise<Run> {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const adult = loadAdult();
  const explainer = new AnchorTabular(loadDemoModel('adult-gbt').predictor, adult.featureNames, { categoryMap: adult.categoryMap, seed: 0 });
  await explainer.fit(adult.train.rows);
  const lines: string[] = [];
  for (let row = 0; row < nRows; row++) lines.push(JSON.stringify({ row, explanation: await explainer.explain(adult.test.rows[row]) }));
  return { path: 'in-process, one explainer, no pool', ms: performance.now() - t, cpuMs: cpuMsSince(cpu), bytes: `${lines.join('\n')}\n` };
}

let runCount = 0;

async function pooled(workers: number): Promise<Run> {
  const out = join(dir, `run-${runCount++}.jsonl`); // a new file each time: an existing one would be resumed
  const t = performance.now();
  const cpu = process.cpuUsage();
  let firstMs = 0;
  const onProgress = () => (firstMs ||= performance.now() - t);
  const summary = await explainBatch({ job, out, rows: { start: 0, end: nRows }, workers, onProgress });
  if (summary.failed > 0) throw new Error(`${summary.failed} rows failed`);
  return { path: `explain-batch --workers ${workers}`, ms: performance.now() - t, cpuMs: cpuMsSince(cpu), firstMs, bytes: readFileSync(out, 'utf8') };
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}

try {
  const runs: Run[] = [];
  for (let i = 0; i < repeat; i++) runs.push(await inProcess(), await pooled(1), await pooled(2));
  const identical = runs.every((r) => r.bytes === runs[0].bytes);
  const s = (ms: number) => Number((ms / 1000).toFixed(2));
  const rows = [...new Set(runs.map((r) => r.path))].map((path) => {
    const mine = runs.filter((r) => r.path === path);
    const ms = mine.map((r) => r.ms);
    const first = mine.map((r) => r.firstMs).filter((x): x is number => x !== undefined);
    return {
      path,
      rows: nRows,
      runs: mine.length,
      bestSeconds: s(min(ms)),
      medianSeconds: s(median(ms)),
      firstLineSeconds: first.length === 0 ? null : s(median(first)),
      cpuSecondsMedian: s(median(mine.map((r) => r.cpuMs))),
      bestRowsPerSecond: Number(((nRows * 1000) / min(ms)).toFixed(1)),
      medianRowsPerSecond: Number(((nRows * 1000) / median(ms)).toFixed(1)),
    };
  });
  if (values.json) {
    console.log(JSON.stringify({ machine: `${os.cpus()[0].model}, ${os.availableParallelism()} cores`, node: process.version, loadAverage: os.loadavg(), identical, rows }, null, 2));
  } else {
    console.log(`${os.cpus()[0].model}, ${os.availableParallelism()} cores, Node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; identical output: ${identical}\n`);
    console.log('| path | rows | runs | seconds, best / median | CPU seconds, median | first line after (s), median | rows/s, best / median |\n|---|---|---|---|---|---|---|');
    for (const r of rows) {
      console.log(`| ${r.path} | ${r.rows} | ${r.runs} | ${r.bestSeconds} / ${r.medianSeconds} | ${r.cpuSecondsMedian} | ${r.firstLineSeconds ?? '–'} | ${r.bestRowsPerSecond} / ${r.medianRowsPerSecond} |`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
