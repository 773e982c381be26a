import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { REQUEST_ID_HEADER } from './context.js';
import type { ExplanationRunner } from './explanation-runner.js';

/** Request ids taken from clients: printable, short, no separators that could forge log fields. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id: the client's `x-request-id` when it is a sane one, else a fresh UUID. */
export function requestId(req: IncomingMessage): string {
  const sent = req.headers[REQUEST_ID_HEADER];
  return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
}

/** The message each failed request was answered with, for its log line. */
const answeredErrors = new WeakMap<FastifyRequest, string>();

/** Records the error message `req` is answered with. */
export function recordError(req: FastifyRequest, message: string): void {
  answeredErrors.set(req, message);
}

/** Probes and scrapes, logged at debug level so that they do not drown the requests. */
const QUIET_ROUTES = new Set(['/v2/health/live', '/v2/health/ready', '/metrics']);

/**
 * One JSON log line per request, when it has been answered: the request id (also sent back as
 * `x-request-id`, and to the model), method, URL, route, status, duration, and for explanations the
 * model calls, rows and milliseconds spent in the model; for failures, the error message answered.
 */
export function installRequestLog(app: FastifyInstance, runner: ExplanationRunner): void {
  app.addHook('onRequest', async (req, reply) => {
    reply.header(REQUEST_ID_HEADER, req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url;
    const context = runner.contextOf(req);
    const error = answeredErrors.get(req);
    const line = {
      method: req.method,
      url: req.url,
      route: route ?? null,
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
      ...(context === undefined
        ? {}
        : { modelCalls: context.model.calls, modelRows: context.model.rows, modelMs: Math.round(context.model.seconds * 10_000) / 10 }),
      ...(error === undefined ? {} : { error }),
    };
    if (route !== undefined && QUIET_ROUTES.has(route)) req.log.debug(line, 'request');
    else req.log.info(line, 'request');
  });
}
