/**
 * Benchmark of AnchorTabular on the first 50 held-out Adult rows at threshold 0.95, with the bundled
 * gradient-boosted-trees demo model and with the bundled logistic regression; and, for a regression
 * model, on the first 50 held-out diabetes rows with the bundled diabetes regressor (interval 'auto').
 *
 *     npx tsx benchmarks/anchor-tabular.ts [--rows 50] [--json]
 *
 * Reports, per model: explanations per second, median and p90 milliseconds per explanation, model calls
 * and model rows per explanation, and the median time spent outside the model (the explainer's own
 * cost), as a Markdown table (or JSON with --json). One warm-up explanation runs first so that JIT
 * compilation is not measured.
 */
import { parseArgs } from 'node:util';
import { AnchorTabular } from '../src/anchors/tabular/anchor-tabular.js';
import { loadAdult } from '../src/datasets/adult.js';
import { loadDiabetes } from '../src/datasets/diabetes.js';
import type { TabularSplit } from '../src/datasets/types.js';
import { loadDemoModel, loadDemoRegressor } from '../src/models/demo-models.js';
import type { Predictor, Task } from '../src/predictors/predictor.js';
import { anchorSample, machineLine, summariseAnchors } from './report.js';
import { timedPredictor } from './timing.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '50' }, json: { type: 'boolean', default: false } } });
const nRows = Number(values.rows);
const adult = loadAdult();


interface Data {
  featureNames: string[];
  categoryMap: Record<number, string[]>;
  train: TabularSplit;
  test: TabularSplit;
}

async function run(modelName: string, predictor: Predictor, data: Data, task: Task = 'classification') {
  const { wrapped, clock } = timedPredictor(predictor);
  const explainer = new AnchorTabular(wrapped, data.featureNames, { categoryMap: data.categoryMap, seed: 1, task });
  const fitStart = performance.now();
  await explainer.fit(data.train.rows);
  const fitMs = performance.now() - fitStart;
  await explainer.explain(data.test.rows[0], { threshold: 0.95 }); // warm-up

  const samples = [];
  for (let i = 0; i < nRows; i++) samples.push(await anchorSample(clock, () => explainer.explain(data.test.rows[i], { threshold: 0.95 })));
  const { explanations, successes, ...timings } = summariseAnchors(samples);
  return { model: modelName, explanations, successes, fitMs: Number(fitMs.toFixed(1)), ...timings };
}

const results = [
  await run('adult-gbt', loadDemoModel('adult-gbt').predictor, adult),
  await run('adult-logreg', loadDemoModel('adult-logreg').predictor, adult),
  await run('diabetes-gbt (regression)', loadDemoRegressor().predictor, loadDiabetes(), 'regression'),
];
const machine = await machineLine();
if (values.json) {
  console.log(JSON.stringify({ date: new Date().toISOString().slice(0, 10), machine, results }, null, 2));
} else {
  console.log(`AnchorTabular, first ${nRows} held-out Adult rows, threshold 0.95 — ${machine}\n`);
  const columns = Object.keys(results[0]) as Array<keyof (typeof results)[0]>;
  console.log(`| ${columns.join(' | ')} |\n|${columns.map(() => '---').join('|')}|`);
  for (const r of results) console.log(`| ${columns.map((c) => r[c]).join(' | ')} |`);
}
