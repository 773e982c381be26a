import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EXPLAINER_SERVER_DEFAULTS as D, LOG_LEVELS, type ExplainerServerOptions, type LogLevel } from '../../server/options.js';
import { predictorUrlFromHost } from '../../server/predictor-host.js';
import { loadServableExplainer, SERVABLE_TYPES } from '../../server/servable-explainer.js';
import { createExplainerServer } from '../../server/server.js';
import { InvalidInputError } from '../../core/errors.js';
import { bundledEmbeddings } from '../../datasets/glove.js';
import type { Predictor } from '../../predictors/predictor.js';
import { numberFlag, UsageError, type CliIO } from '../io.js';

/**
 * How long `glassbox serve` keeps listening after SIGTERM: Kubernetes removes a terminating pod from its
 * Service's endpoints asynchronously, and load balancers keep sending it requests for a few seconds;
 * those get a 503 with Retry-After instead of a refused connection. With the 20 s explanation budget it
 * stays within the default 30 s `terminationGracePeriodSeconds`.
 */
export const SERVE_DRAIN_MS = 3000;

export const SERVE_USAGE = `Usage: glassbox serve --explainer DIR --predictor-url URL [options]

Serves a saved explainer (glassbox fit adult|sentiment|mnist --out DIR [--method M]) beside a deployed model: the
explainer container of KServe and Seldon. Explanations are answered at POST /v1/models/NAME:explain
(KServe v1), POST /v2/models/NAME/infer (MLServer's explainer runtime), POST /api/v1.0/explain (Seldon) and
POST /explain; health at /v2/health/live and /v2/health/ready, metrics at /metrics. One JSON log line per
request on stdout. SIGTERM or Ctrl-C drains running explanations, then exits 0.

Explainers served: ${SERVABLE_TYPES.join(', ')}. Instances are rows of numbers
in the model's own encoding, texts (AnchorText) or images [H][W][C] (AnchorImage, image counterfactuals;
over v2 also a base64 PNG or JPEG as BYTES); the model is called as a black box with the same instances
([N, features], BYTES [N], [N, H, W, C]), and its v2 metadata must declare an input that fits (else
readiness stays off with the reason). Counterfactuals saved with autodiff gradients are refused at startup.

Every option can also be set by an environment variable (shown); a flag wins over the variable.

Options:
  --explainer DIR            saved explainer folder (see above)                        GLASSBOX_EXPLAINER
  --predictor-url URL        the model's v2 /infer, KServe v1 :predict or Seldon URL   GLASSBOX_PREDICTOR_URL
                             (or grpc://host:port/MODEL: the Open Inference Protocol over gRPC)
  --model-name NAME          name in the explain URLs (default: ${D.modelName})                 GLASSBOX_MODEL_NAME
  --host H                   address to listen on (default ${D.host})                  GLASSBOX_HOST
  --port P                   port (default ${D.port}; 0 picks a free one)                   GLASSBOX_PORT
  --max-concurrent N         explanations at once (default ${D.maxConcurrent})                          GLASSBOX_MAX_CONCURRENT
  --max-queue N              requests waiting beyond those, then 429 (default ${D.maxQueue})      GLASSBOX_MAX_QUEUE
  --explain-timeout-ms MS    time budget of a request, then 504 (default ${D.explainTimeoutMs})        GLASSBOX_EXPLAIN_TIMEOUT_MS
  --body-limit BYTES         largest request body, then 413 (default ${D.bodyLimit})          GLASSBOX_BODY_LIMIT
  --drain-ms MS              after SIGTERM, keep answering 503 this long (default ${SERVE_DRAIN_MS})     GLASSBOX_DRAIN_MS
  --max-coverage-samples N   most coverageSamples a request may ask (default ${D.maxCoverageSamples})  GLASSBOX_MAX_COVERAGE_SAMPLES
  --max-batch-size N         most batchSize a request may ask (default ${D.maxBatchSize})          GLASSBOX_MAX_BATCH_SIZE
  --max-beam-size N          most beamSize a request may ask (default ${D.maxBeamSize})              GLASSBOX_MAX_BEAM_SIZE
  --token-file FILE          require 'Authorization: Bearer TOKEN' to explain          GLASSBOX_TOKEN (the token)
  --predictor-header 'K: V'  header sent to the model (repeatable)
  --log-level L              fatal, error, warn, info (default), debug, trace, silent  GLASSBOX_LOG_LEVEL
  -h, --help                 show this help

KServe's container arguments are accepted too: --model_name NAME, --http_port P, --storage_uri DIR (the
explainer folder), --predictor_host HOST[:PORT] with --predictor_protocol v1|v2|grpc-v2 (default v1) and
--predictor_use_ssl, which make the model URL http://HOST/v1/models/NAME:predict (or /v2/models/NAME/infer,
or grpc://HOST:PORT/NAME),
and --workers N (one process serves; scale with replicas).
`;

