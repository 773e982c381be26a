import { InvalidInputError } from '../core/errors.js';
import { redactUrl, splitUrlCredentials, withUrlCredentials } from '../predictors/remote/credentials.js';
import { describe, resolveRemoteOptions } from '../predictors/remote/options.js';
import type { ExplainerFactory } from './explainer.js';

/** pino's log levels, and `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** A log level of the server's JSON logs (pino's, and `silent`). */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Options of the explainer server (`glassbox serve`): the model's name and URL, the explainer, and the limits on
 * requests, queue, time and size.
 */
export interface ExplainerServerOptions {
  /** The model's name in the explain URLs (`/v1/models/NAME:explain`, `/v2/models/NAME/infer`). */
  modelName?: string;
  /** The model's prediction URL: v2 `.../v2/models/M/infer`, KServe v1 `.../v1/models/M:predict` or Seldon `.../api/v1.0/predictions`. */
  predictorUrl: string;
  /** Builds the explainer around the server's predictor for that model, e.g. `(p) => loadExplainer(dir, p)`. */
  explainer: ExplainerFactory;
  /** HTTP headers sent to the model with every request (e.g. `Authorization`, or `Seldon-Model` for Seldon Core 2's mesh). */
  predictorHeaders?: Record<string, string>;
  /** Model requests in flight at once, over all explanations. Default: `maxConcurrent`. */
  predictorConcurrency?: number;
  /** The interface to listen on. */
  host?: string;
  /** The port; 0 picks a free one. */
  port?: number;
  /** Explanations running at once. */
  maxConcurrent?: number;
  /** Explanations waiting for a slot; one more is answered 429. 0: answer 429 as soon as every slot is busy. */
  maxQueue?: number;
  /** Milliseconds an explain request may take, waiting in the queue included; then 504, and the work stops. */
  explainTimeoutMs?: number;
  /** The largest request body, in bytes (413 beyond). */
  bodyLimit?: number;
  /**
   * Milliseconds the server keeps listening after `close()` (SIGTERM), answering new requests 503 with
   * `Retry-After` while running explanations finish; it closes once both are done. Default 0 here;
   * `glassbox serve` uses 3 s (see `SERVE_DRAIN_MS`).
   */
  drainMs?: number;
  /** Most `coverageSamples` a request may ask for (400 beyond); the explainers' own bound is higher. */
  maxCoverageSamples?: number;
  /** Most `batchSize` (rows per model request) a request may ask for (400 beyond). */
  maxBatchSize?: number;
  /** Most `beamSize` a request may ask for (400 beyond). */
  maxBeamSize?: number;
  /** When set, explain requests must carry `Authorization: Bearer TOKEN` (401 otherwise). Health and metrics stay open. */
  token?: string;
  /** Log level of the one JSON line per request and of the server's events. */
  logLevel?: LogLevel;
  /** Where log lines go. Default: standard output. */
  logStream?: NodeJS.WritableStream;
}

/**
 * Defaults of {@link ExplainerServerOptions}.
 * - `port` 8080 and `modelName` "model": KServe's defaults for `--http_port` and `--model_name`.
 * - `host` 127.0.0.1: this machine only, as `serve-model`; the container image sets `GLASSBOX_HOST=0.0.0.0`.
 * - `maxConcurrent` 4: between model calls an explanation is CPU work on the server's one JavaScript
 *   thread, so more explanations at once add latency, not throughput, once the model's latency is
 *   covered (benchmarks/README.md, "server": throughput at 4 and 16 clients is about the same).
 * - `maxQueue` 32: a burst of a few dozen requests waits rather than failing; a deeper queue would only
 *   turn overload into 504s.
 * - `explainTimeoutMs` 20 s: draining on SIGTERM waits for running explanations, and each stops within
 *   the budget, so a pod stops within Kubernetes' default 30 s `terminationGracePeriodSeconds`; it is also
 *   under the 60 s `proxy-read-timeout` of ingress-nginx, so clients get this server's 504 and its reason.
 * - `bodyLimit` 1 MiB: fastify's default; one instance is a few hundred bytes.
 * - `logLevel` info: one line per request.
 * - `maxCoverageSamples` 20,000, `maxBatchSize` 1,000, `maxBeamSize` 4: per-request bounds tighter than
 *   the explainers' own (100,000, 10,000, 20; see `ANCHOR_SEARCH_LIMITS`), because any client of the
 *   server chooses them and `maxConcurrent` explanations share one thread and one memory: at these
 *   bounds an Adult explanation stays within a few MB and well under `explainTimeoutMs`. Twice
 *   Alibi's defaults for the sizes, and room for a beam search of width 2 to 4.
 */
export const EXPLAINER_SERVER_DEFAULTS = Object.freeze({
  modelName: 'model',
  host: '127.0.0.1',
  port: 8080,
  maxConcurrent: 4,
  maxQueue: 32,
  explainTimeoutMs: 20_000,
  bodyLimit: 1024 * 1024,
  logLevel: 'info' as LogLevel,
  drainMs: 0,
  maxCoverageSamples: 20_000,
  maxBatchSize: 1_000,
  maxBeamSize: 4,
});

/** The server options that bound an explain option of each request, and the option each bounds. */
export const REQUEST_OPTION_LIMITS = Object.freeze({
  maxCoverageSamples: 'coverageSamples',
  maxBatchSize: 'batchSize',
  maxBeamSize: 'beamSize',
} as const);
export type RequestLimitName = keyof typeof REQUEST_OPTION_LIMITS;

