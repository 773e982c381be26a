import { InvalidInputError } from '../../core/errors.js';
import { nest, type NestedNumbers } from '../../counterfactuals/instance.js';
import { describe } from './options.js';
import { flattenTensor, isFiniteNumber, ResponseShapeError } from './tensor.js';

/**
 * The instances of one call as the wire carries them, whatever the protocol: texts, or numbers of one
 * fixed shape per instance (a tabular row `[features]`, an image `[height, width, channels]`, any
 * `[...shape]`). The codecs turn a batch into their protocol's request: an Open Inference Protocol
 * `BYTES` tensor `[N]` or a numeric tensor `[N, ...shape]`, KServe v1 `instances` of strings or nested
 * arrays, a Seldon `ndarray`, `tensor` or `strData`.
 */

/** What one instance is: a string, or numbers of this shape (row-major, channels last for images). */
export type InstanceShape = 'string' | readonly number[];

/**
 * One instance as a remote predictor takes it: a text; a row of numbers (plain or typed array); nested
 * arrays; or an image `{height, width, channels, data}` (HWC, as `AnchorImage` gives them).
 */
export type RemoteInstance =
  | string
  | ArrayLike<number>
  | NestedNumbers
  | { readonly height: number; readonly width: number; readonly channels: number; readonly data: ArrayLike<number> };

/** A batch of instances: texts, or one flat row-major array of values per instance, all of `shape`. */
export type InstanceBatch =
  | { kind: 'strings'; texts: readonly string[] }
  | { kind: 'numbers'; shape: readonly number[]; values: readonly ArrayLike<number>[] };

/** How image tensors are laid out on the wire: channels last (TensorFlow, Keras) or first (PyTorch, ONNX). */
export type TensorLayout = 'NHWC' | 'NCHW';

/** The number of instances in a batch. */
export function batchSize(batch: InstanceBatch): number {
  return batch.kind === 'strings' ? batch.texts.length : batch.values.length;
}

/**
 * Reads a predictor call's inputs as a batch: all strings, or all numbers of one shape. With `shape`
 * (the remote predictor's option), every numeric instance must hold that many values, flat or nested,
 * and is sent in that shape: a counterfactual's flat rows of 784 pixels go out as `[28, 28, 1]` images.
 *
 * @throws InvalidInputError for a mix of strings and numbers, instances of different shapes, a value
 *   that is not a finite number, or instances that do not fit `shape`.
 */
export function readInstances(inputs: unknown, shape: readonly number[] | undefined): InstanceBatch {
  if (!Array.isArray(inputs)) {
    throw new InvalidInputError(`a remote predictor was called with ${describe(inputs)}; expected an array of instances (rows, texts or images)`);
  }
  if (inputs.length > 0 && typeof inputs[0] === 'string') {
    for (let i = 1; i < inputs.length; i++) {
      if (typeof inputs[i] !== 'string') {
        throw new InvalidInputError(`instance ${i} is ${describe(inputs[i])} but instance 0 is a string; expected all texts or all numbers`);
      }
    }
    return { kind: 'strings', texts: inputs as string[] };
  }
  const values: ArrayLike<number>[] = new Array(inputs.length);
  let common: readonly number[] | undefined = shape;
  for (let i = 0; i < inputs.length; i++) {
    const { data, dims } = readNumbers(inputs[i], i);
    if (common === undefined) common = dims;
    const size = common.reduce((a, b) => a * b, 1);
    if (data.length !== size || (shape === undefined && !sameShape(dims, common))) {
      if (shape === undefined && dims.length === 1 && common.length === 1) {
        throw new InvalidInputError(`row ${i} has ${dims[0]} values but row 0 has ${common[0]}; expected rows of one width`);
      }
      throw new InvalidInputError(
        `instance ${i} has shape [${dims.join(', ')}] (${data.length} values) but ${shape === undefined ? 'instance 0 has' : 'the predictor\'s shape is'} ` +
          `[${common.join(', ')}]; expected every instance to have ${size} values`,
      );
    }
    values[i] = data;
  }
  return { kind: 'numbers', shape: common ?? [], values };
}

