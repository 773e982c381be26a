import { parseArgs } from 'node:util';
import { MinMaxScaling } from '../../core/min-max-scaling.js';
import type { Explanation } from '../../core/explanation.js';
import { Counterfactual, type CounterfactualData } from '../../counterfactuals/counterfactual.js';
import { loadCsv, type CsvTable } from '../../datasets/csv.js';
import { numberFlag, UsageError, type CliIO } from '../io.js';
import { checkRenderingFiles, writeRenderings } from '../renderings.js';
import { CARD_OPTIONS, checkWidth, columnList, explainedRow, kindOfModel, loadModel, rangeFlag, required, rowFlag, USER_MODEL_OPTIONS } from './explain-file.js';

export const COUNTERFACTUAL_FILE_USAGE = `Usage: glassbox counterfactual --model FILE --train CSV --target COLUMN (--row N | --instance JSON) --desired-range LOW,HIGH [options]

Finds the smallest change (in L1, on features min-max scaled to [0, 1] by their training ranges) to one
row that brings your regression model's prediction into LOW..HIGH (Wachter et al., 2017, with the
squared distance to the range as the prediction term), by finite differences: the model is a black box.
The model is an ONNX file or a TensorFlow.js model taking one row of the CSV's feature columns, which
must all be numeric (Wachter counterfactuals move features continuously).

Options:
  --model FILE              the model: FILE.onnx, or a TensorFlow.js model.json (or its folder)
  --train CSV               training rows: their ranges bound and scale every feature
  --target COLUMN           the CSV's target column, left out of the features
  --row N                   explain row N of the training CSV (0-based, header not counted)
  --instance JSON           explain this record instead, e.g. '{"age": 59, "bmi": 32.1, ...}'
  --desired-range LOW,HIGH  the range the prediction must reach (required)
  --numeric C,D             read these columns as numbers
  --eps E                   finite-difference step, as a fraction of each feature's range (default 0.1:
                            tree models are flat between their thresholds, smaller steps see no slope)
  --json                    print the explanation JSON ({meta, data}, rows scaled; input_scaling says how)
  --html FILE               also write the explanation's card as a self-contained HTML page
  --png FILE                also write the card as a PNG picture (needs Chromium)
`;

/** Changes smaller than this fraction of a feature's training range are left out of the summary (not the JSON). */
const MINOR_CHANGE = 0.005;

/** Differences from the row up to this fraction of a feature's range are float32 rounding, not changes. */
const ROUNDING = 1e-6;

/** The `--eps` default: 10% of a feature's training range (see the usage text). */
const DEFAULT_EPS = 0.1;

/**
 * `glassbox counterfactual --model FILE --train CSV --target COLUMN --row N --desired-range LOW,HIGH`:
 * a Wachter counterfactual of a user's regression model on a user's CSV, searched on rows min-max
 * scaled to [0, 1] (features that are constant in the CSV stay as they are).
 */
