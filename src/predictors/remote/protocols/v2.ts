import { InvalidInputError } from '../../../core/errors.js';
import { V2_INPUT_DATATYPES, type ResolvedRemoteOptions, type V2InputDatatype } from '../options.js';
import {
  describeJson,
  firstInexactValue,
  INTEGER_DATATYPE_RANGES,
  predictionsFromTensor,
  ResponseShapeError,
  shapedTensor,
  type RemotePrediction,
} from '../tensor.js';
import { asObject, type GetJson, type ProtocolCodec } from './codec.js';

/**
 * The Open Inference Protocol (KServe "V2"; MLServer, Triton, Seldon Core 2), REST binding:
 * https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md
 *
 * - Model metadata, `GET /v2/models/NAME[/versions/V]`:
 *   `{name, versions?, platform, inputs: [{name, datatype, shape}], outputs: [{name, datatype, shape}]}`,
 *   with `-1` for a variable dimension.
 * - Inference, `POST /v2/models/NAME[/versions/V]/infer`:
 *   `{id?, parameters?, inputs: [{name, shape, datatype, parameters?, data}], outputs?: [{name}]}` →
 *   `{model_name, model_version?, id?, parameters?, outputs: [{name, shape, datatype, parameters?, data}]}`.
 *   `data` is row-major, flat or nested; naming `outputs` in the request asks for just those.
 * - A failed request answers an HTTP error status with `{"error": "..."}`.
 *
 * Rows go out as one input tensor of shape `[rows, features]`, flat. The input's name and datatype come
 * from the options or, failing that, the metadata: its only input (or the one named `inputName`). A model
 * whose metadata lists no inputs (MLServer runtimes often do not) gets `predict`, the name MLServer's
 * alibi-explain runtime uses, and FP64, which carries every JSON number exactly.
 */

const DEFAULT_INPUT_NAME = 'predict';
const DEFAULT_DATATYPE: V2InputDatatype = 'FP64';

/** What the codec sends: resolved from the options and the model metadata. */
export interface V2InputSpec {
  name: string;
  datatype: V2InputDatatype;
  /** Values per row, when the metadata fixes it. */
  features: number | undefined;
}

/** A tensor entry of the v2 model metadata. */
interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

/**
 * Creates the v2 codec, reading the model metadata at `metadataUrl` unless the options name both the
 * input and its datatype.
 */
export async function createV2Codec(
  metadataUrl: string | undefined,
  options: Pick<ResolvedRemoteOptions, 'inputName' | 'inputDatatype' | 'outputName'>,
  getJson: GetJson,
): Promise<ProtocolCodec> {
  if (options.inputName !== undefined && options.inputDatatype !== undefined) {
    return new V2Codec({ name: options.inputName, datatype: options.inputDatatype, features: undefined }, options.outputName);
  }
  if (metadataUrl === undefined) {
    throw new InvalidInputError(
      'the v2 model URL does not end in /v2/models/NAME[/versions/V][/infer], so its metadata URL is unknown; ' +
        'pass inputName and inputDatatype',
    );
  }
  const body = await getJson(metadataUrl, 'model metadata request');
  const { inputs, outputs } = readMetadata(body);
  let input: TensorMetadata | undefined;
  if (options.inputName !== undefined) {
    input = inputs.find((t) => t.name === options.inputName);
    if (input === undefined && inputs.length > 0) {
      throw new InvalidInputError(
        `inputName is ${JSON.stringify(options.inputName)} but the model's inputs are ${names(inputs)} (metadata at ${metadataUrl})`,
      );
    }
  } else if (inputs.length === 1) {
    input = inputs[0];
  } else if (inputs.length > 1) {
    throw new InvalidInputError(
      `the model has ${inputs.length} inputs (${names(inputs)}); a remote predictor sends one tensor of rows: pass inputName`,
    );
  }
  let datatype = options.inputDatatype;
  if (datatype === undefined) {
    const declared = input?.datatype ?? DEFAULT_DATATYPE;
    if (!(V2_INPUT_DATATYPES as readonly string[]).includes(declared)) {
      throw new InvalidInputError(
        `the model's input ${JSON.stringify(input?.name)} has datatype ${declared}; a remote predictor sends numbers as ` +
          `${V2_INPUT_DATATYPES.join(', ')} (pass inputDatatype to override)`,
      );
    }
    datatype = declared as V2InputDatatype;
  }
  const shape = input?.shape ?? [];
  const features = shape.length === 2 && shape[1] > 0 ? shape[1] : undefined;
  if (options.outputName !== undefined && outputs.length > 0 && !outputs.some((t) => t.name === options.outputName)) {
    throw new InvalidInputError(
      `outputName is ${JSON.stringify(options.outputName)} but the model's outputs are ${names(outputs)} (metadata at ${metadataUrl})`,
    );
  }
  return new V2Codec(
    { name: options.inputName ?? input?.name ?? DEFAULT_INPUT_NAME, datatype, features },
    options.outputName,
  );
}