/** The values (flat, row-major) and shape of one numeric instance, checked finite. */
function readNumbers(input: unknown, i: number): { data: ArrayLike<number>; dims: number[] } {
  if (input !== null && typeof input === 'object' && !ArrayBuffer.isView(input) && !Array.isArray(input)) {
    const im = input as { height?: unknown; width?: unknown; channels?: unknown; data?: unknown };
    if (typeof im.height === 'number' && typeof im.width === 'number' && typeof im.channels === 'number' && isArrayLike(im.data)) {
      checkFinite(im.data as ArrayLike<unknown>, i, 'image');
      return { data: im.data as ArrayLike<number>, dims: [im.height, im.width, im.channels] };
    }
  }
  if (!isArrayLike(input)) {
    throw new InvalidInputError(`instance ${i} is ${describe(input)}; expected a row of numbers, nested arrays, an image or a string`);
  }
  const arr = input as ArrayLike<unknown>;
  if (arr.length === 0 || typeof arr[0] !== 'object') {
    checkFinite(arr, i, 'row');
    return { data: arr as ArrayLike<number>, dims: [arr.length] };
  }
  try {
    const t = flattenTensor(input, `instance ${i}`);
    return { data: t.values, dims: t.shape };
  } catch (err) {
    if (err instanceof ResponseShapeError) throw new InvalidInputError(err.message);
    throw err;
  }
}

function isArrayLike(v: unknown): boolean {
  return v !== null && typeof v === 'object' && typeof (v as ArrayLike<unknown>).length === 'number';
}

function checkFinite(values: ArrayLike<unknown>, i: number, what: string): void {
  for (let j = 0; j < values.length; j++) {
    const v = values[j];
    if (!isFiniteNumber(v)) {
      throw new InvalidInputError(`${what} ${i}, value ${j} is ${describe(v)}; expected a finite number (JSON cannot carry NaN or Infinity)`);
    }
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** `[h, w, c]` as the wire lays it out: `[c, h, w]` for NCHW. */
export function wireShape(shape: readonly number[], layout: TensorLayout): number[] {
  return layout === 'NCHW' && shape.length === 3 ? [shape[2], shape[0], shape[1]] : [...shape];
}

/**
 * How numeric instances become wire values: the layout (an `[h, w, c]` instance is transposed to
 * `[c, h, w]` for NCHW) and a scale (`scale: 255` sends images held in [0, 1] as 0–255).
 */
export interface WireValues {
  layout: TensorLayout;
  scale: number;
  /** Integer datatypes: a scaled value must be within 1e-3 of an integer, and is then rounded. */
  integer: boolean;
}

/** Appends one instance's values, in wire order, to `out`. */
export function pushWireValues(out: number[], values: ArrayLike<number>, shape: readonly number[], wire: WireValues, what: string): void {
  const { layout, scale, integer } = wire;
  const put = (v: number, j: number) => {
    let x = scale === 1 ? v : v * scale;
    if (integer && scale !== 1) {
      const r = Math.round(x);
      if (Math.abs(x - r) > 1e-3) {
        throw new InvalidInputError(`${what}, value ${j} is ${v}, which scale ${scale} makes ${x}: not an integer, as the model's integer input needs`);
      }
      x = r;
    }
    out.push(x);
  };
  if (layout === 'NCHW' && shape.length === 3) {
    const [h, w, c] = shape;
    for (let ch = 0; ch < c; ch++) for (let p = 0; p < h * w; p++) put(values[p * c + ch], p * c + ch);
    return;
  }
  for (let j = 0; j < values.length; j++) put(values[j], j);
}

/** One instance as nested arrays in wire order (a row stays a plain array), for KServe v1 and Seldon `ndarray`. */
export function nestedInstance(values: ArrayLike<number>, shape: readonly number[], wire: WireValues, what: string): NestedNumbers {
  if (shape.length === 1 && wire.scale === 1 && Array.isArray(values)) return values as number[];
  const flat: number[] = [];
  pushWireValues(flat, values, shape, wire, what);
  return shape.length === 1 ? flat : nest(flat, wireShape(shape, wire.layout));
}

/** The instances `[start, end)` of a batch: those of one request. */
export function sliceBatch(batch: InstanceBatch, { start, end }: { start: number; end: number }): InstanceBatch {
  return batch.kind === 'strings'
    ? { kind: 'strings', texts: batch.texts.slice(start, end) }
    : { kind: 'numbers', shape: batch.shape, values: batch.values.slice(start, end) };
}
