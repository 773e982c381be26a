import { InvalidInputError } from '../../core/errors.js';
import type { TensorLayout } from './instances.js';

/** The JSON prediction protocols a remote predictor speaks. */
export type RemoteProtocol = 'v2' | 'kserve-v1' | 'seldon';

/** Tensor datatypes of the Open Inference Protocol that a remote predictor can send rows as. */
export const V2_INPUT_DATATYPES = [
  'FP32',
  'FP64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
] as const;
/** A numeric Open Inference Protocol (v2) tensor datatype a remote predictor can send rows as. */
export type V2InputDatatype = (typeof V2_INPUT_DATATYPES)[number];
/** What a remote predictor sends: numbers as one of {@link V2_INPUT_DATATYPES}, or texts as BYTES. */
export type V2SendDatatype = V2InputDatatype | 'BYTES';

/**
 * Options of {@link remotePredictor}: the protocol, its input and output, batching, concurrency, deadlines,
 * retries, size limits, TLS and credentials.
 */
export interface RemotePredictorOptions {
  /**
   * The protocol to speak. `'auto'` (the default) infers it from the URL path: `/v2/models/NAME[/versions/V]/infer`
   * is the Open Inference Protocol, `/v1/models/NAME:predict` KServe v1, and `/api/v1.0/predictions`
   * Seldon Core v1. An explicit value overrides the path.
   */
  protocol?: RemoteProtocol | 'auto';
  /** Extra HTTP headers sent with every request (e.g. `Authorization`). */
  headers?: Record<string, string>;
  /** Rows per HTTP request; larger batches are split (and reassembled in order). */
  maxBatchSize?: number;
  /** HTTP requests in flight at once, over all calls of the predictor. */
  concurrency?: number;
  /** Milliseconds one HTTP request may take, from sending to the end of the answer. */
  timeoutMs?: number;
  /**
   * The most bytes one answer may have; a longer one is cut off and fails with a RemoteModelError of kind
   * `response-too-large`. Default: sized from the rows asked, {@link responseByteLimit}.
   */
  maxResponseBytes?: number;
  /**
   * Retries of one request after a network error (connection refused or reset, timeout) or a 429, 502,
   * 503 or 504 answer. Other answers (400, 404, 500, ...) are never retried.
   */
  retries?: number;
  /** Backoff before retry `i` (from 0) is uniform in `[0, min(backoffMaxMs, backoffBaseMs * 2^i))`. */
  backoffBaseMs?: number;
  /** The cap of the backoff, and of a server's `Retry-After`. */
  backoffMaxMs?: number;
  /** The uniform [0, 1) source of the backoff jitter; `Math.random` by default. */
  random?: () => number;
  /** Aborts every request in flight and every later call. */
  signal?: AbortSignal;
  /** Feature names, sent as Seldon's `data.names` (one per column). */
  featureNames?: readonly string[];
  /**
   * The output to read when the model has several: a v2 output name (it is also requested by name), or
   * a key of KServe v1 predictions that are objects.
   */
  outputName?: string;
  /** v2 only: the input tensor's name. Read from the model metadata when not given. */
  inputName?: string;
  /** v2 only: the input tensor's datatype (`BYTES` for texts). Read from the model metadata when not given. */
  inputDatatype?: V2SendDatatype;
  /**
   * Seldon only: send instances as `data.ndarray` (default), as `data.tensor {shape, values}`, or texts as
   * `strData` (one text per request, as the Seldon message carries one).
   */
  seldonEncoding?: 'ndarray' | 'tensor' | 'strData';
  /**
   * The shape of one numeric instance, e.g. `[28, 28, 1]` for MNIST digits (channels last, as glassbox
   * holds images): instances of that many values, flat or nested, are sent as `[N, ...shape]` tensors.
   * For v2 it is checked against the model metadata's input shape. By default an instance's own shape.
   */
  shape?: readonly number[];
  /**
   * How `[height, width, channels]` instances are laid out on the wire: `NHWC` (channels last) or `NCHW`
   * (channels first, PyTorch and most ONNX vision models). For v2, told from the metadata's shape when
   * not given; `NHWC` otherwise.
   */
  layout?: TensorLayout;
  /**
   * Multiplies every value sent (e.g. 255 for images held in [0, 1] by a model taking 0–255 `UINT8`).
   * Scaled values for an integer datatype must be within 1e-3 of an integer, and are rounded.
   */
  scale?: number;
  /**
   * The class names, in label order, of a model that answers with class names (v2 `BYTES` outputs,
   * KServe v1 or Seldon strings): each name is mapped to its index. A name not listed is an error.
   */
  classes?: readonly string[];
  /**
   * Tensors as raw little-endian bytes instead of typed values: over gRPC, `raw_input_contents` (default
   * `true`; `false` sends typed `*_contents`); over v2 REST, the binary tensor data extension
   * (`Inference-Header-Content-Length`; default `false`, JSON), or `'auto'`: binary when the server
   * metadata (`GET /v2`) lists the `binary_tensor_data` extension.
   */
  binary?: boolean | 'auto';
  /** gRPC only: `true` for TLS with the system's root certificates, or PEM `ca` / client `cert` and `key`. */
  tls?: boolean | RemoteTlsOptions;
  /** gRPC only: call metadata sent with every call (`headers` are sent as metadata too, lower-cased). */
  metadata?: Record<string, string>;
}