/** Reads the `inputs` and `outputs` of a v2 model metadata document. */
function readMetadata(body: unknown): { inputs: TensorMetadata[]; outputs: TensorMetadata[] } {
  const doc = asObject(body, 'the model metadata', 'an object {name, platform, inputs, outputs}');
  const list = (key: 'inputs' | 'outputs'): TensorMetadata[] => {
    const v = doc[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw new ResponseShapeError(`the model metadata's ${key} is ${describeJson(v)}; expected an array`);
    return v.map((t, i) => {
      const o = asObject(t, `the model metadata's ${key}[${i}]`, 'an object {name, datatype, shape}');
      if (typeof o.name !== 'string') {
        throw new ResponseShapeError(`the model metadata's ${key}[${i}].name is ${describeJson(o.name)}; expected a string`);
      }
      const shape = Array.isArray(o.shape) && o.shape.every((d) => Number.isInteger(d)) ? (o.shape as number[]) : [];
      return { name: o.name, datatype: typeof o.datatype === 'string' ? o.datatype : '', shape };
    });
  };
  return { inputs: list('inputs'), outputs: list('outputs') };
}

function names(tensors: TensorMetadata[]): string {
  return tensors.map((t) => JSON.stringify(t.name)).join(', ');
}

export class V2Codec implements ProtocolCodec {
  readonly protocol = 'v2' as const;

  constructor(
    readonly input: V2InputSpec,
    private readonly outputName: string | undefined,
  ) {}

  checkRows(rows: readonly (readonly number[])[]): void {
    const { name, datatype, features } = this.input;
    if (features !== undefined && rows.length > 0 && rows[0].length !== features) {
      throw new InvalidInputError(
        `rows have ${rows[0].length} values but the model's input ${JSON.stringify(name)} takes ${features} per row (its metadata shape)`,
      );
    }
    const range = INTEGER_DATATYPE_RANGES[datatype];
    if (range === undefined) return;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      for (let j = 0; j < row.length; j++) {
        const v = row[j];
        if (!Number.isInteger(v) || v < range[0] || v > range[1]) {
          throw new InvalidInputError(
            `row ${i}, value ${j} is ${v}; the model's input ${JSON.stringify(name)} is ${datatype}, which takes integers in ` +
              `[${range[0]}, ${range[1]}]`,
          );
        }
      }
    }
  }

  encode(rows: readonly (readonly number[])[]): unknown {
    const width = rows.length > 0 ? rows[0].length : (this.input.features ?? 0);
    // Filled by push, not preallocated: V8 serialises an array without holes about twice as fast.
    const data: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      for (let j = 0; j < width; j++) data.push(row[j]);
    }
    const body: Record<string, unknown> = {
      inputs: [{ name: this.input.name, shape: [rows.length, width], datatype: this.input.datatype, data }],
    };
    if (this.outputName !== undefined) body.outputs = [{ name: this.outputName }];
    return body;
  }

  decode(body: unknown, n: number): RemotePrediction {
    const doc = asObject(body, 'the v2 inference response', 'an object with an "outputs" array');
    const outputs = doc.outputs;
    if (!Array.isArray(outputs) || outputs.length === 0) {
      throw new ResponseShapeError(
        `the v2 inference response's "outputs" is ${describeJson(outputs)}; expected a non-empty array of output tensors`,
      );
    }
    const tensors = outputs.map((o, i) => asObject(o, `v2 output ${i}`, 'an object {name, shape, datatype, data}'));
    let chosen: Record<string, unknown> | undefined;
    if (this.outputName !== undefined) {
      chosen = tensors.find((t) => t.name === this.outputName);
      if (chosen === undefined) {
        throw new ResponseShapeError(
          `the v2 inference response has no output named ${JSON.stringify(this.outputName)}; its outputs are ` +
            tensors.map((t) => JSON.stringify(t.name)).join(', '),
        );
      }
    } else if (tensors.length === 1) {
      chosen = tensors[0];
    } else {
      throw new ResponseShapeError(
        `the v2 inference response has ${tensors.length} outputs (${tensors.map((t) => JSON.stringify(t.name)).join(', ')}); ` +
          'pass outputName to pick the one holding labels or class probabilities',
      );
    }
    const what = `v2 output ${JSON.stringify(chosen.name)}`;
    const datatype = chosen.datatype;
    if (datatype === 'BYTES') {
      throw new ResponseShapeError(`${what} has datatype BYTES; expected numbers (labels or class probabilities)`);
    }
    const tensor = shapedTensor(chosen.data, chosen.shape, what, datatype === 'BOOL');
    const inexact = firstInexactValue(tensor.values, datatype);
    if (inexact.index >= 0) {
      throw new ResponseShapeError(`${what} is ${String(datatype)} but value ${inexact.index} is ${tensor.values[inexact.index]}; expected ${inexact.expected}`);
    }
    return predictionsFromTensor(tensor, n, what);
  }
}
