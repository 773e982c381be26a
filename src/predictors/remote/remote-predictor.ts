import { InvalidInputError } from '../../core/errors.js';
import type { Predictor } from '../predictor.js';
import { splitBatches, type BatchRange } from './batching.js';
import { resolveEndpoint } from './endpoint.js';
import { splitUrlCredentials, withUrlCredentials } from './credentials.js';
import { isGrpcUrl } from './grpc/endpoint.js';
import { bodySnippet, RemoteModelError } from './errors.js';
import { describe, resolveRemoteOptions, type RemotePredictorOptions, type RemoteProtocol, type ResolvedRemoteOptions } from './options.js';
import { batchSize, readInstances, sliceBatch, type InstanceBatch, type InstanceShape, type RemoteInstance } from './instances.js';
import { createCodec, type ProtocolCodec } from './protocols/index.js';
import { V2Codec, type V2InputSpec } from './protocols/v2.js';
import { BINARY_TENSOR_EXTENSION, binaryRequest, fromBinary } from './protocols/v2-binary.js';
import { StatsRecorder, type RemotePredictorStats } from './stats.js';
import { ResponseShapeError, type RemotePrediction } from './tensor.js';
import { SiblingFailed, Transport, type JsonAnswer, type RequestSignals } from './transport.js';
import type { PredictionWire } from './wire.js';

/**
 * A {@link Predictor} backed by a model behind a URL. Call it with a batch of instances (rows of numbers,
 * texts, images or other arrays of one shape: a predictor for AnchorTabular, AnchorText, AnchorImage and
 * the counterfactual explainers alike); it resolves to one class label per instance (`number[]`) or one
 * row of class probabilities per instance (`number[][]`), whichever the model returns, in their order.
 */
export interface RemotePredictor extends Predictor<RemoteInstance> {
  (inputs: readonly RemoteInstance[], call?: RemoteCallOptions): Promise<number[] | number[][]>;
  /**
   * What the model takes per instance, as far as its metadata says (v2 only): `'string'` for a `BYTES`
   * input, the shape of one instance when the metadata fixes every dimension, else undefined.
   */
  readonly takes: InstanceShape | undefined;
  /**
   * The URL predictions are POSTed to (completed with `/infer` or `:predict` where the URL lacked it), or
   * the `grpc://host:port/MODEL[/VERSION]` URL of a gRPC model.
   */
  readonly url: string;
  /** The protocol spoken. */
  readonly protocol: RemoteProtocol;
  /** The v2 input tensor rows are sent as (name, datatype, and width when the metadata fixes it); undefined for other protocols. */
  readonly modelInput: V2InputSpec | undefined;
  /** A snapshot of the traffic so far: requests, retries, rows, bytes, latency. */
  readonly stats: RemotePredictorStats;
  /** Sets every statistic back to zero. */
  resetStats(): void;
  /** Closes the kept-alive connections (they never keep the process alive, so this is optional). */
  close(): void;
}

/**
 * Options of one call, for a caller that serves many requests with one predictor (the explainer server
 * passes each request's id and deadline this way): they add to the predictor's own `headers` and
 * `signal` for this call only.
 */
export interface RemoteCallOptions {
  /** Aborts this call's requests (as the predictor's `signal` aborts every call). */
  signal?: AbortSignal;
  /** HTTP headers sent with this call's requests, over the predictor's `headers` of the same name. */
  headers?: Record<string, string>;
}

/** A signal that never aborts, for calls without a caller's signal. */
const NEVER = new AbortController().signal;