/** PEM certificates for a gRPC connection over TLS. */
export interface RemoteTlsOptions {
  /** Root certificates to trust instead of the system's. */
  ca?: string | Buffer;
  /** Client certificate chain, for mutual TLS (with `key`). */
  cert?: string | Buffer;
  /** Client private key, for mutual TLS (with `cert`). */
  key?: string | Buffer;
}

/**
 * Defaults of {@link RemotePredictorOptions}.
 * - `maxBatchSize` 1,000 rows: one anchor-search step asks for a few hundred to a few thousand samples; a
 *   thousand 100-feature rows are about 1 MB of JSON, under common request-body limits (fastify's 1 MiB
 *   default aside, MLServer, Triton and nginx ingress allow more).
 * - `concurrency` 4 and `retries` 3 with exponential backoff and full jitter, base 100 ms, cap 5 s:
 *   "Exponential Backoff And Jitter", AWS Architecture Blog (Brooker, 2015); the AWS SDKs' standard
 *   retry mode also makes 3 retries.
 * - `timeoutMs` 30 s: generous for one batch, short enough that a hung server fails an explanation
 *   within minutes rather than never.
 */
export const REMOTE_PREDICTOR_DEFAULTS = {
  protocol: 'auto',
  maxBatchSize: 1000,
  concurrency: 4,
  timeoutMs: 30_000,
  retries: 3,
  backoffBaseMs: 100,
  backoffMaxMs: 5000,
  seldonEncoding: 'ndarray',
} as const;

/**
 * The default most bytes of an answer for `rows` rows: 64 KiB (metadata, envelope, an error page) plus
 * 1 KiB per row, room for about 50 class probabilities per row as JSON numbers. An answer is held whole
 * in memory while it is parsed, so it needs a bound (issue 14: one 300 MB answer took the server from
 * 127 MB to 1.33 GB); pass `maxResponseBytes` for models with many classes.
 */
export function responseByteLimit(rows: number, maxResponseBytes: number | undefined): number {
  return maxResponseBytes ?? 64 * 1024 + 1024 * rows;
}

/** Options with every default filled in. */
export interface ResolvedRemoteOptions {
  protocol: RemoteProtocol | 'auto';
  headers: Record<string, string>;
  maxBatchSize: number;
  concurrency: number;
  timeoutMs: number;
  maxResponseBytes: number | undefined;
  retries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  random: () => number;
  signal: AbortSignal | undefined;
  featureNames: readonly string[] | undefined;
  outputName: string | undefined;
  inputName: string | undefined;
  inputDatatype: V2SendDatatype | undefined;
  seldonEncoding: 'ndarray' | 'tensor' | 'strData';
  shape: readonly number[] | undefined;
  layout: TensorLayout | undefined;
  scale: number;
  classes: readonly string[] | undefined;
  /** `undefined` when not given: each transport has its own default. */
  binary: boolean | 'auto' | undefined;
  tls: false | RemoteTlsOptions;
  metadata: Record<string, string>;
}

const KNOWN_OPTIONS = new Set<string>([
  'protocol',
  'headers',
  'maxBatchSize',
  'concurrency',
  'timeoutMs',
  'maxResponseBytes',
  'retries',
  'backoffBaseMs',
  'backoffMaxMs',
  'random',
  'signal',
  'featureNames',
  'outputName',
  'inputName',
  'inputDatatype',
  'seldonEncoding',
  'shape',
  'layout',
  'scale',
  'classes',
  'binary',
  'tls',
  'metadata',
]);

