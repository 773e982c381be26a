import { readFileSync } from 'node:fs';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { rejectUnknownOptions } from '../anchors/options.js';
import { InvalidInputError, PredictorError } from '../core/errors.js';
import { importPeer } from '../peer-dependency.js';
import {
  classesOf,
  exposeZipMapInputs,
  modelTask,
  readOnnxGraph,
  scoresOnlyClassOne,
  zipMapOutputs,
  type ClassLabel,
} from './onnx-graph.js';
import type { Predictor, Task } from './predictor.js';

/** What an {@link OnnxPredictor} returns: class labels, class probabilities (scores), or a regressor's values. */
export type OnnxOutputKind = 'labels' | 'probabilities' | 'values';

/**
 * How rows are fed: `'matrix'`, all features as one `[rows, features]` tensor; `'columns'`, one
 * `[rows, 1]` tensor per feature, each input named after its column (scikit-learn pipelines exported
 * with one initial type per column).
 */
export type OnnxInputLayout = 'matrix' | 'columns';

/** The element types of the inputs an {@link OnnxPredictor} feeds (`string` in the columns layout only). */
export type OnnxInputType = 'float32' | 'float64' | 'int64' | 'int32' | 'string';

/** One value of a row: a number, or a category's name for a string input of the columns layout. */
export type OnnxValue = number | string;

/**
 * Options of {@link onnxPredictor}: which input is fed and how (one matrix or one tensor per column), and which
 * output is read as what.
 */
export interface OnnxPredictorOptions {
  /** The input fed the rows as one `[rows, features]` tensor. Default: the model's only input. */
  inputName?: string;
  /**
   * The input layout. Default, read from the model: `'columns'` when it has several inputs or one
   * string input, `'matrix'` otherwise.
   */
  inputs?: OnnxInputLayout;
  /** The output read. Default: the first output of the kind `output` asks for. */
  outputName?: string;
  /**
   * `'probabilities'` (the default when the model has a float output): the class probabilities or
   * scores, one row per input; `'labels'`: the predicted classes, as class indices. Naming either
   * (or `outputName`) reads that output alone; by default the probabilities are checked against the
   * model's label output, when it has one. `'values'` (the default for a regressor: see
   * {@link OnnxPredictor.task}): one predicted value per input.
   */
  output?: OnnxOutputKind;
}

/**
 * A {@link Predictor} over an ONNX model run by onnxruntime-node. It takes a batch of rows and
 * resolves, after one session run for the whole batch, to one probability row per input
 * (`Float32Array`s, or `Float64Array`s for a double output) or to class indices (`Int32Array`).
 * A row holds one value per feature in the order of {@link inputNames} for the columns layout (numbers,
 * category names for string inputs), one number per feature of the matrix input otherwise.
 */
export interface OnnxPredictor extends Predictor<number[]> {
  (rows: readonly ArrayLike<OnnxValue>[]): Promise<Int32Array | Float32Array[] | Float64Array[] | Float32Array | Float64Array>;
  /**
   * `regression` when the output read is a regressor's (made by TreeEnsembleRegressor, LinearRegressor
   * or SVMRegressor, or skl2onnx's regressor output `variable` beside no label output; see `modelTask`),
   * or `output: 'values'` asked for it: the predictor then returns one value per row (a flat
   * Float32Array or Float64Array). Explainers read it, so that a classifier is never explained as
   * regression, nor the reverse.
   */
  readonly task: Task;
  /** The input layout fed. */
  readonly inputs: OnnxInputLayout;
  /** The inputs fed, in row order: the matrix input alone, or one input per column. */
  readonly inputNames: readonly string[];
  /** Their element types, in the same order. */
  readonly inputTypes: readonly OnnxInputType[];
  /** The matrix input and its element type; `undefined` in the columns layout (see {@link inputNames}). */
  readonly inputName: string | undefined;
  readonly inputType: OnnxInputType | undefined;
  /** Values per row: the matrix input's width (`undefined` when the model leaves it open), or the number of columns. */
  readonly numFeatures: number | undefined;
  /** The output read, as the model names it, and what it holds. */
  readonly outputName: string;
  readonly output: OnnxOutputKind;
  /** The label output the probabilities are checked against (see {@link onnxPredictor}); `undefined` when none. */
  readonly labelOutputName: string | undefined;
  /**
   * The class labels the model declares (its classifier's `classlabels_*` attribute), in the order of
   * its probability columns: class index `k` (what the predictor returns) is `classes[k]`. `undefined`
   * when the model declares none.
   */
  readonly classes: readonly ClassLabel[] | undefined;
  /** The onnxruntime session, for inspection (an onnxruntime-node `InferenceSession`). */
  readonly session: OnnxSession;
  /** Releases the session's native resources; the predictor cannot be called afterwards. */
  release(): Promise<void>;
}

