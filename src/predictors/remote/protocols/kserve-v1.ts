import { nestedInstance, type InstanceBatch, type WireValues } from '../instances.js';
import {
  describeJson,
  flattenTensor,
  holdsStrings,
  labelsFromNames,
  predictionsFromTensor,
  ResponseShapeError,
  type RemotePrediction,
} from '../tensor.js';
import { asObject, type ProtocolCodec } from './codec.js';

/**
 * KServe v1, the TensorFlow Serving REST "predict" API in row format:
 * https://kserve.github.io/website/latest/modelserving/data_plane/v1_protocol/ and
 * https://www.tensorflow.org/tfx/serving/api_rest#predict_api
 *
 * `POST /v1/models/NAME:predict` with `{"instances": [instance, ...]}` answers `{"predictions": [p, ...]}`,
 * one prediction per instance: a label, a row of probabilities, a class name (mapped by `classes`), or
 * (TF Serving, for models with several named outputs) an object keyed by output name, from which
 * `outputName` picks one. An instance is a row, a string, or nested arrays in its shape (`[h][w][c]`
 * for an image, `[c][h][w]` with layout NCHW).
 */
export class KServeV1Codec implements ProtocolCodec {
  readonly protocol = 'kserve-v1' as const;

  constructor(
    private readonly outputName: string | undefined,
    private readonly wire: WireValues = { layout: 'NHWC', scale: 1, integer: false },
    private readonly classes?: readonly string[],
  ) {}

  checkInstances(): void {}

  encode(batch: InstanceBatch): unknown {
    if (batch.kind === 'strings') return { instances: batch.texts };
    return { instances: batch.values.map((v, i) => nestedInstance(v, batch.shape, this.wire, `instance ${i}`)) };
  }

  decode(body: unknown, n: number): RemotePrediction {
    const doc = asObject(body, 'the KServe v1 response', 'an object with a "predictions" array');
    let predictions = doc.predictions;
    if (!Array.isArray(predictions)) {
      throw new ResponseShapeError(
        `the KServe v1 response's "predictions" is ${describeJson(predictions)}; expected an array with one prediction per instance`,
      );
    }
    const first = predictions[0];
    if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
      if (this.outputName === undefined) {
        throw new ResponseShapeError(
          `the KServe v1 predictions are objects (${describeJson(first)}); pass outputName to pick the one holding labels or class probabilities`,
        );
      }
      const key = this.outputName;
      predictions = predictions.map((p, i) => {
        const o = asObject(p, `KServe v1 prediction ${i}`, `an object with the key ${JSON.stringify(key)}`);
        if (!(key in o)) {
          throw new ResponseShapeError(`KServe v1 prediction ${i} has no ${JSON.stringify(key)}; it is ${describeJson(o)}`);
        }
        return o[key];
      });
    }
    const what = 'the KServe v1 "predictions"';
    if (holdsStrings(predictions)) return labelsFromNames(predictions, n, this.classes, what);
    return predictionsFromTensor(flattenTensor(predictions, what), n, what);
  }
}