/** {@link ExplainerServerOptions} checked, with every default filled in. */
export interface ResolvedServerOptions {
  modelName: string;
  /** The model URL without credentials: those are in `predictorHeaders` as Authorization. */
  predictorUrl: string;
  /** The model URL as messages and logs show it: credentials redacted to `user:***@`. */
  shownPredictorUrl: string;
  explainer: ExplainerFactory;
  predictorHeaders: Record<string, string>;
  predictorConcurrency: number;
  host: string;
  port: number;
  maxConcurrent: number;
  maxQueue: number;
  explainTimeoutMs: number;
  bodyLimit: number;
  drainMs: number;
  token: string | undefined;
  logLevel: LogLevel;
  /** The bounds of {@link REQUEST_OPTION_LIMITS}, by server option name. */
  requestLimits: Record<RequestLimitName, number>;
  logStream: NodeJS.WritableStream | undefined;
}

const KNOWN = [
  'modelName',
  'predictorUrl',
  'explainer',
  'predictorHeaders',
  'predictorConcurrency',
  'host',
  'port',
  'maxConcurrent',
  'maxQueue',
  'explainTimeoutMs',
  'bodyLimit',
  'drainMs',
  'maxCoverageSamples',
  'maxBatchSize',
  'maxBeamSize',
  'token',
  'logLevel',
  'logStream',
];
const URL_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** RFC 6750 §2.1 `b64token`: the characters a bearer token may hold. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Checks every option and fills in the defaults; throws InvalidInputError naming the bad option. */
export function resolveServerOptions(options: ExplainerServerOptions): ResolvedServerOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidInputError(`createExplainerServer options are ${describe(options)}; expected an object`);
  }
  const unknown = Object.keys(options).filter((k) => !KNOWN.includes(k));
  if (unknown.length > 0) {
    throw new InvalidInputError(`createExplainerServer has no option ${JSON.stringify(unknown[0])}; expected one of ${KNOWN.join(', ')}`);
  }
  const o = options;
  const modelName = o.modelName ?? EXPLAINER_SERVER_DEFAULTS.modelName;
  if (typeof modelName !== 'string' || !URL_SEGMENT.test(modelName)) {
    throw new InvalidInputError(`modelName is ${describe(modelName)}; expected a URL-safe model name (letters, digits, '.', '_', '-')`);
  }
  if (typeof o.predictorUrl !== 'string' || o.predictorUrl.length === 0) {
    throw new InvalidInputError(`predictorUrl is ${describe(o.predictorUrl)}; expected the model's prediction URL`);
  }
  if (typeof o.explainer !== 'function') {
    throw new InvalidInputError(`explainer is ${describe(o.explainer)}; expected a function from a predictor to an explainer`);
  }
  const { url: predictorUrl, authorization } = splitUrlCredentials(o.predictorUrl);
  const predictorHeaders = withUrlCredentials(resolveRemoteOptions({ headers: o.predictorHeaders }).headers, authorization);
  const host = o.host ?? EXPLAINER_SERVER_DEFAULTS.host;
  if (typeof host !== 'string' || host.length === 0) throw new InvalidInputError(`host is ${describe(host)}; expected a host name or address`);
  const port = integer('port', o.port, EXPLAINER_SERVER_DEFAULTS.port, 0, 65535);
  const maxConcurrent = integer('maxConcurrent', o.maxConcurrent, EXPLAINER_SERVER_DEFAULTS.maxConcurrent, 1);
  const maxQueue = integer('maxQueue', o.maxQueue, EXPLAINER_SERVER_DEFAULTS.maxQueue, 0);
  const predictorConcurrency = integer('predictorConcurrency', o.predictorConcurrency, maxConcurrent, 1);
  const explainTimeoutMs = integer('explainTimeoutMs', o.explainTimeoutMs, EXPLAINER_SERVER_DEFAULTS.explainTimeoutMs, 1);
  const bodyLimit = integer('bodyLimit', o.bodyLimit, EXPLAINER_SERVER_DEFAULTS.bodyLimit, 1);
  const drainMs = integer('drainMs', o.drainMs, EXPLAINER_SERVER_DEFAULTS.drainMs, 0);
  const requestLimits = Object.fromEntries(
    (Object.keys(REQUEST_OPTION_LIMITS) as RequestLimitName[]).map((name) => [name, integer(name, o[name], EXPLAINER_SERVER_DEFAULTS[name], 1)]),
  ) as Record<RequestLimitName, number>;
  if (o.token !== undefined && (typeof o.token !== 'string' || !B64TOKEN.test(o.token))) {
    throw new InvalidInputError(
      `token is ${typeof o.token === 'string' ? `a string of ${o.token.length} characters with characters a bearer token cannot hold` : describe(o.token)}; ` +
        "expected letters, digits and - . _ ~ + / (RFC 6750's b64token)",
    );
  }
  const logLevel = o.logLevel ?? EXPLAINER_SERVER_DEFAULTS.logLevel;
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new InvalidInputError(`logLevel is ${describe(logLevel)}; expected one of ${LOG_LEVELS.join(', ')}`);
  }
  return {
    modelName,
    predictorUrl,
    shownPredictorUrl: redactUrl(o.predictorUrl),
    explainer: o.explainer,
    predictorHeaders,
    predictorConcurrency,
    host,
    port,
    maxConcurrent,
    maxQueue,
    explainTimeoutMs,
    bodyLimit,
    drainMs,
    token: o.token,
    logLevel,
    logStream: o.logStream,
    requestLimits,
  };
}

function integer(name: string, value: unknown, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(`${name} is ${describe(value)}; expected an integer ${max < Number.MAX_SAFE_INTEGER ? `in ${min}..${max}` : `>= ${min}`}`);
  }
  return value;
}