export async function counterfactualFileCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...USER_MODEL_OPTIONS,
      'desired-range': { type: 'string' },
      numeric: { type: 'string' },
      eps: { type: 'string' },
      ...CARD_OPTIONS,
    },
  });
  if (values.help) {
    io.stdout(COUNTERFACTUAL_FILE_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`--model takes no data set name (got ${positionals.join(' ')})`);
  const modelPath = required('model', values.model);
  const trainPath = required('train', values.train);
  const target = required('target', values.target);
  const desiredRange = rangeFlag('desired-range', required('desired-range', values['desired-range']));
  const rowIndex = rowFlag(values);
  const eps = numberFlag('eps', values.eps) ?? DEFAULT_EPS;
  const modelKind = kindOfModel(modelPath);
  const files = checkRenderingFiles({ html: values.html, png: values.png });

  const table = loadCsv(trainPath, { target, numeric: columnList(values.numeric) });
  const categorical = Object.keys(table.categoryMap).map((f) => table.featureNames[Number(f)]);
  if (categorical.length > 0) {
    throw new UsageError(`counterfactual --model moves features continuously; ${categorical.join(', ')} ${categorical.length > 1 ? 'are' : 'is'} categorical in ${trainPath}`);
  }
  const row = explainedRow(table, rowIndex, values.instance);
  const d = table.featureNames.length;
  const varying = table.featureNames.map((_, f) => f).filter((f) => table.rows.some((r) => r[f] !== table.rows[0][f]));
  const scaling = MinMaxScaling.fit(table.rows, { features: varying, range: [0, 1] });
  const x = scaling.scale(row, 'the explained row');
  // Scaled features move in [0, 1]; constant ones stay at their value.
  const low = x.map((v, f) => (scaling.isScaled(f) ? 0 : v));
  const high = x.map((v, f) => (scaling.isScaled(f) ? 1 : v));

  const model = await loadModel(modelPath, modelKind, table, undefined);
  try {
    checkWidth(model, modelPath, table);
    const ranges = table.featureNames.map((_, f) => rangeOf(table, f));
    // The search runs in float32: a feature it did not move comes back from [0, 1] within rounding of the
    // row's value, and a tree splitting exactly at that value could read it on the other side. Such a
    // value is the row's own.
    const unscale = (r: number[]) => scaling.unscale(r).map((v, f) => (Math.abs(v - row[f]) <= ROUNDING * ranges[f] ? row[f] : v));
    const predictor = Object.assign((rows: number[][]) => model.predictor(rows.map(unscale)), { task: 'regression' as const });
    const explainer = new Counterfactual(predictor, {
      shape: [d],
      desiredRange,
      featureRange: [low, high],
      eps,
      onProgress: io.interactive
        ? (p) => io.stderr(`λ = ${p.lambda.toExponential(2)}: ${p.success ? 'reached the range' : 'missed the range'} in ${p.iterations} steps\n`)
        : undefined,
    });
    const started = performance.now();
    const explanation = await explainer.explain(x);
    const elapsedMs = performance.now() - started;
    if (values.json) io.stdout(`${JSON.stringify({ ...explanation, input_scaling: scaling.toJSON() })}\n`);
    else io.stdout(formatRangeCounterfactual(explanation, table, row, unscale, elapsedMs, ranges));
    await writeRenderings(explanation, { instance: x, featureNames: table.featureNames, unscale }, files);
    return 0;
  } finally {
    await model.release();
  }
}

function rangeOf(table: CsvTable, f: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of table.rows) {
    lo = Math.min(lo, r[f]);
    hi = Math.max(hi, r[f]);
  }
  return hi - lo;
}

/** The summary: the prediction and the range, and the features the counterfactual changes, in the CSV's units. */
function formatRangeCounterfactual(
  e: Explanation<CounterfactualData>,
  table: CsvTable,
  row: number[],
  unscale: (row: number[]) => number[],
  elapsedMs: number,
  ranges: readonly number[],
): string {
  const d = e.data;
  const [low, high] = d.desired_range as [number, number];
  const lines = [`Prediction:      ${(d.orig_prediction as number).toFixed(2)}; desired range [${low}, ${high}]`];
  if (d.cf === null) {
    lines.push(`Counterfactual:  none found (success: false): ${d.reason}`);
  } else {
    const cf = unscale(d.cf.X as number[]);
    const changed = table.featureNames.flatMap((name, f) =>
      Math.abs(cf[f] - row[f]) < MINOR_CHANGE * ranges[f] ? [] : [`${name}: ${row[f]} → ${Number(cf[f].toPrecision(6))}`],
    );
    lines.push(
      `Counterfactual:  predicted ${(d.cf.prediction as number).toFixed(2)}, L1 ${d.cf.distance.toFixed(3)} in [0, 1] units; ` +
        `${changed.length} feature${changed.length === 1 ? '' : 's'} changed by ${MINOR_CHANGE * 100}% of ${changed.length === 1 ? 'its' : 'their'} range or more:`,
    );
    for (const change of changed) lines.push(`                 ${change}`);
  }
  lines.push(
    `Search:          ${d.iterations.toLocaleString('en-US')} gradient steps over ${d.raw.steps.length} values of λ, ` +
      `${d.model_calls.toLocaleString('en-US')} model calls (${d.model_rows.toLocaleString('en-US')} rows, ${d.raw.gradients}), ${Math.round(elapsedMs).toLocaleString('en-US')} ms`,
  );
  return `${lines.join('\n')}\n`;
}
