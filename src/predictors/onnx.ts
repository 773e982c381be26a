import { readFileSync } from 'node:fs';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { rejectUnknownOptions } from '../anchors/options.js';
import { InvalidInputError, PredictorError } from '../core/errors.js';
import { classesOf, exposeZipMapInputs, isRegressionOutput, readOnnxGraph, zipMapOutputs, type ClassLabel } from './onnx-graph.js';
import type { Predictor, Task } from './predictor.js';

/** What an {@link OnnxPredictor} returns: class labels, class probabilities (scores), or a regressor's values. */
export type OnnxOutputKind = 'labels' | 'probabilities' | 'values';

export interface OnnxPredictorOptions {
  /** The input fed the rows, as one `[rows, features]` tensor. Default: the model's only input. */
  inputName?: string;
  /** The output read. Default: the first output of the kind `output` asks for. */
  outputName?: string;
  /**
   * `'probabilities'` (the default when the model has a float output): the class probabilities or
   * scores, one row per input; `'labels'`: the predicted classes, as class indices; `'values'` (the
   * default for a regressor: see {@link OnnxPredictor.task}): one predicted value per input.
   */
  output?: OnnxOutputKind;
}

/**
 * A {@link Predictor} over an ONNX model run by onnxruntime-node. It takes a batch of rows of numbers
 * and resolves, after one session run for the whole batch, to one probability row per input
 * (`Float32Array`s, or `Float64Array`s for a double output) or to class indices (`Int32Array`).
 */
export interface OnnxPredictor extends Predictor<number[]> {
  (rows: readonly ArrayLike<number>[]): Promise<Int32Array | Float32Array[] | Float64Array[] | Float32Array | Float64Array>;
  /** The input fed, its element type and its width (`undefined` when the model leaves it open). */
  readonly inputName: string;
  readonly inputType: 'float32' | 'float64';
  readonly numFeatures: number | undefined;
  /** The output read, as the model names it, and what it holds. */
  readonly outputName: string;
  readonly output: OnnxOutputKind;
  /**
   * `regression` when the output read is a regressor's (made by TreeEnsembleRegressor, LinearRegressor
   * or SVMRegressor, or a `[N, 1]` float output in a graph without classifiers, or asked for with
   * `output: 'values'`): the predictor then returns one value per row (a flat Float32Array or
   * Float64Array). Explainers read it, so that a classifier is never explained as regression, nor the
   * reverse.
   */
  readonly task: Task;
  /**
   * The class labels the model declares (its classifier's `classlabels_*` attribute), in the order of
   * its probability columns: class index `k` (what the predictor returns) is `classes[k]`. `undefined`
   * when the model declares none.
   */
  readonly classes: readonly ClassLabel[] | undefined;
  /** The onnxruntime session, for inspection. */
  readonly session: InferenceSession;
  /** Releases the session's native resources; the predictor cannot be called afterwards. */
  release(): Promise<void>;
}

const FLOAT_TYPES = new Set(['float32', 'float64']);
const LABEL_TYPES = new Set(['int64', 'int32', 'string']);

