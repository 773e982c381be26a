import { performance } from 'node:perf_hooks';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { InvalidInputError } from '../core/errors.js';
import { jsonErrorBody } from '../http/error-replies.js';
import { acceptJsonBodies } from '../http/json-body.js';
import { listenOn, listeningUrl } from '../http/listening-url.js';
import { resolveEndpoint } from '../predictors/remote/endpoint.js';
import type { InstanceShape } from '../predictors/remote/instances.js';
import { ModelInputMismatchError } from '../predictors/remote/errors.js';
import { redactUrls } from '../predictors/remote/credentials.js';
import { remotePredictor, type RemotePredictor } from '../predictors/remote/remote-predictor.js';
import { isGrpcUrl, resolveGrpcEndpoint } from '../predictors/remote/grpc/endpoint.js';
import { INTEGER_DATATYPE_RANGES } from '../predictors/remote/tensor.js';
import { sleep } from '../predictors/remote/retry.js';
import { bearerAuth } from './auth.js';
import { requestScopedPredictor } from './context.js';
import type { ServableExplainer } from './explainer.js';
import { ExplanationRunner, isExplainError } from './explanation-runner.js';
import { healthRoutes } from './health.js';
import { ExplainerMetrics, installMetrics } from './metrics.js';
import { modelReadyUrl, probeModel } from './model-probe.js';
import { resolveServerOptions, type ExplainerServerOptions, type ResolvedServerOptions } from './options.js';
import { installRequestLog, requestId } from './request-log.js';
import { protocolErrorHandler, type RouteDeps } from './routes/common.js';
import { kserveV1Routes } from './routes/kserve-v1.js';
import { plainRoutes } from './routes/plain.js';
import { seldonRoutes } from './routes/seldon.js';
import { v2Routes } from './routes/v2.js';
import type { ServerState } from './state.js';

/** An explainer server that is listening. */
export interface ListeningExplainerServer {
  /** The base URL, e.g. `http://127.0.0.1:8080` (no trailing slash). */
  url: string;
  port: number;
  /**
   * Resolves once the server is ready (explainer loaded, model answered), or when it is closed first;
   * rejects when the explainer cannot be loaded (the server then stays not ready: close it).
   */
  ready: Promise<void>;
  /**
   * Drains: readiness turns off, new requests get 503 with Retry-After, running and queued explanations
   * finish, the server keeps listening for `drainMs` at least; then it closes and this resolves.
   */
  close(): Promise<void>;
}

/** A running explainer server ({@link createExplainerServer}): the fastify app, and how to listen and close. */
export interface ExplainerServer {
  /** The fastify app, for `app.inject()`. */
  readonly app: FastifyInstance;
  /** Starts listening, then loads the explainer and waits for the model (see `ready`). */
  listen(): Promise<ListeningExplainerServer>;
}

/** Waits between tries to reach the model while connecting: doubling from 250 ms to at most 5 s. */
const CONNECT_BACKOFF = { firstMs: 250, maxMs: 5000 };
/** How long one readiness probe of the model may take. */
const PROBE_TIMEOUT_MS = 2000;

/**
 * An explainer service for a model deployed behind a URL: the explainer container of KServe and Seldon
 * (see the README, "The explainer server"). It serves one explainer over KServe v1
 * (`POST /v1/models/NAME:explain`), the Open Inference Protocol the way MLServer's explainer runtime does
 * (`POST /v2/models/NAME/infer`), Seldon Core v1 (`POST /api/v1.0/explain`) and plain JSON
 * (`POST /explain`), with health (`/v2/health/live`, `/v2/health/ready`, `GET /v1/models/NAME`),
 * Prometheus metrics (`GET /metrics`) and one JSON log line per request.
 *
 * The explainer is built once, by `options.explainer(predictor)`, around a predictor that calls the model
 * at `predictorUrl` for whichever request is being explained: with its request id as `x-request-id`, and
 * with its deadline, so that an explanation over its time budget stops making model calls.
 *
 * @throws InvalidInputError for a bad option or a predictor URL whose protocol cannot be told.
 */