/**
 * What {@link OnnxPredictor.session} is typed as: the part of onnxruntime-node's `InferenceSession`
 * glassbox uses, so that glassbox's type declarations do not need onnxruntime-node installed.
 */
export interface OnnxSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the model on the given input tensors and returns the requested outputs. */
  run(feeds: Record<string, unknown>, fetches?: readonly string[]): Promise<Record<string, unknown>>;
  /** Releases the session's native resources. */
  release(): Promise<void>;
}

const FLOAT_TYPES = new Set(['float32', 'float64']);
const LABEL_TYPES = new Set(['int64', 'int32', 'string']);
const MATRIX_TYPES = new Set<string>(['float32', 'float64', 'int64', 'int32']);
const COLUMN_TYPES = new Set<string>([...MATRIX_TYPES, 'string']);

/** One output of the session, with the name the original model gives it. */
interface OutputEntry {
  /** The name in the model as given (a ZipMap's output when the session reads the tensor it was made from). */
  name: string;
  /** The name in the session. */
  sessionName: string;
  type: string | undefined;
  kind: OnnxOutputKind | undefined;
}
type ChosenOutput = OutputEntry & { kind: OnnxOutputKind };

/** The inputs fed and how. */
interface Feeding {
  layout: OnnxInputLayout;
  inputs: InputEntry[];
  /** Values per row. */
  width: number | undefined;
}

/** What a predictor reads from a session run, and how it makes probabilities agree with labels. */
interface Reading {
  output: ChosenOutput;
  /** The label output the probabilities must agree with. */
  labels: OutputEntry | undefined;
  /** The binary scores `[0, p]` of a one-class tree ensemble, completed to `[1 - p, p]`. */
  complement: boolean;
  classes: ClassLabel[] | undefined;
}

/**
 * Loads an ONNX model (a file path or its bytes) into an onnxruntime-node session and wraps it as a
 * {@link OnnxPredictor}.
 *
 * Classifiers exported from scikit-learn, XGBoost or LightGBM (ONNX-ML operators) are read as they are
 * exported: a label output (int64 or string) beside a probability output that is either a `[N, classes]`
 * float tensor or a sequence of maps made by ZipMap. onnxruntime-node cannot return sequences of maps,
 * so the ZipMap is dropped from the graph before the session is made and its input, the same
 * probabilities in the class order the ZipMap declares, is read instead (see `onnx-graph.ts`).
 *
 * The prediction is the model's own: when the model has a label output, every call reads it beside
 * the probabilities and checks that each row's most probable class (the first, on a tie) is the row's
 * label. A binary TreeEnsembleClassifier whose leaves weigh class id 1 only has its scores `[0, p]`
 * completed to `[1 - p, p]` first (onnxruntime's label is that of `[1 - p, p]`). Any other disagreement
 * is a `PredictorError` naming the row and both outputs: pass `output` to read one of them alone.
 *
 * Inputs: one float, double, int64 or int32 tensor `[rows, features]` (the matrix layout), or one
 * `[rows, 1]` tensor per column (the columns layout; string tensors for categories). Rows are written
 * in each input's own element type (integers only into integer inputs, strings only into string
 * inputs), and every call is one `session.run` whatever the number of rows.
 *
 * @throws InvalidInputError when the file cannot be read or is not an ONNX model, onnxruntime rejects
 *   it, or its inputs and outputs do not fit (several inputs and the matrix layout asked for, an input
 *   of another type or rank, no output of the kind asked for, unknown names or options).
 * @throws MissingDependencyError when onnxruntime-node is not installed.
 */