/** Checks every option and fills in the defaults; throws {@link InvalidInputError} naming the bad option. */
export function resolveRemoteOptions(options: RemotePredictorOptions | undefined): ResolvedRemoteOptions {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidInputError(`remotePredictor options are ${describe(options)}; expected an object`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new InvalidInputError(
        `remotePredictor has no option ${JSON.stringify(key)}; expected one of ${[...KNOWN_OPTIONS].join(', ')}`,
      );
    }
  }
  const o = options;
  const protocol = o.protocol ?? REMOTE_PREDICTOR_DEFAULTS.protocol;
  if (!['auto', 'v2', 'kserve-v1', 'seldon'].includes(protocol)) {
    throw new InvalidInputError(
      `protocol is ${describe(protocol)}; expected 'auto', 'v2', 'kserve-v1' or 'seldon'`,
    );
  }
  const headers: Record<string, string> = {};
  if (o.headers !== undefined) {
    if (o.headers === null || typeof o.headers !== 'object' || Array.isArray(o.headers)) {
      throw new InvalidInputError(`headers is ${describe(o.headers)}; expected an object of header names to string values`);
    }
    for (const [name, value] of Object.entries(o.headers)) {
      if (typeof value !== 'string') {
        throw new InvalidInputError(`header ${JSON.stringify(name)} is ${describe(value)}; expected a string value`);
      }
      if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
        throw new InvalidInputError(`header name ${JSON.stringify(name)} is not a valid HTTP header name`);
      }
      if (/[\r\n]/.test(value)) {
        throw new InvalidInputError(`header ${JSON.stringify(name)} contains a line break; expected a single-line value`);
      }
      headers[name] = value;
    }
  }
  const maxBatchSize = positiveInteger('maxBatchSize', o.maxBatchSize, REMOTE_PREDICTOR_DEFAULTS.maxBatchSize);
  const concurrency = positiveInteger('concurrency', o.concurrency, REMOTE_PREDICTOR_DEFAULTS.concurrency);
  const timeoutMs = positiveNumber('timeoutMs', o.timeoutMs, REMOTE_PREDICTOR_DEFAULTS.timeoutMs);
  const maxResponseBytes = o.maxResponseBytes === undefined ? undefined : positiveInteger('maxResponseBytes', o.maxResponseBytes, 0);
  const retries = o.retries ?? REMOTE_PREDICTOR_DEFAULTS.retries;
  if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0) {
    throw new InvalidInputError(`retries is ${describe(retries)}; expected an integer >= 0`);
  }
  const backoffBaseMs = nonNegativeNumber('backoffBaseMs', o.backoffBaseMs, REMOTE_PREDICTOR_DEFAULTS.backoffBaseMs);
  const backoffMaxMs = nonNegativeNumber('backoffMaxMs', o.backoffMaxMs, Math.max(REMOTE_PREDICTOR_DEFAULTS.backoffMaxMs, backoffBaseMs));
  if (backoffMaxMs < backoffBaseMs) {
    throw new InvalidInputError(`backoffMaxMs is ${backoffMaxMs} but backoffBaseMs is ${backoffBaseMs}; expected backoffMaxMs >= backoffBaseMs`);
  }
  const random = o.random ?? Math.random;
  if (typeof random !== 'function') {
    throw new InvalidInputError(`random is ${describe(random)}; expected a function returning numbers in [0, 1)`);
  }
  const signal = o.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidInputError(`signal is ${describe(signal)}; expected an AbortSignal`);
  }
  let featureNames: readonly string[] | undefined;
  if (o.featureNames !== undefined) {
    if (!Array.isArray(o.featureNames) || o.featureNames.some((n) => typeof n !== 'string')) {
      throw new InvalidInputError(`featureNames is ${describe(o.featureNames)}; expected an array of strings`);
    }
    featureNames = [...o.featureNames];
  }
  const outputName = optionalName('outputName', o.outputName);
  const inputName = optionalName('inputName', o.inputName);
  const inputDatatype = o.inputDatatype;
  if (inputDatatype !== undefined && inputDatatype !== 'BYTES' && !(V2_INPUT_DATATYPES as readonly string[]).includes(inputDatatype)) {
    throw new InvalidInputError(
      `inputDatatype is ${describe(inputDatatype)}; expected one of ${V2_INPUT_DATATYPES.join(', ')}, BYTES`,
    );
  }
  const seldonEncoding = o.seldonEncoding ?? REMOTE_PREDICTOR_DEFAULTS.seldonEncoding;
  if (seldonEncoding !== 'ndarray' && seldonEncoding !== 'tensor' && seldonEncoding !== 'strData') {
    throw new InvalidInputError(`seldonEncoding is ${describe(seldonEncoding)}; expected 'ndarray', 'tensor' or 'strData'`);
  }
  let shape: readonly number[] | undefined;
  if (o.shape !== undefined) {
    if (!Array.isArray(o.shape) || o.shape.length === 0 || !o.shape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new InvalidInputError(`shape is ${describe(o.shape)}; expected the shape of one instance, positive integers such as [28, 28, 1]`);
    }
    shape = [...o.shape];
  }
  const layout = o.layout;
  if (layout !== undefined && layout !== 'NHWC' && layout !== 'NCHW') {
    throw new InvalidInputError(`layout is ${describe(layout)}; expected 'NHWC' (channels last) or 'NCHW' (channels first)`);
  }
  const scale = o.scale ?? 1;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) {
    throw new InvalidInputError(`scale is ${describe(scale)}; expected a positive number such as 255`);
  }
  let classes: readonly string[] | undefined;
  if (o.classes !== undefined) {
    if (!Array.isArray(o.classes) || o.classes.length === 0 || o.classes.some((c) => typeof c !== 'string')) {
      throw new InvalidInputError(`classes is ${describe(o.classes)}; expected the class names in label order, a non-empty array of strings`);
    }
    if (new Set(o.classes).size !== o.classes.length) throw new InvalidInputError(`classes ${JSON.stringify(o.classes)} names a class twice; expected distinct names`);
    classes = [...o.classes];
  }
  const binary = o.binary;
  if (binary !== undefined && binary !== true && binary !== false && binary !== 'auto') {
    throw new InvalidInputError(`binary is ${describe(binary)}; expected true, false or 'auto'`);
  }
  return {
    protocol,
    headers,
    maxBatchSize,
    concurrency,
    timeoutMs,
    maxResponseBytes,
    retries,
    backoffBaseMs,
    backoffMaxMs,
    random,
    signal,
    featureNames,
    outputName,
    inputName,
    inputDatatype,
    seldonEncoding,
    shape,
    layout,
    scale,
    classes,
    binary,
    tls: resolveTls(o.tls),
    metadata: resolveMetadata(o.metadata),
  };
}

