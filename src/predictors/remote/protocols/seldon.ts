import { InvalidInputError } from '../../../core/errors.js';
import { nestedInstance, pushWireValues, wireShape, type InstanceBatch, type WireValues } from '../instances.js';
import {
  describeJson,
  flattenTensor,
  holdsStrings,
  labelsFromNames,
  predictionsFromTensor,
  ResponseShapeError,
  shapedTensor,
  type RemotePrediction,
} from '../tensor.js';
import { asObject, type ProtocolCodec } from './codec.js';

/**
 * Seldon Core v1 ("seldon" protocol), `POST /api/v1.0/predictions` with a SeldonMessage:
 * https://docs.seldon.io/projects/seldon-core/en/latest/reference/apis/external-prediction.html and
 * https://docs.seldon.io/projects/seldon-core/en/latest/reference/apis/prediction.html
 *
 * The request carries `data: {names?, ndarray}` (rows, nested arrays, or strings) or
 * `data: {names?, tensor: {shape, values}}` (row-major, numbers only), or one text as `strData`; the
 * response mirrors the encoding, e.g. `{"data": {"names": ["t:0", "t:1"], "ndarray": [[0.2, 0.8]]},
 * "meta": {...}}`, or answers a class name (`strData`, or an `ndarray` of names), mapped by `classes`.
 * Errors come back as `{"status": {"code", "info", "reason", "status": "FAILURE"}}`.
 */
export class SeldonCodec implements ProtocolCodec {
  readonly protocol = 'seldon' as const;
  readonly maxPerRequest: number | undefined;

  constructor(
    private readonly encoding: 'ndarray' | 'tensor' | 'strData',
    private readonly featureNames: readonly string[] | undefined,
    private readonly wire: WireValues = { layout: 'NHWC', scale: 1, integer: false },
    private readonly classes?: readonly string[],
  ) {
    this.maxPerRequest = encoding === 'strData' ? 1 : undefined;
  }

  checkInstances(batch: InstanceBatch): void {
    if (batch.kind === 'strings') {
      if (this.encoding === 'tensor') {
        throw new InvalidInputError("the instances are texts, which a Seldon data.tensor cannot carry (numbers only); use seldonEncoding 'ndarray' or 'strData'");
      }
      return;
    }
    if (this.encoding === 'strData') {
      throw new InvalidInputError("seldonEncoding is 'strData', which carries one text, but the instances are numbers; use 'ndarray' or 'tensor'");
    }
    const width = batch.values.length > 0 ? batch.values[0].length : 0;
    if (this.featureNames !== undefined && batch.values.length > 0 && width !== this.featureNames.length) {
      throw new InvalidInputError(
        `rows have ${width} values but featureNames names ${this.featureNames.length} features; expected one name per value`,
      );
    }
  }

  encode(batch: InstanceBatch): unknown {
    if (batch.kind === 'strings') return this.encoding === 'strData' ? { strData: batch.texts[0] } : { data: { ndarray: batch.texts } };
    const data: Record<string, unknown> = {};
    if (this.featureNames !== undefined) data.names = this.featureNames;
    if (this.encoding === 'ndarray') {
      data.ndarray = batch.values.map((v, i) => nestedInstance(v, batch.shape, this.wire, `instance ${i}`));
    } else {
      const values: number[] = [];
      batch.values.forEach((v, i) => pushWireValues(values, v, batch.shape, this.wire, `instance ${i}`));
      data.tensor = { shape: [batch.values.length, ...wireShape(batch.shape, this.wire.layout)], values };
    }
    return { data };
  }

  decode(body: unknown, n: number): RemotePrediction {
    const doc = asObject(body, 'the Seldon response', 'a SeldonMessage {"data": {...}}');
    if (doc.data === undefined && typeof doc.strData === 'string') return labelsFromNames(doc.strData, n, this.classes, 'the Seldon "strData"');
    const data = asObject(doc.data, 'the Seldon response\'s "data"', 'an object with "ndarray" or "tensor"');
    if (data.ndarray !== undefined) {
      const what = 'the Seldon "data.ndarray"';
      if (holdsStrings(data.ndarray)) return labelsFromNames(data.ndarray, n, this.classes, what);
      return predictionsFromTensor(flattenTensor(data.ndarray, what), n, what);
    }
    if (data.tensor !== undefined) {
      const tensor = asObject(data.tensor, 'the Seldon "data.tensor"', 'an object {shape, values}');
      if (tensor.shape === undefined) {
        throw new ResponseShapeError('the Seldon "data.tensor" has no "shape"; expected {shape, values}');
      }
      const what = 'the Seldon "data.tensor"';
      return predictionsFromTensor(shapedTensor(tensor.values, tensor.shape, what), n, what);
    }
    throw new ResponseShapeError(
      `the Seldon response's "data" is ${describeJson(data)}; expected "ndarray" or "tensor" (tftensor is not supported)`,
    );
  }
}
