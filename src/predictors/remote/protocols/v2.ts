import { InvalidInputError } from '../../../core/errors.js';
import { pushWireValues, wireShape, type InstanceBatch, type InstanceShape, type TensorLayout } from '../instances.js';
import { V2_INPUT_DATATYPES, type ResolvedRemoteOptions, type V2InputDatatype, type V2SendDatatype } from '../options.js';
import {
  describeJson,
  firstInexactValue,
  INTEGER_DATATYPE_RANGES,
  labelsFromNames,
  predictionsFromTensor,
  ResponseShapeError,
  shapedTensor,
  type RemotePrediction,
} from '../tensor.js';
import { ModelInputMismatchError } from '../errors.js';
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
 * Instances go out as one input tensor, flat: rows as `[rows, features]`, images and other arrays as
 * `[N, ...shape]` (`[N, C, H, W]` when the layout is NCHW), texts as `BYTES` `[N]` (or `[N, 1]` when the
 * metadata declares two dimensions) with MLServer's `parameters.content_type: "str"`. The input's name
 * and datatype come from the options or, failing that, the metadata: its only input (or the one named
 * `inputName`). A model whose metadata lists no inputs (MLServer runtimes often do not) gets `predict`,
 * the name MLServer's alibi-explain runtime uses, and FP64, which carries every JSON number exactly (or
 * BYTES, for texts). An output of class names (`BYTES`) is mapped to labels by the `classes` option.
 */

const DEFAULT_INPUT_NAME = 'predict';
const DEFAULT_DATATYPE: V2InputDatatype = 'FP64';

/** What the codec sends: resolved from the options and the model metadata. */
export interface V2InputSpec {
  name: string;
  /** Undefined when neither the options nor the metadata say: FP64 for numbers, BYTES for texts. */
  datatype: V2SendDatatype | undefined;
  /** The metadata's shape of one instance (its input shape without the batch dimension; -1 for any size), when it has one. */
  dims: readonly number[] | undefined;
  /** The layout of `[h, w, c]` instances; told from `dims` when undefined. */
  layout: TensorLayout | undefined;
}

