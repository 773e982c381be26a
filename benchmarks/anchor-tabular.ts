/**
 * Benchmark of AnchorTabular on the first 50 held-out Adult rows at threshold 0.95, with the bundled
 * gradient-boosted-trees demo model and with the bundled logistic regression.
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
import { loadDemoModel } from '../src/models/demo-models.js';
import { anchorSample, machineLine, summariseAnchors } from './report.js';
import { timedPredictor } from './timing.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '50' }, json: { type: 'boolean', default: false } } });
const nRows = Number(values.rows);
const adult = loadAdult();


async function run(modelName: 'adult-gbt' | 'adult-logreg') {
  const { wrapped, clock } = timedPredictor(loadDemoModel(modelName).predictor);
  const explainer = new AnchorTabular(wrapped, adult.featureNames, { categoryMap: adult.categoryMap, seed: 1 });
  const fitStart = performance.now();
  explainer.fit(adult.train.rows);
  const fitMs = performance.now() - fitStart;
  await explainer.explain(adult.test.rows[0], { threshold: 0.95 }); // warm-up

  const samples = [];
  for (let i = 0; i < nRows; i++) samples.push(await anchorSample(clock, () => explainer.explain(adult.test.rows[i], { threshold: 0.95 })));
  const { explanations, successes, ...timings } = summariseAnchors(samples);
  return { model: modelName, explanations, successes, fitMs: Number(fitMs.toFixed(1)), ...timings };
}

const results = [await run('adult-gbt'), await run('adult-logreg')];
const machine = await machineLine();
if (values.json) {
  console.log(JSON.stringify({ date: new Date().toISOString().slice(0, 10), machine, results }, null, 2));
} else {
  console.log(`AnchorTabular, first ${nRows} held-out Adult rows, threshold 0.95 — ${machine}\n`);
  const columns = Object.keys(results[0]) as Array<keyof (typeof results)[0]>;
  console.log(`| ${columns.join(' | ')} |\n|${columns.map(() => '---').join('|')}|`);
  for (const r of results) console.log(`| ${columns.map((c) => r[c]).join(' | ')} |`);
}
