/**
 * Benchmark of CounterfactualProto (Van Looveren & Klaise, 2019) on Adult and MNIST:
 *
 *     npx tsx benchmarks/counterfactual-proto.ts [--rows 20] [--digits 10] [--default-digits 2] [--black-box-digits 2] [--only adult|mnist] [--json]
 *
 * - Adult: the bundled gradient-boosted trees as a black box (finite differences through the snapping of
 *   categories), k-d tree prototypes over the 32,561 training rows, ABDM; Race, Sex and Country
 *   immutable, Age and Education only up; the first `--rows` held-out rows. Three searches: Alibi's
 *   search sizes (c from 10 over 10 values, 1,000 iterations each), the CLI's (ADULT_PROTO_OPTIONS),
 *   and prototype only (cInit 0).
 * - MNIST: the bundled CNN, encoder prototypes from the bundled autoencoder's code (2,000 training
 *   digits); white box (autodiff) with Alibi's search sizes on `--default-digits` digits and with the
 *   CLI's (MNIST_PROTO_OPTIONS) on `--digits`; black box (finite differences, 2·784 + 2 rows per
 *   iteration) with the CLI's sizes on `--black-box-digits`; black box prototype only (cInit 0) on
 *   `--digits`.
 *
 * Per configuration: valid counterfactuals (another class, as the model predicts the returned row;
 * categories valid and immutables unchanged for Adult), and per explanation the median and mean time,
 * model calls, model rows and changed features (Adult) or pixels (MNIST). Fitting is not timed.
 */
import { parseArgs } from 'node:util';
import { ADULT_PROTO_OPTIONS, MNIST_PROTO_OPTIONS } from '../src/cli/commands/counterfactual-proto.js';
import type { GradientsOption } from '../src/counterfactuals/gradients.js';
import { COUNTERFACTUAL_PROTO_DEFAULTS, CounterfactualProto, type CounterfactualProtoOptions } from '../src/counterfactuals/proto/counterfactual-proto.js';
import { cutEncoder } from '../src/counterfactuals/proto/encoder.js';
import { adultCounterfactualTask } from '../src/datasets/adult-counterfactual.js';
import { loadMnist } from '../src/datasets/mnist.js';
import { tfjsModel } from '../src/predictors/tfjs.js';
import { loadBundledModel } from '../src/tf/models.js';
import { formatSpread, printResults, spread, timed, type Spread } from './report.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '20' },
    digits: { type: 'string', default: '10' },
    'default-digits': { type: 'string', default: '2' },
    'black-box-digits': { type: 'string', default: '2' },
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

/** Alibi Explain's search sizes (COUNTERFACTUAL_PROTO_DEFAULTS). */
const ALIBI_SEARCH = {
  cInit: COUNTERFACTUAL_PROTO_DEFAULTS.cInit,
  cSteps: COUNTERFACTUAL_PROTO_DEFAULTS.cSteps,
  maxIterations: COUNTERFACTUAL_PROTO_DEFAULTS.maxIterations,
};

interface Outcome {
  valid: boolean;
  ms: number;
  calls: number;
  rows: number;
  changed: number;
}

interface Result {
  data: string;
  config: string;
  n: number;
  valid: number;
  seconds: Spread;
  modelCalls: Spread;
  modelRows: Spread;
  changed: Spread | null;
}

function summarise(data: string, config: string, outcomes: Outcome[]): Result {
  const ok = outcomes.filter((o) => o.valid);
  const stat = (pick: (o: Outcome) => number, of: Outcome[] = outcomes) => spread(of, pick);
  const r = {
    data,
    config,
    n: outcomes.length,
    valid: ok.length,
    seconds: stat((o) => o.ms / 1000),
    modelCalls: stat((o) => o.calls),
    modelRows: stat((o) => o.rows),
    changed: ok.length > 0 ? stat((o) => o.changed, ok) : null,
  };
  if (!values.json) process.stderr.write(`${data} ${config}: ${r.valid} / ${r.n} valid, median ${r.seconds.median.toFixed(2)} s\n`);
  return r;
}

