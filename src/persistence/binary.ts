import { createHash } from 'node:crypto';

/**
 * Large numeric arrays of a saved explainer live in binary files beside `explainer.json`: the raw
 * values, little-endian, one file per array. The JSON names each file with its element type, length
 * and SHA-256, so that a truncated or altered file is caught on loading.
 */

export type BinaryDtype = 'float32' | 'float64' | 'int32';
export type BinaryArray = Float32Array | Float64Array | Int32Array;

/** The JSON that stands for a binary array: `{ "$binary": "values.bin", "dtype": "float64", ... }`. */
export interface BinaryRef {
  $binary: string;
  dtype: BinaryDtype;
  length: number;
  sha256: string;
}

export const BYTES_PER_ELEMENT: Record<BinaryDtype, number> = { float32: 4, float64: 8, int32: 4 };

export function dtypeOf(array: BinaryArray): BinaryDtype {
  return array instanceof Float32Array ? 'float32' : array instanceof Float64Array ? 'float64' : 'int32';
}

export function isBinaryArray(v: unknown): v is BinaryArray {
  return v instanceof Float32Array || v instanceof Float64Array || v instanceof Int32Array;
}

export function isBinaryRef(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && '$binary' in v;
}

/** The array's values as little-endian bytes, whatever the machine's byte order. */
export function encodeArray(array: BinaryArray): Buffer {
  const dtype = dtypeOf(array);
  const bytes = Buffer.alloc(array.length * BYTES_PER_ELEMENT[dtype]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < array.length; i++) {
    if (dtype === 'float32') view.setFloat32(i * 4, array[i], true);
    else if (dtype === 'float64') view.setFloat64(i * 8, array[i], true);
    else view.setInt32(i * 4, array[i], true);
  }
  return bytes;
}

/** Reads little-endian bytes back into an array of `dtype`; the caller has checked the byte length. */
export function decodeArray(bytes: Uint8Array, dtype: BinaryDtype): BinaryArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = bytes.byteLength / BYTES_PER_ELEMENT[dtype];
  if (dtype === 'float32') return Float32Array.from({ length }, (_, i) => view.getFloat32(i * 4, true));
  if (dtype === 'float64') return Float64Array.from({ length }, (_, i) => view.getFloat64(i * 8, true));
  return Int32Array.from({ length }, (_, i) => view.getInt32(i * 4, true));
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
