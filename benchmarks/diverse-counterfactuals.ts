/**
 * Benchmark of DiverseCounterfactuals (DiCE's loss and post-hoc sparsity; Mothilal, Sharma & Tan,
 * FAT* 2020) on Adult with the bundled gradient-boosted trees as a black box:
 *
 *     npx tsx benchmarks/diverse-counterfactuals.ts [--rows 20] [--count 4] [--method genetic|random|kdtree] [--json]
 *
 * Fitted on the 32,561 training rows (not timed); `--rows` held-out rows (the first of the test
 * split), `--count` counterfactuals each, Sex, Race and Age immutable, as DiCE's Adult comparison. Per
 * method: valid counterfactuals (re-predicted here: another class than the row's), mean features
 * changed, mean count diversity of a row's set, immutable features changed (must be 0), rows whose
 * counterfactuals are all distinct, the median and mean milliseconds per row, and model calls and
 * rows per row. Each row is explained twice; the second, warm run is timed, in wall-clock and in CPU
 * milliseconds (`process.cpuUsage`, user + system: on a shared, loaded machine the wall clock also
 * counts the time the process waits for a core).
 */
import { parseArgs } from 'node:util';
import { DIVERSE_METHODS, DiverseCounterfactuals, type DiverseMethod } from '../src/counterfactuals/diverse/diverse-counterfactuals.js';
import { loadAdult } from '../src/datasets/adult.js';
import { loadDemoModel } from '../src/models/demo-models.js';
import { toLabels } from '../src/predictors/predictor.js';
import { formatSpread, printResults, round, spread, timed, type Spread } from './report.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '20' },
    count: { type: 'string', default: '4' },
    method: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

const IMMUTABLE = ['Sex', 'Race', 'Age'];

interface Result {
  method: DiverseMethod;
  rows: number;
  valid: number;
  asked: number;
  changed: number;
  diversity: number;
  immutableViolations: number;
  distinctSets: number;
  ms: Spread;
  cpuMs: Spread;
  modelCalls: Spread;
  modelRows: Spread;
}

async function run(method: DiverseMethod): Promise<Result> {
  const adult = loadAdult();
  const { predictor } = loadDemoModel('adult-gbt');
  const explainer = await new DiverseCounterfactuals(predictor, adult.featureNames, { categoryMap: adult.categoryMap, seed: 1 }).fit(adult.train.rows);
  const count = Number(values.count);
  const rows = adult.test.rows.slice(0, Number(values.rows));
  const immutable = IMMUTABLE.map((name) => adult.featureNames.indexOf(name));
  let valid = 0;
  let changed = 0;
  let immutableViolations = 0;
  let distinctSets = 0;
  const diversities: number[] = [];
  const samples: Array<{ ms: number; cpuMs: number; calls: number; rows: number }> = [];
  for (const row of rows) {
    const options = { count, method, constraints: { immutable: IMMUTABLE } };
    await explainer.explain(row, options);
    const cpu = process.cpuUsage();
    const { value: e, ms } = await timed(() => explainer.explain(row, options));
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    const { cfs } = e.data;
    const classes = cfs.length === 0 ? [] : Array.from(toLabels(await predictor(cfs.map((c) => c.X)), cfs.length));
    valid += classes.filter((c) => c !== e.data.orig_class).length;
    for (const cf of cfs) {
      changed += cf.X.filter((v, f) => v !== row[f]).length;
      immutableViolations += immutable.filter((f) => cf.X[f] !== row[f]).length;
    }
    if (new Set(cfs.map((c) => c.X.join(','))).size === count) distinctSets += 1;
    diversities.push(e.data.diversity);
    samples.push({ ms, cpuMs, calls: e.data.model_calls, rows: e.data.model_rows });
  }
  const found = samples.length === 0 ? 0 : rows.length * count;
  const result: Result = {
    method,
    rows: rows.length,
    valid,
    asked: found,
    changed: changed / Math.max(1, valid),
    diversity: diversities.reduce((a, b) => a + b, 0) / Math.max(1, diversities.length),
    immutableViolations,
    distinctSets,
    ms: spread(samples, (s) => s.ms),
    cpuMs: spread(samples, (s) => s.cpuMs),
    modelCalls: spread(samples, (s) => s.calls),
    modelRows: spread(samples, (s) => s.rows),
  };
  if (!values.json) process.stderr.write(`${method}: ${valid} / ${found} valid, ${round(result.changed, 2)} features changed, diversity ${round(result.diversity, 3)}, median ${round(result.ms.median)} ms (${round(result.cpuMs.median)} ms CPU)\n`);
  return result;
}

const methods = values.method === undefined ? DIVERSE_METHODS : [values.method as DiverseMethod];
const results: Result[] = [];
for (const method of methods) results.push(await run(method));
await printResults(results, {
  json: values.json,
  columns: [
    ['method', (r) => r.method],
    ['valid', (r) => `${r.valid} / ${r.asked}`],
    ['features changed (mean)', (r) => round(r.changed, 2)],
    ['diversity', (r) => round(r.diversity, 3)],
    ['immutable violations', (r) => r.immutableViolations],
    ['distinct sets', (r) => `${r.distinctSets} / ${r.rows}`],
    ['ms per row (median / mean)', (r) => formatSpread(r.ms)],
    ['CPU ms per row (median / mean)', (r) => formatSpread(r.cpuMs)],
    ['model calls', (r) => formatSpread(r.modelCalls)],
    ['model rows', (r) => formatSpread(r.modelRows, 0)],
  ],
});