export async function onnxPredictor(model: string | Uint8Array, options: OnnxPredictorOptions = {}): Promise<OnnxPredictor> {
  rejectUnknownOptions(options, ['inputName', 'inputs', 'outputName', 'output']);
  if (options.output !== undefined && options.output !== 'labels' && options.output !== 'probabilities' && options.output !== 'values') {
    throw new InvalidInputError(`option output is ${JSON.stringify(options.output)}; expected 'labels', 'probabilities' or 'values'`);
  }
  if (options.inputs !== undefined && options.inputs !== 'matrix' && options.inputs !== 'columns') {
    throw new InvalidInputError(`option inputs is ${JSON.stringify(options.inputs)}; expected 'matrix' or 'columns'`);
  }
  const { bytes, what } = modelBytes(model);
  let graph;
  try {
    graph = readOnnxGraph(bytes);
  } catch (err) {
    throw new InvalidInputError(`${what} is not an ONNX model (${(err as Error).message})`, { cause: err });
  }
  const zipMaps = zipMapOutputs(graph);
  // Imported on first use: the native runtime loads only for those who run ONNX models.
  const ort = await importPeer(() => import('onnxruntime-node'), 'onnxruntime-node', 'ONNX models');
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(zipMaps.length > 0 ? exposeZipMapInputs(bytes, zipMaps) : bytes);
  } catch (err) {
    throw new InvalidInputError(`onnxruntime cannot load ${what}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const feeding = selectFeeding(session, options, what);
    const zipMapOf = new Map(zipMaps.map((z) => [z.input, z.output]));
    const hasLabels = session.outputMetadata.some((m) => m.isTensor && LABEL_TYPES.has(m.type));
    const outputs: OutputEntry[] = session.outputMetadata.map((m) => {
      const type = m.isTensor ? m.type : undefined;
      // A regressor's float output holds its values (see modelTask), a classifier's its probabilities.
      const floats = modelTask(graph, m.name, hasLabels) === 'regressor' ? 'values' : 'probabilities';
      const kind = type === undefined ? undefined : FLOAT_TYPES.has(type) ? floats : LABEL_TYPES.has(type) ? 'labels' : undefined;
      return { name: zipMapOf.get(m.name) ?? m.name, sessionName: m.name, type, kind };
    });
    const chosen = selectOutput(outputs, options, what);
    const checked = options.output === undefined && options.outputName === undefined && chosen.kind === 'probabilities';
    const reading: Reading = {
      output: chosen,
      labels: checked ? outputs.find((o) => o.kind === 'labels') : undefined,
      complement: chosen.kind === 'probabilities' && scoresOnlyClassOne(graph, chosen.sessionName),
      classes: classesOf(graph, chosen.sessionName),
    };
    return makePredictor(session, ort.Tensor, feeding, reading, what);
  } catch (err) {
    await session.release();
    throw err;
  }
}

function modelBytes(model: string | Uint8Array): { bytes: Uint8Array; what: string } {
  if (typeof model === 'string') {
    try {
      return { bytes: new Uint8Array(readFileSync(model)), what: `ONNX model ${model}` };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InvalidInputError(
        code === 'ENOENT' ? `ONNX model file not found: ${model}` : `cannot read ONNX model ${model}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
  if (!(model instanceof Uint8Array)) {
    throw new InvalidInputError(`onnxPredictor takes a file path or the model's bytes (a Uint8Array); got ${model === null ? 'null' : typeof model}`);
  }
  return { bytes: model, what: `the ONNX model (${model.length} bytes)` };
}

interface InputEntry {
  name: string;
  type: OnnxInputType;
  /** The width of a matrix input (`undefined` when the model leaves it open); 1 for a column. */
  numFeatures: number | undefined;
}

/** The layout (asked for, else read from the model) and the inputs it feeds. */
function selectFeeding(session: InferenceSession, options: OnnxPredictorOptions, what: string): Feeding {
  const inputs = session.inputMetadata;
  const names = inputs.map((m) => m.name);
  const layout = options.inputs ?? (inputs.length > 1 || (inputs.length === 1 && inputs[0].isTensor && inputs[0].type === 'string') ? 'columns' : 'matrix');
  if (layout === 'columns') {
    if (options.inputName !== undefined) {
      throw new InvalidInputError(`option inputName names the input of the matrix layout; ${what} is fed by columns (${names.join(', ')})`);
    }
    const entries = inputs.map((m) => checkedInput(m, COLUMN_TYPES, 'columns', what));
    const wide = entries.find((e) => e.numFeatures !== 1 && e.numFeatures !== undefined);
    if (wide !== undefined) {
      throw new InvalidInputError(`input "${wide.name}" of ${what} takes ${wide.numFeatures} values per row; the columns layout feeds [rows, 1] per column`);
    }
    return { layout, inputs: entries, width: entries.length };
  }
  let meta;
  if (options.inputName !== undefined) {
    meta = inputs.find((m) => m.name === options.inputName);
    if (meta === undefined) throw new InvalidInputError(`${what} has no input "${options.inputName}"; its inputs are: ${names.join(', ')}`);
  } else if (inputs.length === 1) {
    meta = inputs[0];
  } else {
    throw new InvalidInputError(
      `${what} has ${inputs.length} inputs (${names.join(', ')}); the matrix layout feeds all features as one [rows, features] ` +
        "tensor: pass inputName, or inputs: 'columns' to feed one input per column",
    );
  }
  const input = checkedInput(meta, MATRIX_TYPES, 'matrix', what);
  return { layout, inputs: [input], width: input.numFeatures };
}

/** An input's name, element type and width, checked against what the layout feeds. */
function checkedInput(meta: InferenceSession.ValueMetadata, types: ReadonlySet<string>, layout: OnnxInputLayout, what: string): InputEntry {
  if (!meta.isTensor || !types.has(meta.type)) {
    throw new InvalidInputError(
      `input "${meta.name}" of ${what} is ${meta.isTensor ? `a tensor of ${meta.type}` : 'not a tensor'}; the ${layout} layout feeds ` +
        `tensors of ${[...types].join(', ')}`,
    );
  }
  const shape = meta.shape;
  if (shape.length !== 0 && shape.length !== 2) {
    throw new InvalidInputError(
      `input "${meta.name}" of ${what} has shape [${shape.join(', ')}]; the ${layout} layout feeds ${layout === 'matrix' ? '[rows, features]' : '[rows, 1]'}`,
    );
  }
  const width = shape[1];
  return { name: meta.name, type: meta.type as OnnxInputType, numFeatures: typeof width === 'number' && width > 0 ? width : undefined };
}

function selectOutput(outputs: OutputEntry[], options: OnnxPredictorOptions, what: string): OutputEntry & { kind: OnnxOutputKind } {
  const list = outputs.map((o) => `${o.name} (${o.type ?? 'not a tensor'})`).join(', ');
  // Labels come from a label tensor; probabilities and values from a float tensor.
  const fits = (e: OutputEntry, kind: OnnxOutputKind) => e.kind !== undefined && (e.kind === 'labels') === (kind === 'labels');
  if (options.outputName !== undefined) {
    const o = outputs.find((e) => e.name === options.outputName || e.sessionName === options.outputName);
    if (o === undefined) throw new InvalidInputError(`${what} has no output "${options.outputName}"; its outputs are: ${list}`);
    const kind = options.output ?? o.kind;
    if (kind === undefined || !fits(o, kind)) {
      throw new InvalidInputError(
        `output "${o.name}" of ${what} is ${o.type === undefined ? 'not a tensor' : `a tensor of ${o.type}`}; expected ` +
          `${kind === 'labels' ? 'class labels (an int64, int32 or string tensor)' : kind === 'values' ? 'predicted values (a float tensor)' : 'class probabilities (a float tensor)'}`,
      );
    }
    return { ...o, kind };
  }
  const kind =
    options.output ??
    (outputs.some((o) => o.kind === 'probabilities') ? 'probabilities' : outputs.some((o) => o.kind === 'values') ? 'values' : 'labels');
  const o = outputs.find((e) => e.kind === kind) ?? outputs.find((e) => fits(e, kind));
  if (o === undefined) {
    throw new InvalidInputError(
      `${what} has no ${kind === 'labels' ? 'label output (an int64, int32 or string tensor)' : 'probability output (a float tensor)'}; its outputs are: ${list}`,
    );
  }
  return { ...o, kind };
}

function makePredictor(
  session: InferenceSession,
  TensorClass: typeof Tensor,
  feeding: Feeding,
  reading: Reading,
  what: string,
): OnnxPredictor {
  const { output, labels, classes } = reading;
  const classIndex = new Map<ClassLabel, number>(classes?.map((c, k) => [c, k]));
  const fetches = labels === undefined ? [output.sessionName] : [output.sessionName, labels.sessionName];
  const predict = async (rows: readonly ArrayLike<OnnxValue>[]): Promise<Int32Array | Float32Array[] | Float64Array[] | Float32Array | Float64Array> => {
    if (!Array.isArray(rows)) {
      throw new InvalidInputError(`an ONNX predictor takes an array of rows; got ${rows === null ? 'null' : typeof rows}`);
    }
    const n = rows.length;
    if (n === 0) return output.kind === 'labels' ? new Int32Array(0) : output.kind === 'values' ? new Float32Array(0) : [];
    const feeds = feeding.layout === 'matrix' ? matrixFeeds(rows, feeding, TensorClass, what) : columnFeeds(rows, feeding, TensorClass, what);
    let result;
    try {
      result = await session.run(feeds, fetches);
    } catch (err) {
      throw new PredictorError(`${what} failed on a batch of ${n} rows: ${(err as Error).message}`, { cause: err });
    }
    const tensor = result[output.sessionName];
    if (output.kind === 'labels') return labelIndices(tensor, n, output.name, classes, classIndex);
    if (output.kind === 'values') return predictedValues(tensor, n, output.name);
    const probabilities = probabilityRows(tensor, n, output.name);
    if (reading.complement) completeBinaryScores(probabilities);
    if (labels !== undefined) {
      checkAgreement(probabilities, labelIndices(result[labels.sessionName], n, labels.name, classes, classIndex), output.name, labels.name, what);
    }
    return probabilities;
  };
  const matrix = feeding.layout === 'matrix' ? feeding.inputs[0] : undefined;
  return Object.assign(predict, {
    inputs: feeding.layout,
    inputNames: Object.freeze(feeding.inputs.map((i) => i.name)),
    inputTypes: Object.freeze(feeding.inputs.map((i) => i.type)),
    inputName: matrix?.name,
    inputType: matrix?.type,
    numFeatures: feeding.width,
    outputName: output.name,
    output: output.kind,
    task: output.kind === 'values' ? 'regression' : 'classification',
    labelOutputName: labels?.name,
    classes: classes === undefined ? undefined : Object.freeze([...classes]),
    session,
    release: () => session.release(),
  }) as OnnxPredictor;
}

/** The one `[n, d]` tensor of the matrix layout. */
function matrixFeeds(rows: readonly ArrayLike<OnnxValue>[], feeding: Feeding, TensorClass: typeof Tensor, what: string): Record<string, Tensor> {
  const input = feeding.inputs[0];
  const n = rows.length;
  const d = feeding.width ?? rowLength(rows[0], 0, undefined, feeding, what);
  const write = valueWriter(input, n * d);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    rowLength(row, i, d, feeding, what);
    for (let j = 0; j < d; j++) write.set(i * d + j, row[j], i, j);
  }
  return { [input.name]: new TensorClass(input.type, write.data as Float32Array, [n, d]) };
}