export function createExplainerServer(options: ExplainerServerOptions): ExplainerServer {
  const opts = resolveServerOptions(options);
  if (isGrpcUrl(opts.predictorUrl)) resolveGrpcEndpoint(opts.predictorUrl);
  else resolveEndpoint(opts.predictorUrl, 'auto');
  const state: ServerState = { phase: 'loading', reason: 'the explainer is loading', explainer: undefined, model: undefined };
  const metrics = new ExplainerMetrics(opts.modelName);
  const runner = new ExplanationRunner(state, metrics, opts);

  const app = Fastify({
    logger: { level: opts.logLevel, ...(opts.logStream === undefined ? {} : { stream: opts.logStream }) },
    // fastify's own two lines per request are replaced by the one line of installRequestLog.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: requestId,
    bodyLimit: opts.bodyLimit,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allowUnionTypes: true } },
  });
  acceptJsonBodies(app);
  installRequestLog(app, runner);
  installMetrics(app, metrics);
  app.setErrorHandler(protocolErrorHandler((_status, message) => jsonErrorBody(message), opts.bodyLimit));
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send(jsonErrorBody(`no endpoint ${req.method} ${req.url}; GET / lists this server's endpoints`)),
  );
  app.get('/', async () => endpoints(opts.modelName));
  // While draining, every answer closes its connection, so that kept-alive connections do not hold the
  // server open once the running explanations are done.
  app.addHook('onSend', async (_req, reply) => {
    if (state.phase === 'draining') reply.header('connection', 'close');
  });

  const deps: RouteDeps = {
    modelName: opts.modelName,
    state,
    runner,
    authorize: bearerAuth(opts.token, () => runner.refused('unauthorized')),
    bodyLimit: opts.bodyLimit,
  };
  app.register(healthRoutes(state));
  app.register(kserveV1Routes(deps));
  app.register(v2Routes(deps));
  app.register(seldonRoutes(deps));
  app.register(plainRoutes(deps));
  // Explain requests refused before the runner saw them (bad JSON or schema, too large, wrong model):
  // the runner counts its own failures, and the token check its refusals.
  app.addHook('onError', async (req, _reply, err) => {
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (req.method === 'POST' && !isExplainError(err) && status >= 400 && status < 500 && status !== 401) runner.refused('bad_request');
  });

  return {
    app,
    async listen(): Promise<ListeningExplainerServer> {
      await listenOn(app, opts.host, opts.port);
      const { url, port } = listeningUrl(app, opts.host);
      const closing = new AbortController();
      const ready = start(app, opts, state, closing.signal);
      ready.catch(() => undefined); // the caller decides what a load failure means
      return {
        url,
        port,
        ready,
        async close() {
          state.phase = 'draining';
          state.reason = 'the server is shutting down';
          closing.abort();
          // Still listening: new requests get 503 with Retry-After (not a refused connection) while the
          // load balancer takes this server out, and running and queued explanations finish.
          const drainUntil = performance.now() + opts.drainMs;
          await runner.idle();
          await sleep(Math.max(0, drainUntil - performance.now()));
          await app.close();
          state.model?.close();
        },
      };
    },
  };
}