async function adult(): Promise<Result[]> {
  const task = adultCounterfactualTask('adult-gbt');
  const train = task.dataset.train.rows.map(task.scale);
  const rows = task.dataset.test.rows.slice(0, Number(values.rows)).map(task.scale);
  const immutable = ['Race', 'Sex', 'Country'];
  const base: CounterfactualProtoOptions = {
    shape: [12],
    categoryMap: task.categoryMap,
    featureNames: task.featureNames,
    featureRange: [-1, 1],
    theta: ADULT_PROTO_OPTIONS.theta,
    eps: ADULT_PROTO_OPTIONS.eps,
    constraints: { immutable, increaseOnly: ['Age', 'Education'] },
  };
  const configs: Array<[string, Partial<CounterfactualProtoOptions>]> = [
    ['Alibi search sizes (c 10, 10 values × 1,000 iterations)', ALIBI_SEARCH],
    ['CLI (c 1, 3 values × 200 iterations)', ADULT_PROTO_OPTIONS],
    ['prototype only (cInit 0, β 0.01, 100 iterations)', { cInit: 0, beta: 0.01, maxIterations: 100 }],
  ];
  const results: Result[] = [];
  for (const [name, options] of configs) {
    const explainer = await new CounterfactualProto(task.predictor, { ...base, ...options }).fit(train, { order: { 2: task.educationOrder } });
    const outcomes: Outcome[] = [];
    for (const row of rows) {
      const { value, ms } = await timed(() => explainer.explain(row));
      const { data } = value;
      let valid = false;
      if (data.cf !== null) {
        const x = data.cf.X as number[];
        const [p] = task.predictor([x]);
        const categoriesValid = Object.entries(task.categoryMap).every(([f, names]) => Number.isInteger(x[Number(f)]) && x[Number(f)] >= 0 && x[Number(f)] < names.length);
        const immutablesKept = immutable.every((name) => x[task.featureNames.indexOf(name)] === row[task.featureNames.indexOf(name)]);
        valid = categoriesValid && immutablesKept && p[data.orig_class] < 0.5;
      }
      outcomes.push({ valid, ms, calls: data.model_calls, rows: data.model_rows, changed: data.cf?.changed ?? Number.NaN });
    }
    results.push(summarise('Adult (GBT, black box)', name, outcomes));
  }
  return results;
}

async function mnistRuns(): Promise<Result[]> {
  const mnist = loadMnist();
  const cnn = await loadBundledModel('mnist-cnn');
  const ae = await loadBundledModel('mnist-ae');
  const encoder = await cutEncoder(ae, 4);
  const predictor = tfjsModel(cnn);
  const train = Array.from({ length: 2000 }, (_, i) => mnist.train.image(i));
  const base = { shape: mnist.shape, featureRange: [0, 1] as [number, number], encoder, theta: MNIST_PROTO_OPTIONS.theta };
  const configs: Array<[string, string, Partial<CounterfactualProtoOptions> & { gradients: GradientsOption }, number]> = [
    ['white box (autodiff)', 'Alibi search sizes (c 10, 10 values × 1,000 iterations)', { ...ALIBI_SEARCH, gradients: 'autodiff' }, Number(values['default-digits'])],
    ['white box (autodiff)', 'CLI (c 10, 2 values × 150 iterations)', { ...MNIST_PROTO_OPTIONS, gradients: 'autodiff' }, Number(values.digits)],
    ['black box (finite differences)', 'CLI (c 10, 2 values × 150 iterations)', { ...MNIST_PROTO_OPTIONS, gradients: 'finite-differences' }, Number(values['black-box-digits'])],
    ['black box', 'prototype only (cInit 0, 150 iterations)', { cInit: 0, maxIterations: 150, gradients: 'finite-differences' }, Number(values.digits)],
  ];
  const results: Result[] = [];
  try {
    for (const [kind, name, options, n] of configs) {
      if (n === 0) continue;
      const explainer = await new CounterfactualProto(predictor, { ...base, ...options }).fit(train);
      await explainer.explain(mnist.test.image(1999), { k: 1 }); // warm-up, outside the measured digits
      const outcomes: Outcome[] = [];
      for (let i = 0; i < n; i++) {
        const digit = mnist.test.image(i);
        const { value, ms } = await timed(() => explainer.explain(digit));
        const { data } = value;
        let valid = false;
        if (data.cf !== null) {
          const [p] = await predictor([(data.cf.X as number[][][]).flat(2)]);
          valid = p.indexOf(Math.max(...p)) !== data.orig_class;
        }
        outcomes.push({ valid, ms, calls: data.model_calls, rows: data.model_rows, changed: data.cf?.changed ?? Number.NaN });
      }
      results.push(summarise(`MNIST, ${kind}`, name, outcomes));
    }
  } finally {
    cnn.dispose();
    ae.dispose();
  }
  return results;
}

const results = [...(values.only === 'mnist' ? [] : await adult()), ...(values.only === 'adult' ? [] : await mnistRuns())];
const f = formatSpread;
await printResults(results, {
  json: values.json,
  tfjs: true,
  columns: [
    ['data, model', (r) => r.data],
    ['search', (r) => r.config],
    ['valid', (r) => `${r.valid} / ${r.n}`],
    ['seconds per explanation, median / mean', (r) => f(r.seconds, 2)],
    ['model calls', (r) => f(r.modelCalls, 0)],
    ['model rows', (r) => f(r.modelRows, 0)],
    ['features (pixels) changed', (r) => f(r.changed, 1)],
  ],
});