/** One `[n, 1]` tensor per column, value `j` of each row into input `j`. */
function columnFeeds(rows: readonly ArrayLike<OnnxValue>[], feeding: Feeding, TensorClass: typeof Tensor, what: string): Record<string, Tensor> {
  const n = rows.length;
  for (let i = 0; i < n; i++) rowLength(rows[i], i, feeding.width, feeding, what);
  const feeds: Record<string, Tensor> = {};
  feeding.inputs.forEach((input, j) => {
    const write = valueWriter(input, n);
    for (let i = 0; i < n; i++) write.set(i, rows[i][j], i, j);
    feeds[input.name] = new TensorClass(input.type, write.data as Float32Array, [n, 1]);
  });
  return feeds;
}

/**
 * The data of a tensor for `input` with `size` values, and how to write one: numbers into number
 * inputs (integers only into integer inputs), strings into string inputs; anything else is an error
 * naming the row and the input, never a converted value.
 */
function valueWriter(input: InputEntry, size: number) {
  const wrong = (value: unknown, i: number, j: number, expected: string): never => {
    throw new InvalidInputError(
      `row ${i}, value ${j} (input "${input.name}", ${input.type}) is ${typeof value === 'string' ? JSON.stringify(value) : String(value)}; expected ${expected}`,
    );
  };
  switch (input.type) {
    case 'float32':
    case 'float64': {
      const data = input.type === 'float32' ? new Float32Array(size) : new Float64Array(size);
      return {
        data,
        set(k: number, v: unknown, i: number, j: number) {
          if (typeof v !== 'number') wrong(v, i, j, 'a number');
          data[k] = v as number;
        },
      };
    }
    case 'int64':
    case 'int32': {
      const wide = input.type === 'int64';
      const data = wide ? new BigInt64Array(size) : new Int32Array(size);
      return {
        data,
        set(k: number, v: unknown, i: number, j: number) {
          if (!Number.isSafeInteger(v) || (!wide && ((v as number) > 2 ** 31 - 1 || (v as number) < -(2 ** 31)))) {
            wrong(v, i, j, `an integer${wide ? '' : ' in the int32 range'} (the model's input is an integer tensor)`);
          }
          if (wide) (data as BigInt64Array)[k] = BigInt(v as number);
          else data[k] = v as number;
        },
      };
    }
    case 'string': {
      const data = new Array<string>(size);
      return {
        data,
        set(k: number, v: unknown, i: number, j: number) {
          if (typeof v !== 'string') wrong(v, i, j, "a string (the model's input is a string tensor: a category's name)");
          data[k] = v as string;
        },
      };
    }
  }
}

