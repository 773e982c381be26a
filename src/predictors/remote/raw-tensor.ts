import { ResponseShapeError } from './tensor.js';

/**
 * Tensors as raw bytes, the way the Open Inference Protocol carries them outside JSON: gRPC's
 * `raw_input_contents` / `raw_output_contents` and the REST binary tensor data extension. The bytes are
 * "the flattened, one-dimensional, row-major order of the tensor elements without any stride or padding"
 * (open_inference_grpc.proto), little-endian (Triton's and KServe's binary data extension say so; gRPC's
 * raw contents follow the same layout). A `BYTES` element is a 4-byte little-endian length followed by
 * that many bytes.
 */

/** Bytes per element of each fixed-size datatype. */
export const RAW_ELEMENT_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  INT8: 1,
  UINT8: 1,
  INT16: 2,
  UINT16: 2,
  FP16: 2,
  INT32: 4,
  UINT32: 4,
  FP32: 4,
  INT64: 8,
  UINT64: 8,
  FP64: 8,
};

type Writer = (view: DataView, offset: number, value: number) => void;
type Reader = (view: DataView, offset: number) => number;

const WRITERS: Readonly<Record<string, Writer>> = {
  BOOL: (v, o, x) => v.setUint8(o, x === 0 ? 0 : 1),
  INT8: (v, o, x) => v.setInt8(o, x),
  UINT8: (v, o, x) => v.setUint8(o, x),
  INT16: (v, o, x) => v.setInt16(o, x, true),
  UINT16: (v, o, x) => v.setUint16(o, x, true),
  INT32: (v, o, x) => v.setInt32(o, x, true),
  UINT32: (v, o, x) => v.setUint32(o, x, true),
  FP32: (v, o, x) => v.setFloat32(o, x, true),
  INT64: (v, o, x) => v.setBigInt64(o, BigInt(x), true),
  UINT64: (v, o, x) => v.setBigUint64(o, BigInt(x), true),
  FP64: (v, o, x) => v.setFloat64(o, x, true),
};

const READERS: Readonly<Record<string, Reader>> = {
  BOOL: (v, o) => (v.getUint8(o) === 0 ? 0 : 1),
  INT8: (v, o) => v.getInt8(o),
  UINT8: (v, o) => v.getUint8(o),
  INT16: (v, o) => v.getInt16(o, true),
  UINT16: (v, o) => v.getUint16(o, true),
  FP16: (v, o) => halfToNumber(v.getUint16(o, true)),
  INT32: (v, o) => v.getInt32(o, true),
  UINT32: (v, o) => v.getUint32(o, true),
  FP32: (v, o) => v.getFloat32(o, true),
  INT64: (v, o) => exactInteger(v.getBigInt64(o, true)),
  UINT64: (v, o) => exactInteger(v.getBigUint64(o, true)),
  FP64: (v, o) => v.getFloat64(o, true),
};

/** Thrown (and turned into a ResponseShapeError with context) for a 64-bit integer beyond 2^53. */
class InexactInteger extends Error {}

function exactInteger(big: bigint): number {
  const n = Number(big);
  if (!Number.isSafeInteger(n)) throw new InexactInteger(String(big));
  return n;
}

/** An IEEE 754 half-precision value (binary16) as a number. */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/**
 * The raw little-endian bytes of `values` as `datatype` (numbers already checked to fit it: integers in
 * range for the integer types).
 *
 * @throws Error for a datatype without a fixed element size (BYTES) or that cannot be written (FP16).
 */
export function encodeRawTensor(values: ArrayLike<number>, datatype: string): Buffer {
  const size = RAW_ELEMENT_BYTES[datatype];
  const write = WRITERS[datatype];
  if (size === undefined || write === undefined) throw new Error(`internal: no raw encoding of datatype ${datatype}`);
  const out = Buffer.allocUnsafe(values.length * size);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let i = 0; i < values.length; i++) write(view, i * size, values[i]);
  return out;
}