/** Checks the `tls` option: a boolean or PEM strings / Buffers. */
function resolveTls(tls: unknown): false | RemoteTlsOptions {
  if (tls === undefined || tls === false) return false;
  if (tls === true) return {};
  if (tls === null || typeof tls !== 'object' || Array.isArray(tls)) {
    throw new InvalidInputError(`tls is ${describe(tls)}; expected true, false or { ca?, cert?, key? } (PEM)`);
  }
  const out: RemoteTlsOptions = {};
  for (const [key, value] of Object.entries(tls)) {
    if (key !== 'ca' && key !== 'cert' && key !== 'key') {
      throw new InvalidInputError(`tls has no option ${JSON.stringify(key)}; expected ca, cert or key`);
    }
    if (typeof value !== 'string' && !Buffer.isBuffer(value)) {
      throw new InvalidInputError(`tls.${key} is ${describe(value)}; expected a PEM string or Buffer`);
    }
    out[key] = value;
  }
  if ((out.cert === undefined) !== (out.key === undefined)) {
    throw new InvalidInputError('tls has a client cert without its key or a key without its cert; expected both or neither');
  }
  return out;
}

/**
 * Checks gRPC call metadata: lower-case ASCII names (gRPC over HTTP/2, "Custom-Metadata"), not ending in
 * `-bin` (binary values), with printable ASCII values.
 */
export function resolveMetadata(metadata: unknown): Record<string, string> {
  if (metadata === undefined) return {};
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new InvalidInputError(`metadata is ${describe(metadata)}; expected an object of metadata names to string values`);
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) {
    if (!/^[0-9a-z_.-]+$/.test(name) || name.endsWith('-bin')) {
      throw new InvalidInputError(
        `metadata name ${JSON.stringify(name)} is not a gRPC ASCII metadata name; expected lower-case letters, digits, '_', '.', '-', not ending in -bin`,
      );
    }
    if (typeof value !== 'string' || !/^[\x20-\x7e]*$/.test(value)) {
      throw new InvalidInputError(`metadata ${JSON.stringify(name)} is ${describe(value)}; expected a string of printable ASCII`);
    }
    out[name] = value;
  }
  return out;
}

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidInputError(`${name} is ${describe(value)}; expected an integer >= 1`);
  }
  return value;
}

function positiveNumber(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidInputError(`${name} is ${describe(value)}; expected a positive number of milliseconds`);
  }
  return value;
}

function nonNegativeNumber(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidInputError(`${name} is ${describe(value)}; expected a number of milliseconds >= 0`);
  }
  return value;
}

function optionalName(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidInputError(`${name} is ${describe(value)}; expected a non-empty string`);
  }
  return value;
}

/** A short description of a value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'function') return 'a function';
  return typeof v === 'object' ? `an object (${Object.prototype.toString.call(v).slice(8, -1)})` : `a ${typeof v}`;
}