/** The length of row `i`, checked against the width `d` fed (when known). */
function rowLength(row: unknown, i: number, d: number | undefined, feeding: Feeding, what: string): number {
  const length = row !== null && typeof row === 'object' ? (row as ArrayLike<unknown>).length : undefined;
  if (typeof length !== 'number') {
    throw new InvalidInputError(`row ${i} is ${row === null ? 'null' : typeof row}; expected an array of ${feeding.layout === 'matrix' ? 'numbers' : 'values'}`);
  }
  if (d !== undefined && length !== d) {
    throw new InvalidInputError(
      feeding.layout === 'matrix'
        ? `row ${i} has ${length} values; input "${feeding.inputs[0].name}" of ${what} takes ${d} features`
        : `row ${i} has ${length} values; ${what} takes ${d}, one per input: ${feeding.inputs.map((x) => x.name).join(', ')}`,
    );
  }
  return length;
}

/** `[0, p]` rows made `[1 - p, p]` (see {@link scoresOnlyClassOne}); rows with a class-0 score are left alone. */
function completeBinaryScores(rows: Float32Array[] | Float64Array[]): void {
  for (const row of rows) {
    if (row[0] === 0) row[0] = 1 - row[1];
  }
}

/** Throws unless each row's most probable class (the first of equals, as explainers read it) is its label. */
function checkAgreement(probabilities: Float32Array[] | Float64Array[], labels: Int32Array, output: string, labelOutput: string, what: string): void {
  for (let i = 0; i < labels.length; i++) {
    const p = probabilities[i];
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
    if (best !== labels[i]) {
      throw new PredictorError(
        `${what} disagrees with itself on row ${i}: its probability output "${output}" is [${Array.from(p).join(', ')}] ` +
          `(most probable class index ${best}), its label output "${labelOutput}" says class index ${labels[i]}; ` +
          `glassbox would explain a prediction the model does not make. Choose the output to explain with the option output: ` +
          `'labels' reads "${labelOutput}", 'probabilities' reads "${output}" as it is (glassbox explain --output labels|probabilities)`,
      );
    }
  }
}

