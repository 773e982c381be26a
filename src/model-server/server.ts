import Fastify, { type FastifyInstance } from 'fastify';
import { InvalidInputError } from '../core/errors.js';
import { describe } from '../predictors/remote/options.js';
import { kserveV1Routes } from './kserve-v1.js';
import { jsonErrorHandler } from '../http/error-replies.js';
import { acceptJsonBodies } from '../http/json-body.js';
import { listenOn, listeningUrl } from '../http/listening-url.js';
import { MODEL_SERVER_DEFAULTS, ServedModel, type ModelServerOptions } from './model.js';
import { seldonRoutes } from './seldon.js';
import { v2Routes } from './v2.js';

/** A model server that is listening. */
export interface ListeningModelServer {
  /** The base URL, e.g. `http://127.0.0.1:8000` (no trailing slash). */
  url: string;
  host: string;
  port: number;
  /** Stops accepting connections, closes idle ones, and resolves when in-flight requests are done. */
  close(): Promise<void>;
}

/** A running demo model server ({@link createModelServer}): the fastify app, and how to listen and close. */
export interface ModelServer {
  /** The fastify app, for `app.inject()` in tests without a socket. */
  readonly app: FastifyInstance;
  /** Starts listening on the configured host and port (default 127.0.0.1:8080). */
  listen(): Promise<ListeningModelServer>;
}

/**
 * Serves one classifier over the three JSON prediction protocols on one port, so that remote explanation
 * can be tried without a cluster: the Open Inference Protocol (`/v2/...`), KServe v1 (`/v1/models/...`)
 * and Seldon Core v1 (`/api/v1.0/...`, `/health/...`), each with its metadata, health and error format.
 * `GET /` lists the endpoints.
 *
 * @throws InvalidInputError for a bad option.
 */
export function createModelServer(options: ModelServerOptions): ModelServer {
  const model = new ServedModel(options);
  const host = options.host ?? MODEL_SERVER_DEFAULTS.host;
  const port = options.port ?? MODEL_SERVER_DEFAULTS.port;
  const bodyLimit = options.bodyLimit ?? MODEL_SERVER_DEFAULTS.bodyLimit;
  if (typeof host !== 'string' || host.length === 0) throw new InvalidInputError(`host is ${describe(host)}; expected a host name or address`);
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidInputError(`port is ${describe(port)}; expected an integer 0..65535 (0 picks a free port)`);
  }
  if (typeof bodyLimit !== 'number' || !Number.isInteger(bodyLimit) || bodyLimit < 1) {
    throw new InvalidInputError(`bodyLimit is ${describe(bodyLimit)}; expected a positive integer number of bytes`);
  }

  const app = Fastify({ logger: options.logger ?? MODEL_SERVER_DEFAULTS.logger, bodyLimit });
  acceptJsonBodies(app);
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: `no endpoint ${req.method} ${req.url}; GET / lists this server's endpoints` }),
  );
  app.setErrorHandler(jsonErrorHandler);

  const base = (m: ServedModel) => `/v2/models/${m.name}${m.version === undefined ? '' : `[/versions/${m.version}]`}`;
  app.get('/', async () => ({
    name: 'glassbox model server',
    model: model.name,
    endpoints: {
      v2: [
        'GET /v2/health/live',
        'GET /v2/health/ready',
        'GET /v2',
        `GET ${base(model)}`,
        `GET ${base(model)}/ready`,
        `POST ${base(model)}/infer`,
      ],
      'kserve-v1': ['GET /v1/models', `GET /v1/models/${model.name}`, `POST /v1/models/${model.name}:predict`],
      seldon: ['POST /api/v1.0/predictions', 'GET /api/v1.0/metadata', 'GET /health/ping', 'GET /health/status'],
    },
  }));
  app.register(v2Routes(model));
  app.register(kserveV1Routes(model));
  app.register(seldonRoutes(model));

  return {
    app,
    async listen(): Promise<ListeningModelServer> {
      await listenOn(app, host, port);
      const { url, port: bound } = listeningUrl(app, host);
      return { url, host, port: bound, close: () => app.close() };
    },
  };
}
