import type { BatchRange } from './batching.js';
import type { InstanceBatch, InstanceShape } from './instances.js';
import type { RemoteProtocol } from './options.js';
import type { V2InputSpec } from './protocols/v2.js';
import type { RemotePrediction } from './tensor.js';
import type { RequestSignals } from './transport.js';

/**
 * How a remote predictor reaches its model: HTTP with a JSON or binary codec, or gRPC. The predictor
 * around it does the rest the same way for every wire: it checks the instances, splits them into batches,
 * bounds the requests of a call, abandons a call's other requests when one fails, and reassembles the
 * predictions in row order.
 */
export interface PredictionWire {
  /** Where predictions are asked for, as error messages and `predictor.url` name it. */
  readonly url: string;
  readonly protocol: RemoteProtocol;
  /** The v2 input tensor rows are sent as; undefined for other protocols. */
  readonly modelInput: V2InputSpec | undefined;
  /** What the model takes per instance, when its metadata says (see `RemotePredictor.takes`). */
  readonly takes: InstanceShape | undefined;
  /** At most this many instances per request, when the encoding carries fewer than `maxBatchSize`. */
  readonly maxPerRequest?: number;
  /** Throws InvalidInputError for instances this model or encoding cannot take, before any request. */
  checkInstances(batch: InstanceBatch): void;
  /**
   * Predictions of the instances `[range.start, range.end)` of `batch`, with retries; adds them to the statistics.
   *
   * @param whole whether the range is the whole call (error messages then name no rows).
   * @throws RemoteModelError when it fails for good; SiblingFailed when the call was abandoned.
   */
  send(
    batch: InstanceBatch,
    range: BatchRange,
    whole: boolean,
    signals: RequestSignals,
    headers: Record<string, string> | undefined,
  ): Promise<RemotePrediction>;
  /** Closes kept-alive connections. */
  close(): void;
}