/**
 * Connects to a model served over HTTP and returns it as a {@link Predictor}: the Open Inference
 * Protocol (KServe v2: MLServer, Triton, Seldon Core 2), KServe v1 (TF Serving style) or Seldon Core v1,
 * chosen from the URL path or by `options.protocol`. For v2 it first reads the model metadata (the input
 * tensor's name, datatype and shape) unless `inputName` and `inputDatatype` are given.
 *
 * It takes the instances it is called with as they are: rows of numbers, texts (v2 `BYTES`, KServe v1
 * strings, Seldon `ndarray` or `strData`), or arrays of one shape such as `[28, 28, 1]` images (v2
 * `[N, ...shape]`, NHWC or NCHW; nested arrays for KServe v1 and Seldon); see `instances.ts`.
 *
 * Each call splits its instances into requests of at most `maxBatchSize` rows, sends them with at most
 * `concurrency` in flight (over all calls), retries network errors, timeouts and 429/502/503/504 answers
 * with exponential backoff and full jitter, and reassembles the predictions in row order. A call either
 * resolves to exactly one prediction per row or rejects: with {@link RemoteModelError} (URL, status,
 * attempts and the start of the response body) when the endpoint fails, answers garbage or the caller
 * aborts, and then every other request of the call is aborted and nothing is returned; with
 * InvalidInputError for instances that are not all texts or all finite numbers of one shape, or that the
 * model's metadata says it does not take.
 *
 * @example
 * const predict = await remotePredictor('http://models.internal/v2/models/income/infer', {
 *   headers: { Authorization: `Bearer ${token}` }, concurrency: 4, timeoutMs: 10_000,
 * });
 * const explainer = new AnchorTabular(predict, featureNames, { categoryMap, seed: 1 });
 *
 * @throws InvalidInputError for a bad URL or option; RemoteModelError when the v2 metadata cannot be read.
 */
export async function remotePredictor(modelUrl: string, options?: RemotePredictorOptions): Promise<RemotePredictor> {
  const resolved = resolveRemoteOptions(options);
  // Credentials in the URL go as an Authorization header (over gRPC, `authorization` metadata), and no
  // message ever shows them.
  const { url, authorization } = typeof modelUrl === 'string' ? splitUrlCredentials(modelUrl) : { url: modelUrl, authorization: undefined };
  const opts = { ...resolved, headers: withUrlCredentials(resolved.headers, authorization) };
  if (isGrpcUrl(url)) {
    // Loaded only here, so that importing glassbox does not load grpc-js.
    const { connectGrpc } = await import('./grpc/grpc-wire.js');
    const stats = new StatsRecorder();
    return predictorOver(await connectGrpc(url, opts, stats), opts, stats);
  }
  const endpoint = resolveEndpoint(url, opts.protocol);
  checkProtocolOptions(endpoint.protocol, opts);
  checkGrpcOnlyOptions(opts);
  const stats = new StatsRecorder();
  const transport = new Transport(opts, stats);
  const baseSignals: RequestSignals = { call: opts.signal ?? NEVER, caller: opts.signal };

  let codec: ProtocolCodec;
  let metadata: { url: string; answer: JsonAnswer } | undefined;
  try {
    codec = await createCodec(endpoint, opts, async (metadataUrl, what) => {
      const answer = await transport.requestJson('GET', metadataUrl, undefined, what, baseSignals);
      metadata = { url: metadataUrl, answer };
      return answer.body;
    });
  } catch (err) {
    transport.close();
    if (err instanceof ResponseShapeError && metadata !== undefined) {
      const { url: metadataUrl, answer } = metadata;
      throw new RemoteModelError(
        `model metadata request to ${metadataUrl} answered HTTP ${answer.status} but ${err.message}; ` +
          `response body: ${JSON.stringify(bodySnippet(answer.text))} (pass inputName and inputDatatype to skip the metadata)`,
        { url: metadataUrl, status: answer.status, attempts: answer.attempts, body: bodySnippet(answer.text), kind: 'bad-response', cause: err },
      );
    }
    if (err instanceof SiblingFailed) throw new Error('internal error: metadata request abandoned', { cause: err });
    throw err;
  }

  const inferUrl = endpoint.inferUrl;
  let binary: boolean;
  try {
    binary = endpoint.protocol === 'v2' && (await binaryFor(opts.binary, inferUrl, transport, baseSignals));
  } catch (err) {
    transport.close();
    throw err;
  }

  const predictBatch = async (
    batch: InstanceBatch,
    range: BatchRange,
    whole: boolean,
    signals: RequestSignals,
    headers: Record<string, string> | undefined,
  ) => {
    const slice = sliceBatch(batch, range);
    const n = range.end - range.start;
    const what = whole ? 'prediction request' : `prediction request for rows ${range.start}..${range.end - 1}`;
    let answer: JsonAnswer & { binary?: Buffer };
    if (binary) {
      const { body, headerLength } = binaryRequest(codec.encode(slice) as Parameters<typeof binaryRequest>[0]);
      answer = await transport.requestBinary(inferUrl, body, headerLength, what, signals, headers, n);
    } else answer = await transport.requestJson('POST', inferUrl, codec.encode(slice), what, signals, headers, n);
    let prediction: RemotePrediction;
    try {
      prediction = codec.decode(answer.binary === undefined ? answer.body : fromBinary(answer.body, 'outputs', answer.binary), n);
    } catch (err) {
      if (!(err instanceof ResponseShapeError)) throw err;
      throw new RemoteModelError(
        `${what} to ${inferUrl} (${n} rows) answered HTTP ${answer.status} but ${err.message}; ` +
          `response body: ${JSON.stringify(bodySnippet(answer.text))}`,
        { url: inferUrl, status: answer.status, attempts: answer.attempts, body: bodySnippet(answer.text), kind: 'bad-response', cause: err },
      );
    }
    stats.rows += n;
    return prediction;
  };

  const wire: PredictionWire = {
    url: inferUrl,
    protocol: endpoint.protocol,
    modelInput: codec instanceof V2Codec ? { ...codec.input } : undefined,
    takes: codec.takes,
    maxPerRequest: codec.maxPerRequest,
    checkInstances: (batch) => codec.checkInstances(batch),
    send: predictBatch,
    close: () => transport.close(),
  };
  return predictorOver(wire, opts, stats);
}

