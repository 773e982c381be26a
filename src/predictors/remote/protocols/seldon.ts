import { InvalidInputError } from '../../../core/errors.js';
import {
  describeJson,
  flattenTensor,
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
 * The request carries `data: {names?, ndarray}` or `data: {names?, tensor: {shape, values}}` (row-major);
 * the response mirrors the encoding, e.g. `{"data": {"names": ["t:0", "t:1"], "ndarray": [[0.2, 0.8]]},
 * "meta": {...}}`. Errors come back as `{"status": {"code", "info", "reason", "status": "FAILURE"}}`.
 */
export class SeldonCodec implements ProtocolCodec {
  readonly protocol = 'seldon' as const;

  constructor(
    private readonly encoding: 'ndarray' | 'tensor',
    private readonly featureNames: readonly string[] | undefined,
  ) {}

  checkRows(rows: readonly (readonly number[])[]): void {
    if (this.featureNames !== undefined && rows.length > 0 && rows[0].length !== this.featureNames.length) {
      throw new InvalidInputError(
        `rows have ${rows[0].length} values but featureNames names ${this.featureNames.length} features; expected one name per value`,
      );
    }
  }

  encode(rows: readonly (readonly number[])[]): unknown {
    const data: Record<string, unknown> = {};
    if (this.featureNames !== undefined) data.names = this.featureNames;
    if (this.encoding === 'ndarray') {
      data.ndarray = rows;
    } else {
      const width = rows.length > 0 ? rows[0].length : 0;
      data.tensor = { shape: [rows.length, width], values: rows.flat() };
    }
    return { data };
  }

  decode(body: unknown, n: number): RemotePrediction {
    const doc = asObject(body, 'the Seldon response', 'a SeldonMessage {"data": {...}}');
    const data = asObject(doc.data, 'the Seldon response\'s "data"', 'an object with "ndarray" or "tensor"');
    if (data.ndarray !== undefined) {
      const what = 'the Seldon "data.ndarray"';
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