/** One output of the session, with the name the original model gives it. */
interface OutputEntry {
  /** The name in the model as given (a ZipMap's output when the session reads the tensor it was made from). */
  name: string;
  /** The name in the session. */
  sessionName: string;
  type: string | undefined;
  kind: OnnxOutputKind | undefined;
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
 * Inputs: one float32 or float64 tensor `[rows, features]`; rows are written into it in the input's
 * own element type, and every call is one `session.run` whatever the number of rows.
 *
 * @throws InvalidInputError when the file cannot be read or is not an ONNX model, onnxruntime rejects
 *   it, or its inputs and outputs do not fit (several inputs and no `inputName`, an input that is not a
 *   float tensor of rank 2, no output of the kind asked for, unknown names or options).
 */
export async function onnxPredictor(model: string | Uint8Array, options: OnnxPredictorOptions = {}): Promise<OnnxPredictor> {
  rejectUnknownOptions(options, ['inputName', 'outputName', 'output']);
  if (options.output !== undefined && options.output !== 'labels' && options.output !== 'probabilities' && options.output !== 'values') {
    throw new InvalidInputError(`option output is ${JSON.stringify(options.output)}; expected 'labels', 'probabilities' or 'values'`);
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
  const ort = await import('onnxruntime-node');
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(zipMaps.length > 0 ? exposeZipMapInputs(bytes, zipMaps) : bytes);
  } catch (err) {
    throw new InvalidInputError(`onnxruntime cannot load ${what}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const input = selectInput(session, options.inputName, what);
    const zipMapOf = new Map(zipMaps.map((z) => [z.input, z.output]));
    const outputs: OutputEntry[] = session.outputMetadata.map((m) => {
      const type = m.isTensor ? m.type : undefined;
      const floatKind = isRegressionOutput(graph, m.name, m.isTensor ? m.shape.at(-1) : undefined) ? 'values' : 'probabilities';
      const kind = type === undefined ? undefined : FLOAT_TYPES.has(type) ? floatKind : LABEL_TYPES.has(type) ? 'labels' : undefined;
      return { name: zipMapOf.get(m.name) ?? m.name, sessionName: m.name, type, kind };
    });
    const chosen = selectOutput(outputs, options, what);
    return makePredictor(session, ort.Tensor, input, chosen, classesOf(graph, chosen.sessionName), what);
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
  type: 'float32' | 'float64';
  numFeatures: number | undefined;
}

function selectInput(session: InferenceSession, inputName: string | undefined, what: string): InputEntry {
  const inputs = session.inputMetadata;
  const names = inputs.map((m) => m.name);
  let meta;
  if (inputName !== undefined) {
    meta = inputs.find((m) => m.name === inputName);
    if (meta === undefined) throw new InvalidInputError(`${what} has no input "${inputName}"; its inputs are: ${names.join(', ')}`);
  } else if (inputs.length === 1) {
    meta = inputs[0];
  } else {
    throw new InvalidInputError(
      `${what} has ${inputs.length} inputs (${names.join(', ')}); onnxPredictor feeds all features as one [rows, features] ` +
        'tensor: pass inputName, or export the model with a single input',
    );
  }
  if (!meta.isTensor || !FLOAT_TYPES.has(meta.type)) {
    throw new InvalidInputError(
      `input "${meta.name}" of ${what} is ${meta.isTensor ? `a tensor of ${meta.type}` : 'not a tensor'}; onnxPredictor feeds float32 or float64 tensors`,
    );
  }
  const shape = meta.shape;
  if (shape.length !== 0 && shape.length !== 2) {
    throw new InvalidInputError(`input "${meta.name}" of ${what} has shape [${shape.join(', ')}]; onnxPredictor feeds [rows, features]`);
  }
  const width = shape[1];
  return { name: meta.name, type: meta.type as 'float32' | 'float64', numFeatures: typeof width === 'number' && width > 0 ? width : undefined };
}

function selectOutput(outputs: OutputEntry[], options: OnnxPredictorOptions, what: string): OutputEntry & { kind: OnnxOutputKind } {
  const list = outputs.map((o) => `${o.name} (${o.type ?? 'not a tensor'})`).join(', ');
  // Labels come from a label tensor; probabilities and values from any float tensor.
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
  input: InputEntry,
  output: OutputEntry & { kind: OnnxOutputKind },
  classes: ClassLabel[] | undefined,
  what: string,
): OnnxPredictor {
  const classIndex = new Map<ClassLabel, number>(classes?.map((c, k) => [c, k]));
  const predict = async (rows: readonly ArrayLike<number>[]): Promise<Int32Array | Float32Array[] | Float64Array[] | Float32Array | Float64Array> => {
    if (!Array.isArray(rows)) {
      throw new InvalidInputError(`an ONNX predictor takes an array of rows; got ${rows === null ? 'null' : typeof rows}`);
    }
    const n = rows.length;
    if (n === 0) return output.kind === 'labels' ? new Int32Array(0) : output.kind === 'values' ? new Float32Array(0) : [];
    const d = input.numFeatures ?? rowLength(rows[0], 0, undefined, input, what);
    const data = input.type === 'float32' ? new Float32Array(n * d) : new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      rowLength(row, i, d, input, what);
      for (let j = 0; j < d; j++) data[i * d + j] = row[j];
    }
    let result;
    try {
      result = await session.run({ [input.name]: new TensorClass(input.type, data, [n, d]) }, [output.sessionName]);
    } catch (err) {
      throw new PredictorError(`${what} failed on a batch of ${n} rows: ${(err as Error).message}`, { cause: err });
    }
    const tensor = result[output.sessionName];
    if (output.kind === 'values') return predictedValues(tensor, n, output.name);
    return output.kind === 'probabilities' ? probabilityRows(tensor, n, output.name) : labelIndices(tensor, n, output.name, classes, classIndex);
  };
  return Object.assign(predict, {
    inputName: input.name,
    inputType: input.type,
    numFeatures: input.numFeatures,
    outputName: output.name,
    output: output.kind,
    task: output.kind === 'values' ? 'regression' : 'classification',
    classes: classes === undefined ? undefined : Object.freeze([...classes]),
    session,
    release: () => session.release(),
  }) as OnnxPredictor;
}

/** The length of row `i`, checked against the input's width `d` (when known). */
function rowLength(row: unknown, i: number, d: number | undefined, input: InputEntry, what: string): number {
  const length = row !== null && typeof row === 'object' ? (row as ArrayLike<number>).length : undefined;
  if (typeof length !== 'number') {
    throw new InvalidInputError(`row ${i} is ${row === null ? 'null' : typeof row}; expected an array of numbers`);
  }
  if (d !== undefined && length !== d) {
    throw new InvalidInputError(`row ${i} has ${length} values; input "${input.name}" of ${what} takes ${d} features`);
  }
  return length;
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