/** The predictor that sends its calls over `wire`. */
function predictorOver(wire: PredictionWire, opts: ResolvedRemoteOptions, stats: StatsRecorder): RemotePredictor {
  const inferUrl = wire.url;
  const predict = async (inputs: readonly RemoteInstance[], callOptions?: RemoteCallOptions): Promise<number[] | number[][]> => {
    stats.calls += 1;
    const rows = readInstances(inputs, opts.shape);
    wire.checkInstances(rows);
    const { signal: callSignal, headers } = checkCallOptions(callOptions);
    const caller =
      callSignal === undefined ? opts.signal : opts.signal === undefined ? callSignal : AbortSignal.any([opts.signal, callSignal]);
    if (caller?.aborted) {
      throw new RemoteModelError(
        `prediction request to ${inferUrl} was aborted by the caller's signal before it was sent; no predictions were returned`,
        { url: inferUrl, status: undefined, attempts: 0, body: '', kind: 'aborted', cause: caller.reason },
      );
    }
    const count = batchSize(rows);
    if (count === 0) return [];

    const batches = splitBatches(count, Math.min(opts.maxBatchSize, wire.maxPerRequest ?? Infinity));
    const parts: RemotePrediction[] = new Array(batches.length);
    const call = new AbortController();
    const onCallerAbort = () => call.abort(caller!.reason);
    caller?.addEventListener('abort', onCallerAbort, { once: true });
    const signals: RequestSignals = { call: call.signal, caller };
    let failure: unknown;
    let next = 0;
    // At most `concurrency` workers per call, each taking the next batch: bodies are encoded only when
    // they are about to be sent. The transport's limiter bounds requests over concurrent calls too.
    const worker = async () => {
      while (next < batches.length && failure === undefined) {
        const b = next++;
        try {
          parts[b] = await wire.send(rows, batches[b], batches.length === 1, signals, headers);
        } catch (err) {
          if (err instanceof SiblingFailed) return;
          if (failure === undefined) {
            failure = err;
            call.abort(err); // abandon the other requests of this call: no partial result
          }
          return;
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(opts.concurrency, batches.length) }, worker));
    } finally {
      caller?.removeEventListener('abort', onCallerAbort);
    }
    if (failure !== undefined) throw failure;
    return assemble(parts, batches, inferUrl);
  };

  return Object.defineProperties(predict, {
    url: { value: inferUrl, enumerable: true },
    protocol: { value: wire.protocol, enumerable: true },
    takes: { value: wire.takes, enumerable: true },
    modelInput: { value: wire.modelInput, enumerable: true },
    stats: { get: () => stats.snapshot(), enumerable: true },
    resetStats: { value: () => stats.reset() },
    close: { value: () => wire.close() },
  }) as RemotePredictor;
}

/** Checks the options of one call: an AbortSignal and single-line string headers. */
function checkCallOptions(call: RemoteCallOptions | undefined): RemoteCallOptions {
  if (call === undefined) return {};
  if (call === null || typeof call !== 'object') {
    throw new InvalidInputError(`a remote predictor's call options are ${describe(call)}; expected { signal?, headers? }`);
  }
  const { signal, headers } = call;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidInputError(`the call's signal is ${describe(signal)}; expected an AbortSignal`);
  }
  return { signal, headers: headers === undefined ? undefined : resolveRemoteOptions({ headers }).headers };
}

