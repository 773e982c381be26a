/**
 * Reading predictions out of JSON tensors. The three protocols carry a batch of predictions as a nested
 * array (`[[0.2, 0.8], ...]` or `[0, 1, ...]`) or as a flat row-major array with a separate shape
 * (Open Inference Protocol `data` + `shape`, Seldon `tensor.values` + `tensor.shape`); both become a
 * flat array and a shape here, and then labels or probability rows.
 */

/** A 2xx response that is not the predictions that were asked for. Wrapped in a RemoteModelError. */
export class ResponseShapeError extends Error {
  override readonly name = 'ResponseShapeError';
}

/**
 * Predictions for a batch: one class label per row, one row of class probabilities per row, or one
 * non-integer value per row (a regression model's, or a lone P(class 1): the explainer's task decides).
 */
export type RemotePrediction =
  | { kind: 'labels'; labels: number[] }
  | { kind: 'values'; values: number[] }
  | { kind: 'probabilities'; rows: number[][] };

/** A row-major tensor of numbers. */
export interface FlatTensor {
  values: number[];
  shape: number[];
}

/**
 * Bounds of the tensors read from JSON (model answers, request bodies), checked before any value is
 * copied: a nesting or shape deeper than {@link MAX_TENSOR_RANK} (no model input or output here has more
 * than 4: images `[N, H, W, C]`) or more values than {@link MAX_TENSOR_ELEMENTS} (2^24, 128 MB as
 * numbers) is refused with a short message, never a stack overflow or an hour of copying.
 */
export const MAX_TENSOR_RANK = 16;
/** The most values a tensor read from JSON may hold (2^24); see {@link MAX_TENSOR_RANK}. */
export const MAX_TENSOR_ELEMENTS = 2 ** 24;

/**
 * Flattens a (possibly nested) array of numbers, row-major, and returns its values and shape.
 * Booleans become 0 and 1 when `booleans` is set (the v2 `BOOL` datatype).
 *
 * @param what names the array in error messages, e.g. `output "predict" data`.
 * @throws ResponseShapeError if `data` is not an array, is ragged, or holds anything but finite numbers.
 */
export function flattenTensor(data: unknown, what: string, booleans = false): FlatTensor {
  if (!Array.isArray(data)) throw new ResponseShapeError(`${what} is ${describeJson(data)}; expected an array`);
  const shape: number[] = [];
  let probe: unknown = data;
  while (Array.isArray(probe)) {
    if (shape.length === MAX_TENSOR_RANK) {
      throw new ResponseShapeError(`${what} is nested more than ${MAX_TENSOR_RANK} arrays deep; expected at most ${MAX_TENSOR_RANK} dimensions`);
    }
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  checkTensorSize(shape, what);
  let values: number[] = [];
  // The indices leading to the node being read; an error message names its path (`[3][1]`) from them, so
  // that no path text is built for the values that are fine.
  const at: number[] = new Array(shape.length).fill(0);
  const path = (depth: number) => at.slice(0, depth).map((i) => `[${i}]`).join('');
  const last = shape.length - 1;
  const walk = (node: unknown, depth: number): void => {
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new ResponseShapeError(
        `${what}${path(depth)} is ${describeJson(node)}; expected an array of ${shape[depth]} (the arrays must be rectangular)`,
      );
    }
    if (depth < last) {
      for (let i = 0; i < node.length; i++) {
        at[depth] = i;
        walk(node[i], depth + 1);
      }
      return;
    }
    // The values: checked first, then copied in one go when they are all finite numbers (nearly always;
    // a flat tensor is copied whole), else one by one, converting booleans or naming the bad value.
    if (allFiniteNumbers(node)) {
      if (last === 0) values = node.slice();
      else for (let i = 0; i < node.length; i++) values.push(node[i]);
      return;
    }
    for (let i = 0; i < node.length; i++) {
      at[depth] = i;
      const v: unknown = node[i];
      values.push(isFiniteNumber(v) ? v : toNumber(v, `${what}${path(depth + 1)}`, booleans));
    }
  };
  walk(data, 0);
  return { values, shape };
}

/**
 * Checks a flat `values` array against a declared `shape` (their sizes must agree) and returns them as a
 * tensor. A nested `values` is flattened first.
 */
export function shapedTensor(values: unknown, shape: unknown, what: string, booleans = false): FlatTensor {
  if (shape !== undefined) {
    if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
      throw new ResponseShapeError(`${what} shape is ${describeJson(shape)}; expected an array of non-negative integers`);
    }
    if (shape.length > MAX_TENSOR_RANK) {
      throw new ResponseShapeError(`${what} shape has ${shape.length} dimensions; expected at most ${MAX_TENSOR_RANK}`);
    }
    checkTensorSize(shape as number[], what);
  }
  const flat = flattenTensor(values, `${what} data`, booleans);
  if (shape === undefined) return flat;
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (size !== flat.values.length) {
    throw new ResponseShapeError(
      `${what} has shape ${JSON.stringify(shape)} (${size} values) but ${flat.values.length} values; expected them to agree`,
    );
  }
  return { values: flat.values, shape: [...(shape as number[])] };
}

/**
 * The values each integer datatype of the Open Inference Protocol holds, as far as a JavaScript number
 * carries them exactly: INT64 and UINT64 stop at ±(2^53 − 1), beyond which JSON numbers are rounded
 * (4294967297 is exact, 2^53 + 1 is not), so a larger value is refused rather than read as a neighbour.
 */
