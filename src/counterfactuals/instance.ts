import { InvalidInputError } from '../core/errors.js';

/**
 * An instance to explain: a flat array of numbers (row-major) or nested arrays in the explainer's
 * `shape` (e.g. 28 arrays of 28 arrays of 1 number for a `[28, 28, 1]` image).
 */
export type InstanceInput = ArrayLike<number> | NestedNumbers;
/** Nested arrays of numbers, as `tensor.arraySync()` returns them. */
export type NestedNumbers = ReadonlyArray<number | NestedNumbers>;

/** Checks a `shape` option: a non-empty array of positive integers. Returns the number of features. */
export function shapeSize(shape: unknown, name = 'shape'): number {
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((n) => Number.isInteger(n) && n > 0)) {
    throw new InvalidInputError(`option ${name} is ${JSON.stringify(shape)}; expected the shape of one instance, a non-empty array of positive integers such as [28, 28, 1] or [4]`);
  }
  return shape.reduce((a: number, b: number) => a * b, 1);
}

/**
 * Flattens an instance to `size` finite numbers (row-major), checking it has the expected `shape`.
 *
 * @throws InvalidInputError naming the expected shape and what was received, or the first non-finite value.
 */
export function flattenInstance(input: InstanceInput, shape: readonly number[], what = 'instance'): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (input === null || typeof input !== 'object' || typeof (input as ArrayLike<unknown>).length !== 'number') {
    throw new InvalidInputError(`${what} is ${describe(input)}; expected ${size} numbers (shape [${shape.join(', ')}]), flat or nested`);
  }
  const out = new Float32Array(size);
  const nested = (input as ArrayLike<unknown>).length > 0 && typeof (input as ArrayLike<unknown>)[0] === 'object';
  if (!nested) {
    const flat = input as ArrayLike<unknown>;
    if (flat.length !== size) {
      throw new InvalidInputError(`${what} has ${flat.length} values; expected ${size} (shape [${shape.join(', ')}]), flat or nested`);
    }
    for (let i = 0; i < size; i++) out[i] = finite(flat[i], i, what);
    return out;
  }
  let offset = 0;
  const walk = (node: unknown, depth: number, path: number[]): void => {
    const expected = shape[depth];
    if (node === null || typeof node !== 'object' || typeof (node as ArrayLike<unknown>).length !== 'number') {
      throw new InvalidInputError(`${what}${index(path)} is ${describe(node)}; expected an array of ${expected} (shape [${shape.join(', ')}])`);
    }
    const arr = node as ArrayLike<unknown>;
    if (arr.length !== expected) {
      throw new InvalidInputError(`${what}${index(path)} has length ${arr.length}; expected ${expected} (shape [${shape.join(', ')}])`);
    }
    for (let i = 0; i < arr.length; i++) {
      if (depth === shape.length - 1) out[offset++] = finite(arr[i], offset - 1, what);
      else walk(arr[i], depth + 1, [...path, i]);
    }
  };
  walk(input, 0, []);
  return out;
}

/** Reshapes flat values to nested arrays of `shape` (a one-dimensional shape gives a plain array). */
export function nest(values: ArrayLike<number>, shape: readonly number[]): NestedNumbers {
  let offset = 0;
  const build = (depth: number): NestedNumbers => {
    const n = shape[depth];
    const out: Array<number | NestedNumbers> = new Array(n);
    for (let i = 0; i < n; i++) out[i] = depth === shape.length - 1 ? values[offset++] : build(depth + 1);
    return out;
  };
  return build(0);
}

function finite(v: unknown, i: number, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new InvalidInputError(`${what} value ${i} (flat, row-major) is ${describe(v)}; expected a finite number`);
  }
  return v;
}

function index(path: number[]): string {
  return path.map((i) => `[${i}]`).join('');
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return typeof v === 'object' ? `an object (${Object.prototype.toString.call(v).slice(8, -1)})` : `a ${typeof v}`;
}
