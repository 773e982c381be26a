import type { FastifyError, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { errorStatus } from '../../http/error-replies.js';
import { HttpError } from '../../http/http-error.js';
import { decodeImage } from '../../image/codecs.js';
import type { Image } from '../../image/image.js';
import { redactUrls } from '../../predictors/remote/credentials.js';
import type { ExplanationRunner } from '../explanation-runner.js';
import { recordError } from '../request-log.js';
import type { ServerState } from '../state.js';

/** What every protocol's routes need. */
export interface RouteDeps {
  modelName: string;
  state: ServerState;
  runner: ExplanationRunner;
  /** The bearer-token check for explain routes (a no-op without a token). */
  authorize: onRequestHookHandler;
  bodyLimit: number;
}

/**
 * A JSON-schema object for an instance: a row (an array of values, or an object keyed by feature name), a
 * text (a string) or an image (nested arrays); the runner checks its kind and the explainer its values.
 */
export const INSTANCE_SCHEMA = { type: ['array', 'object', 'string'] } as const;

/** Explain options: an object whose names and values the explainer checks. */
export const OPTIONS_SCHEMA = { type: 'object' } as const;

interface SchemaError {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

/**
 * A fastify `schemaErrorFormatter` whose message says what failed (`body/instances must NOT have more
 * than 1 items`) and what the route expects, with the explainer's description of an instance.
 */
export function schemaErrors(expected: string, state: ServerState) {
  return (errors: SchemaError[], dataVar: string): Error => {
    const e = errors[0];
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (${JSON.stringify(e.params.additionalProperty)})`
        : e.keyword === 'enum'
          ? ` (${JSON.stringify(e.params.allowedValues)})`
          : '';
    const instance = state.explainer === undefined ? '' : `, where an instance is ${state.explainer.instanceDescription}`;
    return new HttpError(400, `${dataVar}${e.instancePath} ${e.message ?? 'is invalid'}${extra}; expected ${expected}${instance}`);
  };
}

/**
 * An error handler answering in a protocol's error body: the error's own message for 4xx and for the
 * explanation failures the runner reports; for anything unexpected, a 500 that names the request id,
 * with the details (and stack) in the server log only. A body over the limit is a 413 that names it.
 * The message also goes into the request's log line (see `installRequestLog`).
 */
export function protocolErrorHandler(body: (status: number, message: string) => unknown, bodyLimit: number) {
  return (err: FastifyError | (Error & { statusCode?: number }), req: FastifyRequest, reply: FastifyReply) => {
    const status = errorStatus(err);
    let message = redactUrls(err.message);
    if ((err as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      message = `the request body is larger than the limit of ${bodyLimit} bytes (bodyLimit)`;
    } else if (status >= 500 && !(err instanceof HttpError)) {
      message = `internal error; the server log has the details under request id ${req.id}`;
    }
    if (status >= 500 && !(err instanceof HttpError)) req.log.error({ err }, 'request failed');
    recordError(req, message);
    return reply.code(status).send(body(status, message));
  };
}

/** Explain options from a request's parameters object (absent: none). */
export function explainOptions(parameters: unknown): Record<string, unknown> {
  return (parameters ?? {}) as Record<string, unknown>;
}

/**
 * An image file sent as an instance (base64 PNG or JPEG: a v2 `BYTES` element, or TF Serving's
 * `{"b64": "..."}`), decoded to pixels in [0, 1], flat HWC, and checked against the explainer's
 * `[h, w, c]`. A 400 otherwise.
 */
export function decodeImageInstance(base64: string, shape: readonly number[], what: string): Float32Array {
  if (shape.length !== 3) throw new HttpError(400, `${what} is an encoded image or a text, but the explainer's instances are rows of ${shape.join('x')} numbers`);
  let image: Image;
  try {
    image = decodeImage(Buffer.from(base64, 'base64'), `${what} (base64)`);
  } catch (err) {
    throw new HttpError(400, `${what} is not a base64 PNG or JPEG image: ${(err as Error).message}`);
  }
  if (image.height !== shape[0] || image.width !== shape[1] || image.channels !== shape[2]) {
    throw new HttpError(400, `${what} decodes to an image of shape [${image.height}, ${image.width}, ${image.channels}]; expected [${shape.join(', ')}]`);
  }
  return image.data;
}