/** Refuses options that the chosen protocol would ignore. */
export function checkProtocolOptions(protocol: RemoteProtocol, opts: ReturnType<typeof resolveRemoteOptions>): void {
  const refuse = (option: string, applies: string) => {
    throw new InvalidInputError(`${option} applies to the ${applies} protocol only, but the protocol is ${protocol}`);
  };
  if (protocol !== 'v2' && opts.inputName !== undefined) refuse('inputName', 'v2');
  if (protocol !== 'v2' && opts.inputDatatype !== undefined) refuse('inputDatatype', 'v2');
  if (protocol === 'seldon' && opts.outputName !== undefined) refuse('outputName', 'v2 and kserve-v1');
  if (protocol !== 'seldon' && opts.seldonEncoding !== 'ndarray') refuse('seldonEncoding', 'seldon');
  if (protocol !== 'v2' && opts.binary !== undefined) refuse('binary', 'v2');
}

/**
 * Whether to send v2 requests in the binary tensor data extension: as `binary` says, or for `'auto'`
 * when the server metadata (`GET /v2` beside the model URL) lists the extension. A server without
 * readable metadata gets JSON.
 */
async function binaryFor(binary: boolean | 'auto' | undefined, inferUrl: string, transport: Transport, signals: RequestSignals): Promise<boolean> {
  if (binary !== 'auto') return binary === true;
  const serverUrl = new URL(inferUrl);
  serverUrl.pathname = serverUrl.pathname.replace(/\/v2\/models\/.*$/, '/v2');
  try {
    const { body } = await transport.requestJson('GET', serverUrl.href, undefined, 'server metadata request', signals);
    const extensions = (body as { extensions?: unknown } | null)?.extensions;
    return Array.isArray(extensions) && extensions.includes(BINARY_TENSOR_EXTENSION);
  } catch (err) {
    if (err instanceof RemoteModelError && (err.kind === 'http-status' || err.kind === 'bad-response')) return false;
    throw err;
  }
}

/** Refuses the gRPC-only options for an HTTP URL. */
function checkGrpcOnlyOptions(opts: ResolvedRemoteOptions): void {
  if (opts.tls !== false) throw new InvalidInputError('tls applies to grpc:// URLs only; an https:// URL uses TLS by itself');
  if (Object.keys(opts.metadata).length > 0) throw new InvalidInputError('metadata applies to grpc:// URLs only; pass headers for HTTP');
}

/** Concatenates the batches' predictions in row order, checking that they agree in kind and width. */
function assemble(parts: RemotePrediction[], batches: BatchRange[], url: string): number[] | number[][] {
  const first = parts[0];
  const flat = (part: RemotePrediction) => (part.kind === 'labels' ? part.labels : part.kind === 'values' ? part.values : undefined);
  if (parts.length === 1) return flat(first) ?? (first as { rows: number[][] }).rows;
  const mismatch = (b: number, detail: string) =>
    new RemoteModelError(
      `the model at ${url} answered rows ${batches[0].start}..${batches[0].end - 1} and rows ` +
        `${batches[b].start}..${batches[b].end - 1} differently: ${detail}; expected every request to return the same kind of prediction`,
      { url, status: undefined, attempts: 1, body: '', kind: 'bad-response' },
    );
  if (first.kind !== 'probabilities') {
    // Labels and values are both one number per row (a regressor's integer values read as labels).
    const labels: number[] = [];
    for (let b = 0; b < parts.length; b++) {
      const numbers = flat(parts[b]);
      if (numbers === undefined) throw mismatch(b, 'one number per row for the first, probabilities for the other');
      for (const label of numbers) labels.push(label);
    }
    return labels;
  }
  const k = first.rows[0]?.length;
  const rows: number[][] = [];
  for (let b = 0; b < parts.length; b++) {
    const part = parts[b];
    if (part.kind !== 'probabilities') throw mismatch(b, 'probabilities for the first, one number per row for the other');
    if (part.rows.length > 0 && part.rows[0].length !== k) {
      throw mismatch(b, `${k} classes for the first, ${part.rows[0].length} for the other`);
    }
    for (const row of part.rows) rows.push(row);
  }
  return rows;
}
