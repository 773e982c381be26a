import { dataOfRawContents, rawContentsOf, type JsonTensor } from '../raw-tensor.js';
import { describeJson, ResponseShapeError } from '../tensor.js';
import { asObject } from './codec.js';

/**
 * The binary tensor data extension of the Open Inference Protocol's REST binding, as Triton
 * (docs/protocol/extension_binary_data.md) and KServe implement it: the body is the JSON request
 * followed by the tensors' raw bytes, the `Inference-Header-Content-Length` HTTP header gives the
 * length of the JSON, and each tensor sent this way has `"parameters": {"binary_data_size": N}` in place
 * of `data`. Outputs are asked for in binary with the request parameter `binary_data_output: true`
 * (and per requested output, `binary_data: true`); an answer that uses the extension says so with the
 * same header and `binary_data_size` per output, in output order. Raw bytes are little-endian; BYTES
 * elements are 4-byte little-endian lengths followed by the bytes.
 *
 * Both functions take and give the extension-free JSON bodies of ./v2.ts, so the codec that builds and
 * reads those bodies is the same for JSON and binary requests.
 */

/** The server metadata extension that announces the binary tensor data extension (Triton's name). */
export const BINARY_TENSOR_EXTENSION = 'binary_tensor_data';

/**
 * A JSON body with the tensors under `key` moved to binary: each tensor's `data` replaced by
 * `parameters.binary_data_size`, its raw bytes appended after the JSON in order.
 */
export function toBinary(json: Record<string, unknown>, key: 'inputs' | 'outputs'): { body: Buffer; headerLength: number } {
  const raw: Buffer[] = [];
  const tensors = (json[key] as JsonTensor[]).map((t) => {
    const bytes = rawContentsOf(t);
    raw.push(bytes);
    return { name: t.name, datatype: t.datatype, shape: t.shape, parameters: { ...t.parameters, binary_data_size: bytes.length } };
  });
  const header = Buffer.from(JSON.stringify({ ...json, [key]: tensors }), 'utf8');
  return { body: Buffer.concat([header, ...raw]), headerLength: header.length };
}

/** The request body `json` (`{inputs: [{name, datatype, shape, data}], outputs?}`) as a binary request asking for binary outputs. */
export function binaryRequest(json: { inputs: JsonTensor[]; outputs?: { name: string }[]; parameters?: Record<string, unknown> }): {
  body: Buffer;
  headerLength: number;
} {
  return toBinary(
    {
      ...json,
      ...(json.outputs === undefined ? {} : { outputs: json.outputs.map((o) => ({ ...o, parameters: { binary_data: true } })) }),
      parameters: { ...json.parameters, binary_data_output: true },
    },
    'inputs',
  );
}

/** Whether a v2 request asks for its outputs in binary (`binary_data_output`, or `binary_data` on an output). */
export function wantsBinaryOutputs(request: Record<string, unknown>): boolean {
  const flag = (p: unknown) => p !== null && typeof p === 'object' && ((p as Record<string, unknown>).binary_data_output === true || (p as Record<string, unknown>).binary_data === true);
  return flag(request.parameters) || (Array.isArray(request.outputs) && request.outputs.some((o) => flag((o as { parameters?: unknown } | null)?.parameters)));
}

/**
 * The JSON body `header` with the `data` of each tensor under `key` that has `binary_data_size` read from
 * `binary` (the bytes after the JSON header), in order.
 *
 * @throws ResponseShapeError when the sizes do not add up to the bytes received or do not fit a tensor's
 *   shape and datatype.
 */
export function fromBinary(header: unknown, key: 'inputs' | 'outputs', binary: Buffer): Record<string, unknown> {
  const doc = asObject(header, `the v2 ${key === 'inputs' ? 'inference request' : 'inference response'}`, `an object with an "${key}" array`);
  if (!Array.isArray(doc[key])) return doc;
  let offset = 0;
  const side = key === 'inputs' ? 'input' : 'output';
  const tensors = (doc[key] as unknown[]).map((o: unknown, i: number) => {
    const t = asObject(o, `v2 ${side} ${i}`, 'an object {name, shape, datatype, parameters}');
    const params = t.parameters !== null && typeof t.parameters === 'object' ? (t.parameters as Record<string, unknown>) : {};
    const size = params.binary_data_size;
    if (size === undefined) return t;
    const what = `v2 ${side} ${JSON.stringify(t.name)}`;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
      throw new ResponseShapeError(`${what} has binary_data_size ${describeJson(size)}; expected a byte count`);
    }
    if (offset + size > binary.length) {
      throw new ResponseShapeError(
        `${what} says binary_data_size ${size} at byte ${offset}, but only ${binary.length} bytes follow the JSON header`,
      );
    }
    const shape = Array.isArray(t.shape) ? (t.shape as unknown[]) : [];
    if (!shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
      throw new ResponseShapeError(`${what} shape is ${describeJson(t.shape)}; expected an array of non-negative integers`);
    }
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const data = dataOfRawContents(binary.subarray(offset, offset + size), String(t.datatype), count, what);
    offset += size;
    return { ...t, data };
  });
  if (offset !== binary.length) {
    throw new ResponseShapeError(`the ${side}s' binary_data_size add up to ${offset} bytes, but ${binary.length} bytes follow the JSON header`);
  }
  return { ...doc, [key]: tensors };
}
