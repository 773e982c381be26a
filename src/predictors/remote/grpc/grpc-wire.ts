import { InvalidInputError } from '../../../core/errors.js';
import { bodySnippet, RemoteModelError } from '../errors.js';
import type { ResolvedRemoteOptions } from '../options.js';
import { sliceBatch, type InstanceBatch } from '../instances.js';
import { createV2Codec, V2Codec } from '../protocols/v2.js';
import { checkProtocolOptions } from '../remote-predictor.js';
import type { StatsRecorder } from '../stats.js';
import { ResponseShapeError, type RemotePrediction } from '../tensor.js';
import { SiblingFailed, type RequestSignals } from '../transport.js';
import type { PredictionWire } from '../wire.js';
import { resolveGrpcEndpoint } from './endpoint.js';
import { loadInferenceService } from './service.js';
import { describeResponse, inferRequest, outputsOf, type JsonTensor } from './tensors.js';
import { GrpcTransport } from './transport.js';

/** A signal that never aborts, for the metadata call. */
const NEVER = new AbortController().signal;

/**
 * The Open Inference Protocol over gRPC (open_inference_grpc.proto, `inference.GRPCInferenceService`),
 * for `remotePredictor('grpc://host:port/MODEL[/VERSION]')`. It reads the model's metadata with
 * `ModelMetadata` (unless `inputName` and `inputDatatype` are given), as the REST binding reads
 * `GET /v2/models/NAME`, and asks for predictions with `ModelInfer`: the rows as one input tensor whose
 * values go in `raw_input_contents` (little-endian) unless `binary: false` asks for typed contents. The
 * answer may use either; both are checked against the output's shape and datatype.
 *
 * The request and response are the REST binding's JSON bodies in gRPC messages (see ./tensors.ts), so
 * the v2 codec that checks rows, names the input and reads the predictions is the REST one.
 *
 * On connecting it also asks `ModelReady`, and refuses a model that is not ready (the explainer server
 * retries, with backoff, until it is).
 */
export async function connectGrpc(url: string, opts: ResolvedRemoteOptions, stats: StatsRecorder): Promise<PredictionWire> {
  const endpoint = resolveGrpcEndpoint(url);
  if (opts.protocol !== 'auto' && opts.protocol !== 'v2') {
    throw new InvalidInputError(`protocol is ${opts.protocol} but ${JSON.stringify(url)} is a gRPC URL, which speaks the Open Inference Protocol (v2) only`);
  }
  checkProtocolOptions('v2', opts);
  const raw = opts.binary !== false;
  const service = await loadInferenceService();
  const transport = new GrpcTransport(service, endpoint, opts, stats);
  const baseSignals: RequestSignals = { call: opts.signal ?? NEVER, caller: opts.signal };

  let codec: V2Codec;
  let metadataAnswer: { response: Record<string, unknown>; attempts: number } | undefined;
  try {
    const created = await createV2Codec(endpoint.url, opts, async (_url, what) => {
      metadataAnswer = await transport.call('ModelMetadata', { name: endpoint.model, version: endpoint.version }, `${what} (ModelMetadata)`, baseSignals);
      const { inputs = [], outputs = [] } = metadataAnswer.response as { inputs?: Record<string, unknown>[]; outputs?: Record<string, unknown>[] };
      // int64 shapes arrive as decimal strings; the codec reads numbers.
      const numeric = (t: Record<string, unknown>) => ({ ...t, shape: Array.isArray(t.shape) ? t.shape.map(Number) : t.shape });
      return { ...metadataAnswer.response, inputs: inputs.map(numeric), outputs: outputs.map(numeric) };
    });
    if (!(created instanceof V2Codec)) throw new Error('internal: the v2 codec is not a V2Codec');
    codec = created;
    const ready = await transport.call('ModelReady', { name: endpoint.model, version: endpoint.version }, 'model readiness request (ModelReady)', baseSignals);
    if (ready.response.ready !== true) {
      throw new RemoteModelError(
        `model readiness request (ModelReady) to ${endpoint.url} answered ready: ${String(ready.response.ready ?? false)}; the model is not ready for inference yet`,
        { url: endpoint.url, status: undefined, attempts: ready.attempts, body: JSON.stringify(ready.response), kind: 'grpc-status' },
      );
    }
  } catch (err) {
    transport.close();
    if (err instanceof ResponseShapeError && metadataAnswer !== undefined) {
      throw new RemoteModelError(
        `model metadata request (ModelMetadata) to ${endpoint.url} answered OK but ${err.message} (pass inputName and inputDatatype to skip the metadata)`,
        { url: endpoint.url, status: 0, attempts: metadataAnswer.attempts, body: '', kind: 'bad-response', cause: err },
      );
    }
    if (err instanceof SiblingFailed) throw new Error('internal error: metadata request abandoned', { cause: err });
    throw err;
  }

  const send = async (
    batch: InstanceBatch,
    range: { start: number; end: number },
    whole: boolean,
    signals: RequestSignals,
    headers: Record<string, string> | undefined,
  ): Promise<RemotePrediction> => {
    const slice = sliceBatch(batch, range);
    const n = range.end - range.start;
    const what = whole ? 'prediction request' : `prediction request for rows ${range.start}..${range.end - 1}`;
    const body = codec.encode(slice) as { inputs: JsonTensor[]; outputs?: { name: string }[] };
    const request = inferRequest(body, endpoint.model, endpoint.version, raw);
    const answer = await transport.call('ModelInfer', request, what, signals, headers);
    let prediction: RemotePrediction;
    try {
      prediction = codec.decode(outputsOf(answer.response), n);
    } catch (err) {
      if (!(err instanceof ResponseShapeError)) throw err;
      const described = describeResponse(answer.response);
      throw new RemoteModelError(
        `${what} (ModelInfer) to ${endpoint.url} (${n} rows) answered OK but ${err.message}; response: ${bodySnippet(described)}`,
        { url: endpoint.url, status: 0, attempts: answer.attempts, body: bodySnippet(described), kind: 'bad-response', cause: err },
      );
    }
    stats.rows += n;
    return prediction;
  };

  return {
    url: endpoint.url,
    protocol: 'v2',
    modelInput: { ...codec.input },
    takes: codec.takes,
    checkInstances: (batch) => codec.checkInstances(batch),
    send,
    close: () => transport.close(),
  };
}
