import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The error bodies of the prediction protocols, for fastify error handlers. The status is the error's
 * `statusCode` (an {@link HttpError}, or fastify's own 400/413/415) or 500; the message is the error's
 * own, and never a stack trace.
 */

type HandledError = Error & { statusCode?: number };

/** The HTTP status an error is answered with. */
export function errorStatus(err: HandledError): number {
  const status = err.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

/**
 * Open Inference Protocol, KServe v1 and TF Serving: `{"error": "..."}`
 * (https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md#error-response-json-object).
 */
export function jsonErrorBody(message: string): { error: string } {
  return { error: message };
}

/**
 * Seldon Core v1: `{"status": {"status": "FAILURE", "code": -1, "info": "...", "reason": "..."}}`, as the
 * Python wrapper's SeldonMicroserviceException answers (MICROSERVICE_BAD_DATA for 4xx).
 */
export function seldonErrorBody(status: number, message: string) {
  return {
    status: {
      status: 'FAILURE',
      code: -1,
      info: message,
      reason: status >= 500 ? 'MICROSERVICE_INTERNAL_ERROR' : 'MICROSERVICE_BAD_DATA',
    },
  };
}

/** An error handler answering `{"error": "..."}`. */
export function jsonErrorHandler(err: FastifyError | HandledError, _req: FastifyRequest, reply: FastifyReply) {
  return reply.code(errorStatus(err)).send(jsonErrorBody(err.message));
}

/** An error handler answering Seldon's failure status. */
export function seldonErrorHandler(err: FastifyError | HandledError, _req: FastifyRequest, reply: FastifyReply) {
  const status = errorStatus(err);
  return reply.code(status).send(seldonErrorBody(status, err.message));
}
