import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { AnchorTabular } from '../../anchors/tabular/anchor-tabular.js';
import { InvalidInputError } from '../../core/errors.js';
import { NUMBER } from '../../core/decimal.js';
import { csvColumnFeeder, csvModelRows, encodeCsvRecord, loadCsv, type CsvTable } from '../../datasets/csv.js';
import type { IntervalOption } from '../../anchors/target.js';
import { onnxPredictor, type OnnxOutputKind } from '../../predictors/onnx.js';
import { taskOf, type Predictor, type Task } from '../../predictors/predictor.js';
import { tfjsPredictor } from '../../predictors/tfjs.js';
import { formatAnchor } from '../format.js';
import { numberFlag, thresholdFlag, UsageError, type CliIO } from '../io.js';
import { checkRenderingFiles, writeRenderings } from '../renderings.js';

export const EXPLAIN_FILE_USAGE = `Usage: glassbox explain --model FILE --train CSV --target COLUMN (--row N | --instance JSON) [options]

Explains your model's prediction for one row with an anchor. The model is an ONNX file (.onnx, e.g.
exported from scikit-learn, XGBoost or LightGBM) or a TensorFlow.js model (model.json or its folder)
taking one row of the CSV's feature columns, in file order, with categories coded 0..k-1 in sorted
order of their names (scikit-learn's OrdinalEncoder). An ONNX model with one input per column, named
after it (a scikit-learn pipeline), is fed each column under its name, categories as their names.
The training CSV has a header line; every column but the target is a feature, numeric when all its
values are numbers, categorical when none is (a column of both is an error: name it --categorical).
An ONNX classifier is explained for its own label output; regressors are refused.

Options:
  --model FILE         the model: FILE.onnx, or a TensorFlow.js model.json (or its folder)
  --train CSV          training rows: the distribution anchors are tested against
  --target COLUMN      the CSV's label column, left out of the features
  --row N              explain row N of the training CSV (0-based, header not counted)
  --instance JSON      explain this record instead, e.g. '{"Age": 39, "Workclass": "State-gov", ...}'
  --categorical A,B    read these columns as categorical whatever their values
  --numeric C,D        read these columns as numbers
  --delimiter C        the CSV's field delimiter (default ','), e.g. ';', or '\\t' for a tab
  --output KIND        ONNX: explain the model's 'labels' or its 'probabilities' output alone
                       (default: the probabilities, checked against the label output)
  --threshold P        precision the anchor must reach (default 0.95)
  --task T             classification or regression (default: what the model declares, else regression
                       for a numeric target with more than 20 distinct values, else classification)
  --interval LOW,HIGH  regression: the interval the prediction must stay in (must hold the prediction)
  --width W            regression: an interval of width W centred on the prediction (default: the width
                       of the interquartile range of the model's predictions on the training rows)
  --seed S             seed of the sampling (default 0); same seed, same explanation
  --json               print the explanation JSON ({meta, data}) instead of the summary
  --html FILE          also write the explanation's card as a self-contained HTML page
  --png FILE           also write the card as a PNG picture (needs Chromium: /usr/bin/chromium or $GLASSBOX_CHROMIUM)

The prediction is named by the model's class labels when they are strings, else by the target
column's values in sorted order (class k is the k-th, as scikit-learn's LabelEncoder numbers them).
A regression model's prediction is its value: the anchor is what keeps it inside the interval.
`;

/** Whether `glassbox explain` was called with `--model`: the command of this module. */
export function isExplainFileCall(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--model' || a.startsWith('--model='));
}

/** A loaded model as a predictor over CSV rows, with what is known of its input and classes. */
export interface LoadedModel {
  predictor: Predictor<number[]>;
  numFeatures: number | undefined;
  classes: readonly (number | string)[] | undefined;
  release: () => Promise<void>;
}

/**
 * `glassbox explain --model FILE --train CSV --target COLUMN (--row N | --instance JSON)`: explains a
 * user's ONNX or TensorFlow.js model on a user's CSV with `AnchorTabular`, as the in-code path
 * `new AnchorTabular(predictor, table.featureNames, { categoryMap: table.categoryMap, seed })` would.
 */