type Values = ReturnType<typeof parseServeArgs>['values'];

/** The flags of `glassbox serve`, KServe's container arguments among them. */
export function parseServeArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      explainer: { type: 'string' },
      'predictor-url': { type: 'string' },
      'model-name': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'max-concurrent': { type: 'string' },
      'max-queue': { type: 'string' },
      'explain-timeout-ms': { type: 'string' },
      'body-limit': { type: 'string' },
      'drain-ms': { type: 'string' },
      'max-coverage-samples': { type: 'string' },
      'max-batch-size': { type: 'string' },
      'max-beam-size': { type: 'string' },
      'token-file': { type: 'string' },
      'predictor-header': { type: 'string', multiple: true },
      'log-level': { type: 'string' },
      // KServe's container arguments.
      model_name: { type: 'string' },
      http_port: { type: 'string' },
      storage_uri: { type: 'string' },
      predictor_host: { type: 'string' },
      predictor_protocol: { type: 'string' },
      predictor_use_ssl: { type: 'boolean', default: false },
      workers: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

/**
 * The server's options from the flags, KServe's container arguments and `GLASSBOX_*` environment
 * variables (a flag wins over a variable; a glassbox flag and its KServe twin must agree). The
 * explainer is not loaded here: `explainerDir` names it.
 */
