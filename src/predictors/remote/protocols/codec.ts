import type { InstanceBatch, InstanceShape } from '../instances.js';
import type { RemoteProtocol } from '../options.js';
import { describeJson, ResponseShapeError, type RemotePrediction } from '../tensor.js';

/**
 * How one protocol turns instances (rows, texts, images) into a request body and a response body into
 * predictions. Codecs are pure: the transport does the HTTP, the predictor the batching.
 */
export interface ProtocolCodec {
  readonly protocol: RemoteProtocol;
  /** At most this many instances per request, when the protocol's message carries fewer than `maxBatchSize` (Seldon `strData`: one). */
  readonly maxPerRequest?: number;
  /** What the model takes per instance, when its metadata says (see `RemotePredictor.takes`). */
  readonly takes?: InstanceShape;
  /**
   * Checks that the protocol and the model can take these instances (the predictor has already checked
   * that they are all texts or all finite numbers of one shape); throws InvalidInputError before any
   * request is made.
   */
  checkInstances(batch: InstanceBatch): void;
  /** The JSON request body asking for predictions of `batch`. */
  encode(batch: InstanceBatch): unknown;
  /** Predictions for `n` rows from a parsed 2xx response body; throws ResponseShapeError. */
  decode(body: unknown, n: number): RemotePrediction;
}

/** Reads a JSON document (the v2 model metadata), with the transport's retries. */
export type GetJson = (url: string, what: string) => Promise<unknown>;

/** Returns `body` as a record, or throws a ResponseShapeError saying what it is and what was `expected`. */
export function asObject(body: unknown, what: string, expected: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ResponseShapeError(`${what} is ${describeJson(body)}; expected ${expected}`);
  }
  return body as Record<string, unknown>;
}