export async function explainFileCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...USER_MODEL_OPTIONS,
      categorical: { type: 'string' },
      numeric: { type: 'string' },
      delimiter: { type: 'string' },
      output: { type: 'string' },
      threshold: { type: 'string' },
      task: { type: 'string' },
      interval: { type: 'string' },
      width: { type: 'string' },
      seed: { type: 'string' },
      ...CARD_OPTIONS,
    },
  });
  if (values.help) {
    io.stdout(EXPLAIN_FILE_USAGE);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UsageError(`--model explains your own model on --train CSV; it takes no data set name (got ${positionals.join(' ')})`);
  }
  const modelPath = required('model', values.model);
  const trainPath = required('train', values.train);
  const target = required('target', values.target);
  const rowIndex = rowFlag(values);
  const threshold = thresholdFlag(values.threshold);
  const interval = intervalFlags(values.interval, values.width);
  const seed = values.seed === undefined ? undefined : (numberFlag('seed', values.seed) as number);
  const modelKind = kindOfModel(modelPath);
  const output = outputFlag(values.output, modelKind);
  const files = checkRenderingFiles({ html: values.html, png: values.png });

  const table = loadCsv(trainPath, {
    target,
    categorical: columnList(values.categorical),
    numeric: columnList(values.numeric),
    delimiter: values.delimiter === '\\t' ? '\t' : values.delimiter,
  });
  const instance = explainedRow(table, rowIndex, values.instance);

  const model = await loadModel(modelPath, modelKind, table, output);
  try {
    checkWidth(model, modelPath, table);
    const task = cliTask(values.task, taskOf(model.predictor), table, interval !== undefined);
    const explainer = new AnchorTabular(model.predictor, table.featureNames, { categoryMap: table.categoryMap, seed, task });
    await explainer.fit(table.rows);
    const started = performance.now();
    const explanation = await explainer.explain(instance, {
      threshold,
      interval,
      onProgress: io.interactive
        ? (p) => io.stderr(`searched anchors of size ${p.anchorSize}: ${p.candidates} candidates, ${p.samples} samples\n`)
        : undefined,
    });
    const elapsedMs = performance.now() - started;
    const targetNames = classNames(model.classes, table);
    if (values.json) io.stdout(`${JSON.stringify(explanation)}\n`);
    else io.stdout(formatAnchor(explanation, { targetNames, elapsedMs }));
    await writeRenderings(explanation, { featureNames: table.featureNames, categoryMap: table.categoryMap, targetNames }, files);
    return 0;
  } finally {
    await model.release();
  }
}

/** The model, fed the CSV's rows as the model takes them (numbers for categories that are numbers). */
export async function loadModel(path: string, kind: 'onnx' | 'tfjs', table: CsvTable, output: OnnxOutputKind | undefined): Promise<LoadedModel> {
  if (kind === 'onnx') {
    const onnx = await onnxPredictor(path, output === undefined ? {} : { output });
    let feed: (rows: number[][]) => readonly (number | string)[][];
    try {
      feed =
        onnx.inputs === 'columns'
          ? csvColumnFeeder(table, onnx.inputNames, onnx.inputTypes.map((t) => t === 'string'), `the model ${path}`)
          : (rows) => csvModelRows(table, rows);
    } catch (err) {
      await onnx.release();
      throw err;
    }
    return {
      // The wrapper declares the model's task, so that the explainer refuses a contradicting --task.
      predictor: Object.assign((rows: number[][]) => onnx(feed(rows)), { task: onnx.task }),
      numFeatures: onnx.numFeatures,
      classes: onnx.classes,
      release: () => onnx.release(),
    };
  }
  const tfjs = await tfjsPredictor(path);
  return {
    predictor: (rows) => tfjs(csvModelRows(table, rows) as number[][]),
    numFeatures: tfjs.inputSize,
    classes: undefined,
    release: async () => {
      tfjs.model.dispose();
    },
  };
}

/** `--interval LOW,HIGH` or `--width W` (not both), as AnchorTabular's `interval` option. */
export function intervalFlags(interval: string | undefined, width: string | undefined): IntervalOption | undefined {
  if (interval !== undefined && width !== undefined) throw new UsageError('give at most one of --interval LOW,HIGH and --width W');
  if (width !== undefined) return { width: numberFlag('width', width) as number }; // > 0: checked by the explainer
  if (interval === undefined) return undefined;
  return rangeFlag('interval', interval);
}

/** A `LOW,HIGH` flag: two numbers with LOW <= HIGH. */
export function rangeFlag(flag: string, value: string): [number, number] {
  const parts = value.split(',').map((s) => s.trim());
  const numbers = parts.map(Number);
  if (parts.length !== 2 || parts.some((p) => p === '') || !numbers.every(Number.isFinite) || numbers[0] > numbers[1]) {
    throw new UsageError(`--${flag} ${value}: expected LOW,HIGH, two numbers with LOW <= HIGH (e.g. --${flag} 130,170)`);
  }
  return [numbers[0], numbers[1]];
}

/** Distinct values a numeric target column needs before the CLI reads it as a regression target. */
const REGRESSION_TARGET_VALUES = 20;