/** The rows of a `[n, classes]` float tensor, as views of its data. */
function probabilityRows(tensor: Tensor, n: number, name: string): Float32Array[] | Float64Array[] {
  const [rows, k] = tensor.dims;
  if (tensor.dims.length !== 2 || rows !== n) {
    throw new PredictorError(`output "${name}" has shape [${tensor.dims.join(', ')}] for ${n} rows; expected [${n}, classes]`);
  }
  const data = tensor.data as Float32Array | Float64Array;
  return Array.from({ length: n }, (_, i) => data.subarray(i * k, (i + 1) * k)) as Float32Array[] | Float64Array[];
}

/** A regressor's `[n]` or `[n, 1]` float tensor: one predicted value per row. */
function predictedValues(tensor: Tensor, n: number, name: string): Float32Array | Float64Array {
  if (tensor.size !== n || tensor.dims[0] !== n) {
    throw new PredictorError(`output "${name}" has shape [${tensor.dims.join(', ')}] for ${n} rows; expected one predicted value per row ([${n}] or [${n}, 1])`);
  }
  return tensor.data as Float32Array | Float64Array;
}

/**
 * The class index of each label: its position in the model's declared classes, or the label itself
 * when the model declares none and the labels are integers.
 */
function labelIndices(
  tensor: Tensor,
  n: number,
  name: string,
  classes: ClassLabel[] | undefined,
  classIndex: Map<ClassLabel, number>,
): Int32Array {
  if (tensor.size !== n) {
    throw new PredictorError(`output "${name}" has shape [${tensor.dims.join(', ')}] for ${n} rows; expected one label per row`);
  }
  const data = tensor.data as ArrayLike<bigint | number | string>;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = typeof data[i] === 'bigint' ? Number(data[i]) : (data[i] as number | string);
    if (classes === undefined) {
      if (typeof label !== 'number') {
        throw new PredictorError(
          `output "${name}" holds string labels but the model declares no classes to number them; use output: 'probabilities'`,
        );
      }
      out[i] = label;
    } else {
      const k = classIndex.get(label);
      if (k === undefined) {
        throw new PredictorError(`output "${name}" labels row ${i} ${JSON.stringify(label)}, not one of the model's classes (${classes.join(', ')})`);
      }
      out[i] = k;
    }
  }
  return out;
}