/** Loads the explainer, then connects to the model, retrying until it answers or the server closes. */
async function start(app: FastifyInstance, opts: ResolvedServerOptions, state: ServerState, closing: AbortSignal): Promise<void> {
  const predictor = requestScopedPredictor(() => {
    if (state.model === undefined) throw new Error('internal error: the model is called before it is connected');
    return state.model;
  });
  try {
    state.explainer = await opts.explainer(predictor);
  } catch (err) {
    state.phase = 'failed';
    state.reason = redactUrls(`the explainer could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
    app.log.error({ err }, state.reason);
    throw err;
  }
  state.phase = 'connecting';
  let delay = CONNECT_BACKOFF.firstMs;
  for (;;) {
    if (closing.aborted) return;
    try {
      const shape = state.explainer.instanceShape;
      state.model ??= await remotePredictor(opts.predictorUrl, {
        headers: opts.predictorHeaders,
        concurrency: opts.predictorConcurrency,
        // Arrays of more than one dimension (images) go out in their shape; rows are checked by checkModelFits.
        ...(shape !== undefined && shape !== 'string' && shape.length > 1 && { shape }),
      });
      checkModelTakes(state.model, shape);
      // A gRPC predictor has asked ModelReady already.
      if (!isGrpcUrl(state.model.url)) await probeModel(modelReadyUrl(state.model.url, state.model.protocol), opts.predictorHeaders, PROBE_TIMEOUT_MS);
      checkModelFits(state.explainer, state.model);
      break;
    } catch (err) {
      if (err instanceof InvalidInputError && !(err instanceof ModelInputMismatchError)) throw err;
      if (err instanceof ModelMismatch || err instanceof ModelInputMismatchError) {
        // Read the metadata again on the next try: the model may be redeployed with the right one.
        state.model?.close();
        state.model = undefined;
      }
      state.reason = redactUrls(`waiting for the model at ${opts.shownPredictorUrl}: ${err instanceof Error ? err.message : String(err)}`);
      app.log.warn({ retryInMs: delay }, state.reason);
      await sleep(delay, closing).catch(() => undefined);
      delay = Math.min(2 * delay, CONNECT_BACKOFF.maxMs);
    }
  }
  if (closing.aborted) return;
  state.phase = 'ready';
  state.reason = '';
  app.log.info({ model: state.model.url, protocol: state.model.protocol }, 'ready: the explainer is loaded and the model answers');
}

/** The model's metadata disagrees with the explainer: the server stays not ready, and says why. */
class ModelMismatch extends Error {}

/** Throws {@link ModelMismatch} when the model's metadata gives rows another width than the explainer's. */
function checkModelFits(explainer: ServableExplainer, model: RemotePredictor): void {
  const input = model.modelInput;
  if (input === undefined) return;
  const width = explainer.rowWidth;
  const name = JSON.stringify(input.name);
  const features = input.dims?.length === 1 && input.dims[0] > 0 ? input.dims[0] : undefined;
  if (features !== undefined && width !== undefined && features !== width) {
    throw new ModelMismatch(
      `the model's metadata says its input ${name} takes ${features} values per row, ` +
        `but the explainer's rows have ${width}: this explainer was fitted for another model`,
    );
  }
  const range = input.datatype === undefined || !Object.hasOwn(INTEGER_DATATYPE_RANGES, input.datatype) ? undefined : INTEGER_DATATYPE_RANGES[input.datatype];
  const values = explainer.rowValues;
  if (range !== undefined && values !== undefined && (!values.integers || values.min < range[0] || values.max > range[1])) {
    throw new ModelMismatch(
      `the model's metadata says its input ${name} is ${input.datatype} (integers in [${range[0]}, ${range[1]}]), ` +
        `but the explainer's rows hold ${values.integers ? `values from ${values.min} to ${values.max}` : 'fractional values'}`,
    );
  }
}

/** Throws {@link ModelMismatch} when the model's metadata says it takes texts and the explainer's instances are numbers, or the other way round. */
function checkModelTakes(model: RemotePredictor, shape: InstanceShape | undefined): void {
  const takes = model.takes;
  if (shape === undefined || takes === undefined || (takes === 'string') === (shape === 'string')) return;
  throw new ModelMismatch(
    shape === 'string'
      ? `the explainer's instances are texts, but the model's metadata declares an input of shape [-1, ${(takes as readonly number[]).join(', ')}] (numbers); expected BYTES`
      : `the explainer's instances are numbers of shape [${shape.join(', ')}], but the model's metadata declares a BYTES input (texts)`,
  );
}

/** `GET /`: what this server answers. */
function endpoints(name: string) {
  return {
    name: 'glassbox explainer server',
    model: name,
    endpoints: {
      'kserve-v1': [`POST /v1/models/${name}:explain`, `GET /v1/models/${name}`],
      v2: [`POST /v2/models/${name}/infer`, `GET /v2/models/${name}`, `GET /v2/models/${name}/ready`, 'GET /v2'],
      seldon: ['POST /api/v1.0/explain'],
      plain: ['POST /explain'],
      health: ['GET /v2/health/live', 'GET /v2/health/ready'],
      metrics: ['GET /metrics'],
    },
  };
}