export function serveOptions(
  values: Values,
  env: NodeJS.ProcessEnv,
): Omit<ExplainerServerOptions, 'explainer'> & { explainerDir: string } {
  const pick = (flag: keyof Values, kserve: keyof Values | undefined, variable: string | undefined): string | undefined => {
    const a = values[flag] as string | undefined;
    const b = kserve === undefined ? undefined : (values[kserve] as string | undefined);
    if (a !== undefined && b !== undefined && a !== b) {
      throw new UsageError(`--${flag} is "${a}" but --${kserve} is "${b}"; give one of them, or the same value`);
    }
    const fromEnv = variable === undefined ? undefined : env[variable];
    return a ?? b ?? (fromEnv === '' ? undefined : fromEnv);
  };
  const int = (flag: keyof Values, kserve: keyof Values | undefined, variable: string, min: number, max = Infinity) => {
    const text = pick(flag, kserve, variable);
    const fromFlag = values[flag] !== undefined || (kserve !== undefined && values[kserve] !== undefined);
    try {
      return numberFlag(String(flag), text, { integer: true, min, max });
    } catch (err) {
      if (fromFlag) throw err;
      throw new UsageError(`${variable} is "${text}"; expected an integer ${max < Infinity ? `in [${min}, ${max}]` : `>= ${min}`}`);
    }
  };

  const explainerDir = pick('explainer', 'storage_uri', 'GLASSBOX_EXPLAINER');
  if (explainerDir === undefined) throw new UsageError('--explainer DIR (or GLASSBOX_EXPLAINER, or KServe\'s --storage_uri) is required');
  const modelName = pick('model-name', 'model_name', 'GLASSBOX_MODEL_NAME');
  const url = pick('predictor-url', undefined, 'GLASSBOX_PREDICTOR_URL');
  const host = values.predictor_host;
  if (url !== undefined && host !== undefined) {
    throw new UsageError('--predictor-url and --predictor_host both name the model; give one');
  }
  if (host === undefined && (values.predictor_protocol !== undefined || values.predictor_use_ssl)) {
    throw new UsageError('--predictor_protocol and --predictor_use_ssl go with --predictor_host');
  }
  let predictorUrl: string;
  if (host !== undefined) {
    try {
      predictorUrl = predictorUrlFromHost(host, modelName ?? 'model', values.predictor_protocol ?? 'v1', values.predictor_use_ssl);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  } else if (url !== undefined) predictorUrl = url;
  else throw new UsageError('--predictor-url URL (or GLASSBOX_PREDICTOR_URL, or KServe\'s --predictor_host) is required');

  const logLevel = pick('log-level', undefined, 'GLASSBOX_LOG_LEVEL');
  if (logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new UsageError(`the log level is "${logLevel}"; expected one of ${LOG_LEVELS.join(', ')}`);
  }
  const predictorHeaders: Record<string, string> = {};
  for (const h of values['predictor-header'] ?? []) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new UsageError(`--predictor-header is "${h}"; expected 'Name: value'`);
    predictorHeaders[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
  }
  // A token variable or file that is there but empty must not turn authentication off unnoticed.
  let token = env.GLASSBOX_TOKEN;
  if (token === '') throw new InvalidInputError('GLASSBOX_TOKEN is set but empty; give the token, or unset the variable to serve without one');
  const tokenFile = values['token-file'];
  if (tokenFile !== undefined) {
    try {
      token = readFileSync(tokenFile, 'utf8').trim();
    } catch (err) {
      throw new InvalidInputError(`--token-file ${tokenFile} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    if (token === '') throw new InvalidInputError(`--token-file ${tokenFile} is empty; expected the bearer token`);
  }
  return {
    explainerDir,
    modelName,
    predictorUrl,
    predictorHeaders,
    host: pick('host', undefined, 'GLASSBOX_HOST'),
    port: int('port', 'http_port', 'GLASSBOX_PORT', 0, 65535),
    maxConcurrent: int('max-concurrent', undefined, 'GLASSBOX_MAX_CONCURRENT', 1),
    maxQueue: int('max-queue', undefined, 'GLASSBOX_MAX_QUEUE', 0),
    explainTimeoutMs: int('explain-timeout-ms', undefined, 'GLASSBOX_EXPLAIN_TIMEOUT_MS', 1),
    bodyLimit: int('body-limit', undefined, 'GLASSBOX_BODY_LIMIT', 1),
    drainMs: int('drain-ms', undefined, 'GLASSBOX_DRAIN_MS', 0) ?? SERVE_DRAIN_MS,
    maxCoverageSamples: int('max-coverage-samples', undefined, 'GLASSBOX_MAX_COVERAGE_SAMPLES', 1),
    maxBatchSize: int('max-batch-size', undefined, 'GLASSBOX_MAX_BATCH_SIZE', 1),
    maxBeamSize: int('max-beam-size', undefined, 'GLASSBOX_MAX_BEAM_SIZE', 1),
    token,
    logLevel: logLevel as LogLevel | undefined,
  };
}

/**
 * `glassbox serve`: the explainer server, until SIGTERM or SIGINT (or `stop`), then drained. Exit 0 after
 * a drain; 1 (a typed error) when the explainer cannot be loaded.
 */
export async function serveCommand(argv: string[], io: CliIO, stop?: AbortSignal, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values } = parseServeArgs(argv);
  if (values.help) {
    io.stdout(SERVE_USAGE);
    return 0;
  }
  const { explainerDir, ...options } = serveOptions(values, env);
  const workers = numberFlag('workers', values.workers, { integer: true, min: 1 });
  // The explainer is loaded before listening, so that a missing or broken one fails at start-up, in one
  // line, before anything says "listening"; it calls the model through the server's predictor.
  let serverPredictor: Predictor<number[]> | undefined;
  const loaded = await loadServableExplainer(explainerDir, (rows) => {
    if (serverPredictor === undefined) throw new Error('internal error: the model is called before the server gave its predictor');
    return serverPredictor(rows);
  }, { findEmbeddings: bundledEmbeddings });
  const server = createExplainerServer({
    ...options,
    explainer: (predictor) => {
      serverPredictor = predictor;
      return loaded;
    },
  });
  if (workers !== undefined && workers > 1) {
    server.app.log.warn({ workers }, 'one process serves explanations; --workers is ignored (scale with replicas)');
  }
  const listening = await server.listen();
  const stopped = new Promise<'stop'>((resolve) => {
    const done = () => resolve('stop');
    if (stop) stop.addEventListener('abort', done, { once: true });
    else {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    }
  });
  const outcome = await Promise.race([stopped, listening.ready.then(() => stopped, (err: unknown) => err)]);
  server.app.log.info('draining: running explanations finish, new requests get 503');
  await listening.close();
  if (outcome !== 'stop') throw outcome;
  server.app.log.info('stopped');
  return 0;
}
