/**
 * Benchmark of Counterfactual (Wachter et al., 2017, with Alibi Explain's defaults) on the first 20
 * held-out MNIST digits with the bundled CNN, white box (autodiff through the model) and black box
 * (central finite differences of its predictions, 2·784 + 1 rows per gradient):
 *
 *     npx tsx benchmarks/counterfactual.ts [--digits 20] [--mode both|autodiff|black-box] [--json]
 *
 * Reports, per mode: successes, and per counterfactual the median and mean time, gradient steps
 * (iterations), model calls, model rows, L1 distance and L0 distance (pixels changed by more than
 * 1e-3), as a Markdown table (or JSON with --json). One warm-up explanation runs first.
 */
import { parseArgs } from 'node:util';
import { Counterfactual } from '../src/counterfactuals/counterfactual.js';
import { l0Distance } from '../src/counterfactuals/distances.js';
import type { GradientsOption } from '../src/counterfactuals/gradients.js';
import { loadMnist } from '../src/datasets/mnist.js';
import { tfjsModel } from '../src/predictors/tfjs.js';
import { loadBundledModel } from '../src/tf/models.js';
import { formatSpread, printResults, spread, timed } from './report.js';

const { values } = parseArgs({
  options: {
    digits: { type: 'string', default: '20' },
    mode: { type: 'string', default: 'both' },
    json: { type: 'boolean', default: false },
  },
});
const nDigits = Number(values.digits);
const modes = (
  [
    { name: 'autodiff', gradients: 'autodiff' },
    { name: 'black-box', gradients: 'finite-differences' },
  ] as Array<{ name: string; gradients: GradientsOption }>
).filter((m) => values.mode === 'both' || values.mode === m.name);

const mnist = loadMnist();
const model = await loadBundledModel('mnist-cnn');
const predictor = tfjsModel(model);

interface Row {
  digit: number;
  success: boolean;
  ms: number;
  iterations: number;
  calls: number;
  rows: number;
  l1: number;
  l0: number;
}

async function run(gradients: GradientsOption): Promise<Row[]> {
  const explainer = new Counterfactual(predictor, { shape: mnist.shape, featureRange: [0, 1], gradients });
  await explainer.explain(mnist.test.image(nDigits)); // warm-up, on a digit outside the measured ones
  const rows: Row[] = [];
  for (let i = 0; i < nDigits; i++) {
    const digit = mnist.test.image(i);
    const { value, ms } = await timed(() => explainer.explain(digit));
    const { data } = value;
    const x = data.cf === null ? undefined : (data.cf.X as number[][][]).flat(2);
    rows.push({
      digit: i,
      success: data.success,
      ms,
      iterations: data.iterations,
      calls: data.model_calls,
      rows: data.model_rows,
      l1: data.cf?.distance ?? Number.NaN,
      l0: x === undefined ? Number.NaN : l0Distance(x, digit, 1e-3),
    });
    if (!values.json) process.stderr.write(`${gradients} digit ${i}: ${data.success ? 'found' : 'none'} in ${(ms / 1000).toFixed(1)} s\n`);
  }
  return rows;
}

const results = [];
for (const mode of modes) {
  const rows = await run(mode.gradients);
  const found = rows.filter((r) => r.success);
  const stat = (pick: (r: Row) => number, of: Row[] = rows) => spread(of, pick);
  results.push({
    mode: mode.name,
    digits: rows.length,
    successes: found.length,
    seconds: stat((r) => r.ms / 1000),
    iterations: stat((r) => r.iterations),
    modelCalls: stat((r) => r.calls),
    modelRows: stat((r) => r.rows),
    l1: found.length > 0 ? stat((r) => r.l1, found) : null,
    l0: found.length > 0 ? stat((r) => r.l0, found) : null,
    rows,
  });
}

const f = formatSpread;
await printResults(results, {
  json: values.json,
  tfjs: true,
  columns: [
    ['gradients', (r) => r.mode],
    ['successes', (r) => `${r.successes} / ${r.digits}`],
    ['seconds per digit, median / mean', (r) => f(r.seconds, 2)],
    ['gradient steps', (r) => f(r.iterations, 0)],
    ['model calls', (r) => f(r.modelCalls, 0)],
    ['model rows', (r) => f(r.modelRows, 0)],
    ['L1 distance', (r) => f(r.l1, 2)],
    ['L0 (pixels changed)', (r) => f(r.l0, 0)],
  ],
});
model.dispose();