/** What the v2 codec needs of the remote predictor's options. */
type V2Options = Pick<ResolvedRemoteOptions, 'inputName' | 'inputDatatype' | 'outputName' | 'shape' | 'layout' | 'scale' | 'classes'>;

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
export async function createV2Codec(metadataUrl: string | undefined, options: V2Options, getJson: GetJson): Promise<V2Codec> {
  if (options.inputName !== undefined && options.inputDatatype !== undefined) {
    return new V2Codec({ name: options.inputName, datatype: options.inputDatatype, dims: undefined, layout: options.layout }, options);
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
  if (datatype === undefined && input !== undefined) {
    const declared = input.datatype;
    if (declared !== 'BYTES' && !(V2_INPUT_DATATYPES as readonly string[]).includes(declared)) {
      throw new InvalidInputError(
        `the model's input ${JSON.stringify(input.name)} has datatype ${declared}; a remote predictor sends numbers as ` +
          `${V2_INPUT_DATATYPES.join(', ')} and texts as BYTES (pass inputDatatype to override)`,
      );
    }
    datatype = declared as V2SendDatatype;
  }
  const dims = input === undefined || input.shape.length === 0 ? undefined : input.shape.slice(1);
  if (options.outputName !== undefined && outputs.length > 0 && !outputs.some((t) => t.name === options.outputName)) {
    throw new InvalidInputError(
      `outputName is ${JSON.stringify(options.outputName)} but the model's outputs are ${names(outputs)} (metadata at ${metadataUrl})`,
    );
  }
  const spec: V2InputSpec = { name: options.inputName ?? input?.name ?? DEFAULT_INPUT_NAME, datatype, dims, layout: options.layout };
  if (options.shape !== undefined) {
    const what = `the model's input ${JSON.stringify(spec.name)} (metadata at ${metadataUrl})`;
    if (datatype === 'BYTES') {
      throw new ModelInputMismatchError(`${what} is BYTES (texts), but the instances are numbers of shape [${options.shape.join(', ')}] (option shape)`);
    }
    spec.layout = resolveLayout(dims, options.shape, options.layout, what);
  }
  return new V2Codec(spec, options);
}

/** Whether declared dimensions (with -1 for any size) fit a shape. */
function fits(dims: readonly number[], shape: readonly number[]): boolean {
  return dims.length === shape.length && dims.every((d, i) => d < 0 || d === shape[i]);
}

/**
 * The layout in which instances of `shape` fit the metadata's `dims`: the one given, else NHWC when the
 * shapes agree as they are, NCHW when `[h, w, c]` instances fit `[c, h, w]`.
 *
 * @throws ModelInputMismatchError when they do not fit.
 */
function resolveLayout(dims: readonly number[] | undefined, shape: readonly number[], layout: TensorLayout | undefined, what: string): TensorLayout {
  if (dims === undefined) return layout ?? 'NHWC';
  for (const l of layout === undefined ? (['NHWC', 'NCHW'] as const) : [layout]) {
    if ((l === 'NHWC' || shape.length === 3) && fits(dims, wireShape(shape, l))) return l;
  }
  if (shape.length === 1 && dims.length === 1) {
    throw new ModelInputMismatchError(`rows have ${shape[0]} values but ${what} takes ${dims[0]} per row (its metadata shape)`);
  }
  const sent = `instances of shape [${shape.join(', ')}]${layout === undefined ? '' : ` in layout ${layout}`}`;
  throw new ModelInputMismatchError(`${sent} do not fit ${what}, which takes [-1, ${dims.join(', ')}] (its metadata shape)`);
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
  private readonly outputName: string | undefined;
  private readonly scale: number;
  private readonly classes: readonly string[] | undefined;

  constructor(
    readonly input: V2InputSpec,
    options: Pick<V2Options, 'outputName' | 'scale' | 'classes'>,
  ) {
    this.outputName = options.outputName;
    this.scale = options.scale;
    this.classes = options.classes;
  }

  /** What the model takes per instance according to its metadata: texts, numbers of a fixed shape, or unknown. */
  get takes(): InstanceShape | undefined {
    const { datatype, dims } = this.input;
    if (datatype === 'BYTES') return 'string';
    return dims !== undefined && dims.every((d) => d > 0) ? dims : undefined;
  }

  checkInstances(batch: InstanceBatch): void {
    const { name, datatype } = this.input;
    const what = `the model's input ${JSON.stringify(name)}`;
    if (batch.kind === 'strings') {
      if (datatype !== undefined && datatype !== 'BYTES') throw new InvalidInputError(`the instances are texts but ${what} is ${datatype}; expected BYTES`);
      return;
    }
    if (datatype === 'BYTES') throw new InvalidInputError(`the instances are numbers but ${what} is BYTES (texts)`);
    if (batch.values.length === 0) return;
    this.layoutOf(batch.shape);
    const range = datatype === undefined || !Object.hasOwn(INTEGER_DATATYPE_RANGES, datatype) ? undefined : INTEGER_DATATYPE_RANGES[datatype];
    if (range === undefined) return;
    const rows = batch.values;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      for (let j = 0; j < row.length; j++) {
        const v = this.scale === 1 ? row[j] : Math.round(row[j] * this.scale);
        if (!Number.isInteger(v) || v < range[0] || v > range[1]) {
          throw new InvalidInputError(
            `row ${i}, value ${j} is ${row[j]}${this.scale === 1 ? '' : ` (scaled by ${this.scale})`}; the model's input ${JSON.stringify(name)} is ${datatype}, which takes integers in ` +
              `[${range[0]}, ${range[1]}]`,
          );
        }
      }
    }
  }

  /** The layout instances of `shape` go out in; throws InvalidInputError when they do not fit the metadata. */
  private layoutOf(shape: readonly number[]): TensorLayout {
    const { name, dims, layout } = this.input;
    if (dims === undefined) return layout ?? 'NHWC';
    return resolveLayout(dims, shape, layout, `the model's input ${JSON.stringify(name)}`);
  }

  encode(batch: InstanceBatch): unknown {
    const { name } = this.input;
    let input: Record<string, unknown>;
    if (batch.kind === 'strings') {
      const n = batch.texts.length;
      input = { name, shape: this.input.dims?.length === 1 ? [n, 1] : [n], datatype: 'BYTES', parameters: { content_type: 'str' }, data: batch.texts };
    } else {
      const datatype = this.input.datatype ?? DEFAULT_DATATYPE;
      const layout = batch.values.length === 0 ? (this.input.layout ?? 'NHWC') : this.layoutOf(batch.shape);
      const wire = { layout, scale: this.scale, integer: datatype.includes('INT') };
      // Filled by push, not preallocated: V8 serialises an array without holes about twice as fast.
      const data: number[] = [];
      for (let i = 0; i < batch.values.length; i++) pushWireValues(data, batch.values[i], batch.shape, wire, `instance ${i}`);
      input = { name, shape: [batch.values.length, ...wireShape(batch.shape, layout)], datatype, data };
    }
    const body: Record<string, unknown> = { inputs: [input] };
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
    if (datatype === 'BYTES') return labelsFromNames(chosen.data, n, this.classes, what);
    const tensor = shapedTensor(chosen.data, chosen.shape, what, datatype === 'BOOL');
    const inexact = firstInexactValue(tensor.values, datatype);
    if (inexact.index >= 0) {
      throw new ResponseShapeError(`${what} is ${String(datatype)} but value ${inexact.index} is ${tensor.values[inexact.index]}; expected ${inexact.expected}`);
    }
    return predictionsFromTensor(tensor, n, what);
  }
}
