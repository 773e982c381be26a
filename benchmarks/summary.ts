/**
 * Benchmark of the global anchor summary (`glassbox summarize adult`): the held-out Adult rows explained
 * with the bundled gradient-boosted trees and AnchorTabular's defaults (threshold 0.95, 10,000 coverage
 * samples, seed 0) by `explainBatch` on 1 and 2 worker threads (rows per second, end to end: starting the
 * workers, each fitting the explainer once, writing the JSON lines), then the submodular pick of `budget`
 * anchors from the output (reading the file included, and the pick alone), the union coverage and its
 * growth with the budget. Also checks that both runs give the same summary, byte for byte.
 *
 *     npx tsx benchmarks/summary.ts [--rows 2000] [--budget 10] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AnchorTabularData } from '../src/anchors/tabular/anchor-tabular.js';
import { explainBatch } from '../src/batch/explain-batch.js';
import type { BatchJob } from '../src/batch/job.js';
import { BATCH_DEMO_MODULE } from '../src/cli/batch-demo.js';
import type { Explanation } from '../src/core/explanation.js';
import { pickAnchors } from '../src/summary/anchor-summary.js';
import { summarizeBatchFile } from '../src/summary/batch-summary.js';
import { readExplanationFile } from '../src/summary/explanation-file.js';
import { machineLine } from './report.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '2000' }, budget: { type: 'string', default: '10' }, json: { type: 'boolean', default: false } } });
const nRows = Number(values.rows);
const budget = Number(values.budget);
const dir = mkdtempSync(join(os.tmpdir(), 'glassbox-bench-summary-'));
const job: BatchJob = { source: { kind: 'bundled', dataset: 'adult', seed: 0 }, model: { kind: 'demo', name: 'adult-gbt' }, demo: BATCH_DEMO_MODULE, explain: {} };

try {
  const runs = [];
  for (const workers of [1, 2]) {
    const out = join(dir, `w${workers}.jsonl`);
    const t = performance.now();
    await explainBatch({ job, out, rows: { start: 0, end: nRows }, workers });
    const explainMs = performance.now() - t;
    const t2 = performance.now();
    const summary = summarizeBatchFile(out, { budget });
    const summaryMs = performance.now() - t2;
    runs.push({ workers, out, explainMs, summaryMs, summary });
  }
  const identical = JSON.stringify(runs[0].summary) === JSON.stringify(runs[1].summary);
  // The pick alone, without reading and parsing the file: median of 5.
  const explained = readExplanationFile(runs[0].out).explanations as { row: number; explanation: Explanation<AnchorTabularData> }[];
  const pickMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    pickAnchors(explained, { budget });
    pickMs.push(performance.now() - t);
  }
  pickMs.sort((a, b) => a - b);
  const { data } = runs[0].summary;
  const result = {
    machine: await machineLine(),
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    rows: nRows,
    budget,
    identical,
    explain: runs.map((r) => ({ workers: r.workers, seconds: Number((r.explainMs / 1000).toFixed(2)), rowsPerSecond: Number(((nRows * 1000) / r.explainMs).toFixed(1)) })),
    readAndPickMs: runs.map((r) => Math.round(r.summaryMs)),
    pickMsMedian: Number(pickMs[2].toFixed(1)),
    candidates: data.candidates,
    rowsWithoutAnchor: data.rows_without_anchor,
    unionCoverage: Number(data.union_coverage.toFixed(4)),
    coverageCurve: data.groups[0].coverage_curve.map((c) => Number(c.toFixed(3))),
    picked: data.picked.map((p) => `${p.anchor.join(' AND ')} -> ${p.class} (+${p.gain})`),
  };
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`${result.machine}; load average ${result.loadAverage.join(' ')}; ${nRows} rows, budget ${budget}; identical summaries: ${identical}\n`);
    console.log('| workers | seconds | rows/s |\n|---|---|---|');
    for (const r of result.explain) console.log(`| ${r.workers} | ${r.seconds} | ${r.rowsPerSecond} |`);
    console.log(`\nread + pick: ${result.readAndPickMs.join(' / ')} ms; pick alone (median of 5): ${result.pickMsMedian} ms; ${result.candidates} distinct anchors, ${result.rowsWithoutAnchor} rows without one`);
    console.log(`union coverage ${result.unionCoverage}; by budget: ${result.coverageCurve.join(', ')}`);
    for (const p of result.picked) console.log(`  ${p}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
