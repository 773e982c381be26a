import { dataOfRawContents, flatData, rawContentsOf, type JsonTensor } from '../raw-tensor.js';
import { describeJson, ResponseShapeError } from '../tensor.js';

/**
 * The Open Inference Protocol's gRPC messages (open_inference_grpc.proto) to and from the JSON shapes of
 * its REST binding, so that the v2 codec that builds and reads REST bodies does so for gRPC too: a
 * request's `data` goes out as `raw_input_contents` (or typed `*_contents`), and a response's raw or
 * typed contents come back as `data`.
 */

export type { JsonTensor } from '../raw-tensor.js';

/** `InferTensorContents`' field for each datatype. */
const CONTENTS_FIELD: Readonly<Record<string, string>> = {
  BOOL: 'bool_contents',
  INT8: 'int_contents',
  INT16: 'int_contents',
  INT32: 'int_contents',
  INT64: 'int64_contents',
  UINT8: 'uint_contents',
  UINT16: 'uint_contents',
  UINT32: 'uint_contents',
  UINT64: 'uint64_contents',
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
  BYTES: 'bytes_contents',
};

/**
 * v2 JSON tensors as gRPC tensors (`InferInputTensor` / `InferOutputTensor`): each tensor's `data` as
 * raw little-endian bytes, in order, when `raw` (for `raw_input_contents` / `raw_output_contents`), else
 * as its typed `contents`.
 */
export function encodeTensors(json: readonly JsonTensor[], raw: boolean): { tensors: Record<string, unknown>[]; raw: Buffer[] } {
  const rawContents: Buffer[] = [];
  const tensors = json.map((t) => {
    const tensor: Record<string, unknown> = { name: t.name, datatype: t.datatype, shape: t.shape };
    if (raw) rawContents.push(rawContentsOf(t));
    else {
      const values = flatData(t);
      tensor.contents = { [CONTENTS_FIELD[t.datatype]]: t.datatype === 'BYTES' ? values.map((v) => Buffer.from(String(v), 'utf8')) : values };
    }
    return tensor;
  });
  return { tensors, raw: rawContents };
}

/** A `ModelInferRequest` for the v2 REST request `body` ({inputs, outputs?, id?}). */
export function inferRequest(
  body: { inputs: JsonTensor[]; outputs?: { name: string }[]; id?: string },
  model: string,
  version: string,
  raw: boolean,
): Record<string, unknown> {
  const { tensors, raw: rawContents } = encodeTensors(body.inputs, raw);
  return {
    model_name: model,
    model_version: version,
    ...(body.id === undefined ? {} : { id: body.id }),
    inputs: tensors,
    ...(body.outputs === undefined ? {} : { outputs: body.outputs.map((o) => ({ name: o.name })) }),
    ...(raw ? { raw_input_contents: rawContents } : {}),
  };
}

/** A gRPC `int64` (a decimal string with `longs: String`, or a number) as an exact JavaScript number. */
function exactInt64(value: unknown, what: string): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new ResponseShapeError(`${what} is ${describeJson(value)}; expected an integer with an exact JavaScript number (|x| < 2^53)`);
  }
  return n;
}

/**
 * gRPC tensors as v2 JSON tensors, their values read from the raw contents (one entry per tensor, in
 * order) or, when there are none, from each tensor's typed `contents`.
 *
 * @param side `input` or `output`, naming the tensors in error messages.
 * @throws ResponseShapeError for a shape that is not integers, raw contents that are too few or of a
 *   length other than the shape and datatype call for, and typed contents of the wrong count.
 */
export function decodeTensors(tensorsIn: unknown, rawIn: unknown, side: 'input' | 'output'): JsonTensor[] {
  const tensors = Array.isArray(tensorsIn) ? (tensorsIn as Record<string, unknown>[]) : [];
  const raw = Array.isArray(rawIn) ? (rawIn as Uint8Array[]) : [];
  if (raw.length > 0 && raw.length !== tensors.length) {
    throw new ResponseShapeError(`there are ${raw.length} raw_${side}_contents for ${tensors.length} ${side}s; expected one per ${side}, in order`);
  }
  return tensors.map((o, i) => {
    const name = typeof o.name === 'string' ? o.name : '';
    const what = `gRPC ${side} ${JSON.stringify(name)}`;
    const datatype = typeof o.datatype === 'string' ? o.datatype : '';
    const shape = (Array.isArray(o.shape) ? o.shape : []).map((d, j) => exactInt64(d, `${what} shape[${j}]`));
    const count = shape.reduce((a, b) => a * b, 1);
    const data = raw.length > 0 ? dataOfRawContents(raw[i], datatype, count, what) : typedContents(o.contents, datatype, count, what, side);
    return { name, datatype, shape, data };
  });
}

/** The outputs of a `ModelInferResponse` as v2 REST output tensors (see {@link decodeTensors}). */
export function outputsOf(response: Record<string, unknown>): { outputs: JsonTensor[] } {
  return { outputs: decodeTensors(response.outputs, response.raw_output_contents, 'output') };
}

/** The values of a tensor's typed `InferTensorContents`, checked against the element count. */
function typedContents(contents: unknown, datatype: string, count: number, what: string, side: string): unknown[] {
  const field = CONTENTS_FIELD[datatype];
  if (field === undefined) {
    throw new ResponseShapeError(`${what} has datatype ${describeJson(datatype)}, which has no typed contents; expected raw_${side}_contents`);
  }
  const c = contents !== null && typeof contents === 'object' ? (contents as Record<string, unknown>) : {};
  const values = Array.isArray(c[field]) ? (c[field] as unknown[]) : [];
  if (values.length !== count) {
    throw new ResponseShapeError(
      `${what} has ${values.length} values in contents.${field} and there are no raw_${side}_contents; its shape calls for ${count}`,
    );
  }
  if (datatype === 'INT64' || datatype === 'UINT64') return values.map((v, j) => exactInt64(v, `${what} value ${j}`));
  if (datatype === 'BOOL') return values.map((v) => (v === true ? 1 : 0));
  if (datatype === 'BYTES') return values.map((v) => Buffer.from(v as Uint8Array).toString('utf8'));
  return values;
}

/** A short description of a `ModelInferResponse` for error messages (raw contents by length). */
export function describeResponse(response: Record<string, unknown>): string {
  const outputs = Array.isArray(response.outputs) ? (response.outputs as Record<string, unknown>[]) : [];
  const raw = Array.isArray(response.raw_output_contents) ? (response.raw_output_contents as Uint8Array[]) : [];
  return JSON.stringify({
    outputs: outputs.map((o) => ({ name: o.name, datatype: o.datatype, shape: o.shape })),
    raw_output_contents: raw.map((b) => `${b.byteLength} bytes`),
  });
}