/**
 * The task of `explain --model`: `--task` if given, else what the model declares, else regression when
 * the target column is numeric with more than {@link REGRESSION_TARGET_VALUES} distinct values (or an
 * interval was asked for), else classification.
 */
function cliTask(flag: string | undefined, declared: Task | undefined, table: CsvTable, intervalGiven: boolean): Task {
  if (flag !== undefined && flag !== 'classification' && flag !== 'regression') {
    throw new UsageError(`--task ${flag}: expected classification or regression`);
  }
  if (flag !== undefined) return flag;
  if (declared !== undefined) return declared;
  const names = table.targetNames ?? [];
  const numeric = names.length > REGRESSION_TARGET_VALUES && names.every((v) => NUMBER.test(v));
  return numeric || intervalGiven ? 'regression' : 'classification';
}

function outputFlag(value: string | undefined, kind: 'onnx' | 'tfjs'): OnnxOutputKind | undefined {
  if (value === undefined) return undefined;
  if (kind !== 'onnx') throw new UsageError('--output picks an output of an ONNX model; a TensorFlow.js model has one');
  if (value !== 'labels' && value !== 'probabilities' && value !== 'values') throw new UsageError(`--output is "${value}"; expected labels, probabilities or values`);
  return value;
}

/** The parseArgs options naming the user's model, its CSV and the row to explain: `explain --model` and `counterfactual --model`. */
export const USER_MODEL_OPTIONS = {
  model: { type: 'string' },
  train: { type: 'string' },
  target: { type: 'string' },
  row: { type: 'string' },
  instance: { type: 'string' },
} as const;

/** The parseArgs options for the output (--json, --html, --png) and --help of `explain --model` and `counterfactual --model`. */
export const CARD_OPTIONS = {
  json: { type: 'boolean', default: false },
  html: { type: 'string' },
  png: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** `--row N` (undefined with --instance JSON); exactly one of the two must be given. */
export function rowFlag(values: { row?: string; instance?: string }): number | undefined {
  const rowIndex = numberFlag('row', values.row, { integer: true, min: 0 });
  if ((rowIndex === undefined) === (values.instance === undefined)) {
    throw new UsageError('give exactly one of --row N and --instance JSON');
  }
  return rowIndex;
}

/** The explained row: row `rowIndex` of the CSV, or else the `--instance` record encoded as the CSV's rows are. */
export function explainedRow(table: CsvTable, rowIndex: number | undefined, instance: string | undefined): number[] {
  if (rowIndex === undefined) return encodeCsvRecord(table, parseInstance(instance as string), '--instance');
  if (rowIndex >= table.rows.length) {
    throw new UsageError(`--row ${rowIndex} is out of range; ${table.source} has ${table.rows.length} rows (0..${table.rows.length - 1})`);
  }
  return table.rows[rowIndex];
}

export function required(flag: string, value: string | undefined): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`--${flag} is required with --model`);
  return value;
}

export function columnList(flag: string | undefined): string[] | undefined {
  return flag?.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** ONNX for a `.onnx` file; TensorFlow.js for a `model.json` or a folder holding one. */
export function kindOfModel(path: string): 'onnx' | 'tfjs' {
  if (path.toLowerCase().endsWith('.onnx')) return 'onnx';
  if (basename(path) === 'model.json') return 'tfjs';
  try {
    if (statSync(path).isDirectory() && statSync(join(path, 'model.json')).isFile()) return 'tfjs';
  } catch {
    // not a folder with a model.json: fall through to the usage error
  }
  throw new UsageError(`--model ${path}: expected an ONNX file (.onnx), or a TensorFlow.js model.json or the folder holding it`);
}

export function parseInstance(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch (err) {
    throw new UsageError(`--instance is not valid JSON (${(err as Error).message}); expected an object such as '{"Age": 39, "Workclass": "State-gov"}'`);
  }
}

/** A model whose input width is known must take exactly the CSV's feature columns. */
export function checkWidth(model: LoadedModel, modelPath: string, table: CsvTable): void {
  const d = table.featureNames.length;
  if (model.numFeatures !== undefined && model.numFeatures !== d) {
    throw new InvalidInputError(
      `the model ${modelPath} takes ${model.numFeatures} features per row, but ${table.source} has ${d} feature columns ` +
        `(every column but the target "${table.targetName}"): ${table.featureNames.join(', ')}`,
    );
  }
}

/** Names of the predicted classes: the model's string labels, else the target's sorted values. */
function classNames(classes: readonly (number | string)[] | undefined, table: CsvTable): readonly string[] | undefined {
  if (classes !== undefined && classes.every((c) => typeof c === 'string')) return classes as string[];
  if (classes === undefined || classes.length === table.targetNames?.length) return table.targetNames;
  return classes.map(String);
}