export const INTEGER_DATATYPE_RANGES: Readonly<Record<string, readonly [number, number]>> = Object.freeze({
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 4294967295],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
});

/**
 * The index of the first value that `datatype` cannot hold exactly (not an integer, or out of its
 * range), with the expectation for the message; -1 when all fit or the datatype is not an integer one.
 */
export function firstInexactValue(values: readonly number[], datatype: unknown): { index: number; expected: string } {
  const range = typeof datatype === 'string' && Object.hasOwn(INTEGER_DATATYPE_RANGES, datatype) ? INTEGER_DATATYPE_RANGES[datatype] : undefined;
  if (range === undefined) return { index: -1, expected: '' };
  const [lo, hi] = range;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < lo || v > hi) return { index: i, expected: `integers in [${lo}, ${hi}]` };
  }
  return { index: -1, expected: '' };
}

/**
 * Predictions for `n` rows from a tensor of shape `[n]` or `[n, 1]` (class labels when integers, else
 * values) or `[n, k]` with `k >= 2` (class probabilities or scores, one row per input).
 *
 * A single non-integer column is passed on as values, not guessed at: it could be P(class 1) of a
 * sigmoid or a regression output. A classification explainer refuses it (`toLabels`: a model returning
 * P(class 1) alone must return [1 - p, p]); a regression explainer (`task: 'regression'`) reads it.
 */
export function predictionsFromTensor(tensor: FlatTensor, n: number, what: string): RemotePrediction {
  const { values, shape } = tensor;
  if (shape.length === 0 || shape.length > 2) {
    throw new ResponseShapeError(
      `${what} has shape ${JSON.stringify(shape)}; expected [rows] (labels) or [rows, classes] (probabilities)`,
    );
  }
  if (shape[0] !== n) {
    throw new ResponseShapeError(
      `${what} holds ${shape[0]} predictions for the ${n} rows sent; expected exactly one per row`,
    );
  }
  const k = shape.length === 2 ? shape[1] : 1;
  if (k === 0) throw new ResponseShapeError(`${what} has shape ${JSON.stringify(shape)}: no value per row; expected at least one`);
  if (k === 1) return values.every(Number.isInteger) ? { kind: 'labels', labels: values } : { kind: 'values', values };
  const rows: number[][] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = values.slice(i * k, (i + 1) * k);
  return { kind: 'probabilities', rows };
}

/** Refuses a shape of more than {@link MAX_TENSOR_ELEMENTS} values. */
function checkTensorSize(shape: readonly number[], what: string): void {
  let size = 1;
  for (const d of shape) size *= d;
  if (size > MAX_TENSOR_ELEMENTS) {
    throw new ResponseShapeError(`${what} has shape [${shape.join(', ')}], ${size} values; expected at most ${MAX_TENSOR_ELEMENTS}`);
  }
}

/** `v - v` is 0 for a finite number and NaN for NaN and ±Infinity (a plain loop over it is several times faster than `every(Number.isFinite)`). */
export function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && v - v === 0;
}

function allFiniteNumbers(values: unknown[]): values is number[] {
  for (let i = 0; i < values.length; i++) if (!isFiniteNumber(values[i])) return false;
  return true;
}

function toNumber(v: unknown, what: string, booleans: boolean): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (booleans && typeof v === 'boolean') return v ? 1 : 0;
  throw new ResponseShapeError(`${what} is ${describeJson(v)}; expected a finite number`);
}

/** A short description of a JSON value for error messages. */
export function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'missing';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'object') {
    const keys = Object.keys(v as object);
    return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.slice(0, 8).map((k) => JSON.stringify(k)).join(', ')}`;
  }
  return `a ${typeof v}`;
}

/** Whether `data` is an array whose first value (through nested arrays) is a string: class names. */
export function holdsStrings(data: unknown): boolean {
  let probe = data;
  while (Array.isArray(probe) && probe.length > 0) probe = probe[0];
  return typeof probe === 'string';
}

/**
 * Labels for `n` instances from a model that answers with class names, `[name, ...]` or
 * `[[name], ...]`: each name becomes its index in `classes` (the remote predictor's option).
 *
 * @throws ResponseShapeError without `classes`, for a name not in them, or for other than one name per instance.
 */
export function labelsFromNames(data: unknown, n: number, classes: readonly string[] | undefined, what: string): RemotePrediction {
  const names = Array.isArray(data) ? data.map((d) => (Array.isArray(d) && d.length === 1 ? d[0] : d)) : [data];
  if (names.length !== n) throw new ResponseShapeError(`${what} holds ${names.length} class names for the ${n} instances sent; expected exactly one per instance`);
  if (classes === undefined) {
    throw new ResponseShapeError(`${what} holds class names (${describeJson(names[0])}); pass classes (the names in label order) to map them to labels`);
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const labels = names.map((name, i) => {
    const label = typeof name === 'string' ? index.get(name) : undefined;
    if (label === undefined) {
      throw new ResponseShapeError(`${what}[${i}] is ${describeJson(name)}; expected one of the classes ${JSON.stringify(classes)}`);
    }
    return label;
  });
  return { kind: 'labels', labels };
}
