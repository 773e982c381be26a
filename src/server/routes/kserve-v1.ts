import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jsonErrorBody } from '../../http/error-replies.js';
import { HttpError } from '../../http/http-error.js';
import { decodeImageInstance, explainOptions, INSTANCE_SCHEMA, OPTIONS_SCHEMA, protocolErrorHandler, schemaErrors, type RouteDeps } from './common.js';

const EXPECTED = '{"instances": [ONE INSTANCE], "parameters"?: {explain options}}';

/**
 * KServe v1's explain endpoint, as KServe's explainer containers answer it
 * (https://kserve.github.io/website/latest/modelserving/data_plane/v1_protocol/):
 * - `POST /v1/models/NAME:explain` with `{"instances": [row]}` → the explanation JSON `{meta, data}`.
 *   One instance per request (KServe's Alibi explainer explains only the first; here more is a 400): a
 *   row, a text, an image's nested arrays, or for an image explainer `{"b64": "..."}` (TF Serving's
 *   encoded binary input: a base64 PNG or JPEG).
 *   `parameters` (a glassbox extension) holds explain options such as `{"threshold": 0.9}`.
 * - `GET /v1/models/NAME` → `{"name", "ready"}` (503 while not ready).
 * - Errors: `{"error": "..."}`.
 *
 * fastify cannot route `/v1/models/:name:explain`, so one route takes `NAME:VERB` and splits it on the
 * last ':'.
 */
export function kserveV1Routes(deps: RouteDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.setErrorHandler(protocolErrorHandler((_status, message) => jsonErrorBody(message), deps.bodyLimit));
    const split = (nameAndVerb: string) => {
      const colon = nameAndVerb.lastIndexOf(':');
      const name = colon < 0 ? nameAndVerb : nameAndVerb.slice(0, colon);
      if (name !== deps.modelName) {
        throw new HttpError(404, `model ${JSON.stringify(name)} not found; this server explains ${JSON.stringify(deps.modelName)}`);
      }
      return colon < 0 ? '' : nameAndVerb.slice(colon + 1);
    };

    app.get('/v1/models/:nameAndVerb', async (req: FastifyRequest<{ Params: { nameAndVerb: string } }>, reply: FastifyReply) => {
      if (split(req.params.nameAndVerb) !== '') {
        throw new HttpError(405, `GET ${req.url}: :explain takes POST; GET /v1/models/${deps.modelName} reads the explainer's status`);
      }
      const ready = deps.state.phase === 'ready';
      return reply.code(ready ? 200 : 503).send({ name: deps.modelName, ready });
    });

    app.post<{ Body: { instances: unknown[]; parameters?: object } }>(
      '/v1/models/:nameAndVerb',
      {
        onRequest: deps.authorize,
        schema: {
          body: {
            type: 'object',
            required: ['instances'],
            additionalProperties: false,
            properties: { instances: { type: 'array', minItems: 1, maxItems: 1, items: INSTANCE_SCHEMA }, parameters: OPTIONS_SCHEMA },
          },
        },
        schemaErrorFormatter: schemaErrors(EXPECTED, deps.state),
        // The verb is checked before the body, so that a :predict gets its 404 whatever it sends.
        preValidation: async (req: FastifyRequest) => {
          const verb = split((req.params as { nameAndVerb: string }).nameAndVerb);
          if (verb !== 'explain') {
            throw new HttpError(
              404,
              `POST ${req.url}: ${verb === '' ? 'no verb' : `no :${verb} verb`} here; this explainer answers POST /v1/models/${deps.modelName}:explain ` +
                '(predictions come from the model itself)',
            );
          }
        },
      },
      async (req, reply) => {
        let instance = req.body.instances[0];
        // TF Serving's encoded binary instance: {"b64": "..."}, an image file for an image explainer.
        const shape = deps.state.explainer?.instanceShape;
        const b64 = instance !== null && typeof instance === 'object' && !Array.isArray(instance) ? (instance as { b64?: unknown }).b64 : undefined;
        if (typeof b64 === 'string' && Object.keys(instance as object).length === 1 && Array.isArray(shape) && shape.length === 3) {
          instance = decodeImageInstance(b64, shape, 'instances[0].b64');
        }
        return deps.runner.explain(req, reply, instance, explainOptions(req.body.parameters));
      },
    );
  };
}