/**
 * Reads `count` elements of `datatype` from raw little-endian bytes.
 *
 * @param what names the tensor in error messages.
 * @throws ResponseShapeError when the byte length is not `count` elements, the datatype is not numeric,
 *   or a 64-bit integer does not fit a JavaScript number exactly.
 */
export function decodeRawTensor(bytes: Uint8Array, datatype: string, count: number, what: string): number[] {
  const size = RAW_ELEMENT_BYTES[datatype];
  const read = READERS[datatype];
  if (size === undefined || read === undefined) {
    throw new ResponseShapeError(`${what} has datatype ${JSON.stringify(datatype)}; expected a numeric datatype for raw contents`);
  }
  if (bytes.byteLength !== count * size) {
    throw new ResponseShapeError(
      `${what} has ${bytes.byteLength} bytes of raw contents; its shape and datatype ${datatype} call for ${count} × ${size} = ${count * size} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: number[] = [];
  try {
    for (let i = 0; i < count; i++) values.push(read(view, i * size));
  } catch (err) {
    if (!(err instanceof InexactInteger)) throw err;
    throw new ResponseShapeError(`${what} holds the ${datatype} value ${err.message}, beyond 2^53; it has no exact JavaScript number`);
  }
  return values;
}

/** `BYTES` elements as raw contents: each a 4-byte little-endian length and then its bytes. */
export function encodeBytesElements(elements: readonly (string | Uint8Array)[]): Buffer {
  const parts = elements.map((e) => (typeof e === 'string' ? Buffer.from(e, 'utf8') : e));
  const out = Buffer.allocUnsafe(parts.reduce((sum, p) => sum + 4 + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.writeUInt32LE(p.byteLength, offset);
    out.set(p, offset + 4);
    offset += 4 + p.byteLength;
  }
  return out;
}

/**
 * Reads `count` length-prefixed `BYTES` elements.
 *
 * @throws ResponseShapeError when a length runs past the end, or the bytes hold more or fewer elements.
 */
export function decodeBytesElements(bytes: Uint8Array, count: number, what: string): Buffer[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Buffer[] = [];
  let offset = 0;
  while (offset < buf.length) {
    if (offset + 4 > buf.length) {
      throw new ResponseShapeError(`${what}'s raw BYTES contents end inside the length of element ${out.length} (at byte ${offset} of ${buf.length})`);
    }
    const length = buf.readUInt32LE(offset);
    if (offset + 4 + length > buf.length) {
      throw new ResponseShapeError(
        `${what}'s raw BYTES element ${out.length} says ${length} bytes but only ${buf.length - offset - 4} remain`,
      );
    }
    out.push(buf.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  if (out.length !== count) {
    throw new ResponseShapeError(`${what}'s raw BYTES contents hold ${out.length} elements; its shape calls for ${count}`);
  }
  return out;
}

/** A v2 REST (JSON) tensor: `{name, datatype, shape, data}`, `data` flat or nested, row-major. */
export interface JsonTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: unknown[];
  parameters?: Record<string, unknown>;
}

/** Row-major values of a JSON tensor's `data`. */
export function flatData(tensor: JsonTensor): unknown[] {
  return tensor.data.length > 0 && Array.isArray(tensor.data[0]) ? tensor.data.flat(Infinity) : tensor.data;
}

/** A JSON tensor's values as raw contents: numbers little-endian, BYTES (strings) length-prefixed. */
export function rawContentsOf(tensor: JsonTensor): Buffer {
  const values = flatData(tensor);
  return tensor.datatype === 'BYTES'
    ? encodeBytesElements(values.map((v) => (typeof v === 'string' ? v : String(v))))
    : encodeRawTensor(values as number[], tensor.datatype);
}

/** The `count` values of raw contents as JSON data: numbers, or strings for BYTES. */
export function dataOfRawContents(bytes: Uint8Array, datatype: string, count: number, what: string): unknown[] {
  return datatype === 'BYTES'
    ? decodeBytesElements(bytes, count, what).map((b) => b.toString('utf8'))
    : decodeRawTensor(bytes, datatype, count, what);
}
