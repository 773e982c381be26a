import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jsonErrorBody } from '../../http/error-replies.js';
import { explainOptions, INSTANCE_SCHEMA, OPTIONS_SCHEMA, protocolErrorHandler, schemaErrors, type RouteDeps } from './common.js';

const EXPECTED = '{"instance": INSTANCE, "parameters"?: {explain options}}';

/**
 * `POST /explain` with `{"instance": row, "parameters"?: {...}}` → the explanation JSON `{meta, data}`,
 * without any protocol's wrapping (as MLServer's explainer runtime offers beside its v2 endpoint).
 * Errors: `{"error": "..."}`.
 */
export function plainRoutes(deps: RouteDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.setErrorHandler(protocolErrorHandler((_status, message) => jsonErrorBody(message), deps.bodyLimit));
    app.post<{ Body: { instance: unknown; parameters?: object } }>(
      '/explain',
      {
        onRequest: deps.authorize,
        schema: {
          body: {
            type: 'object',
            required: ['instance'],
            additionalProperties: false,
            properties: { instance: INSTANCE_SCHEMA, parameters: OPTIONS_SCHEMA },
          },
        },
        schemaErrorFormatter: schemaErrors(EXPECTED, deps.state),
      },
      async (req, reply) =>
        deps.runner.explain(req, reply, req.body.instance, explainOptions(req.body.parameters)),
    );
  };
}
