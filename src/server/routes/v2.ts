import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jsonErrorBody } from '../../http/error-replies.js';
import { HttpError } from '../../http/http-error.js';
import { checkIntegerValues, requestTensor, V2_NUMERIC_DATATYPES } from '../../http/request-tensors.js';
import { VERSION } from '../../version.js';
import { explainOptions, OPTIONS_SCHEMA, protocolErrorHandler, schemaErrors, type RouteDeps } from './common.js';

const EXPECTED =
  '{"inputs": [{"name", "datatype", "shape": [1, N], "data": [ONE ROW]}], "parameters"?: {"explain_parameters"?: {explain options}}}';

interface InferBody {
  id?: string;
  inputs: Array<{ name: string; datatype: string; shape: unknown; data: unknown }>;
  parameters?: { explain_parameters?: object };
}

/**
 * The explainer as an Open Inference Protocol model, the way MLServer's alibi-explain runtime serves it
 * (https://github.com/SeldonIO/MLServer/tree/master/runtimes/alibi-explain):
 * - `POST /v2/models/NAME/infer` with the model's own inference request (one input, one row) and the
 *   explain options in `parameters.explain_parameters` → one output named `explanation`, datatype
 *   BYTES, shape [1, 1], whose `data[0]` is the explanation JSON as a string, with MLServer's
 *   `x-seldon-alibi-type` / `x-seldon-alibi-method` headers in the response parameters.
 * - `GET /v2/models/NAME` (metadata), `GET /v2/models/NAME/ready`, `GET /v2` (server metadata).
 * - Errors: `{"error": "..."}`.
 */
export function v2Routes(deps: RouteDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.setErrorHandler(protocolErrorHandler((_status, message) => jsonErrorBody(message), deps.bodyLimit));
    const lookup = (name: string) => {
      if (name !== deps.modelName) {
        throw new HttpError(404, `model ${JSON.stringify(name)} not found; this server explains ${JSON.stringify(deps.modelName)}`);
      }
    };
    type Named = FastifyRequest<{ Params: { name: string } }>;

    app.get('/v2', async () => ({ name: 'glassbox', version: VERSION, extensions: [] }));
    app.get('/v2/models/:name', async (req: Named) => {
      lookup(req.params.name);
      return {
        name: deps.modelName,
        platform: 'glassbox',
        inputs: [{ name: 'input-0', datatype: 'FP64', shape: [1, -1] }],
        outputs: [{ name: 'explanation', datatype: 'BYTES', shape: [1, 1], parameters: { content_type: 'str' } }],
      };
    });
    app.get('/v2/models/:name/ready', async (req: Named, reply: FastifyReply) => {
      lookup(req.params.name);
      const ready = deps.state.phase === 'ready';
      return reply.code(ready ? 200 : 503).send({ name: deps.modelName, ready });
    });

    app.post<{ Body: InferBody }>(
      '/v2/models/:name/infer',
      {
        onRequest: deps.authorize,
        preValidation: async (req: FastifyRequest) => lookup((req.params as { name: string }).name),
        schema: {
          body: {
            type: 'object',
            required: ['inputs'],
            properties: {
              id: { type: 'string' },
              inputs: {
                type: 'array',
                minItems: 1,
                maxItems: 1,
                items: {
                  type: 'object',
                  required: ['name', 'datatype', 'shape', 'data'],
                  properties: {
                    name: { type: 'string' },
                    datatype: { type: 'string', enum: [...V2_NUMERIC_DATATYPES] },
                    shape: { type: 'array', items: { type: 'integer', minimum: 0 } },
                    data: { type: 'array' },
                    parameters: { type: 'object' },
                  },
                },
              },
              outputs: { type: 'array' },
              parameters: { type: 'object', properties: { explain_parameters: OPTIONS_SCHEMA } },
            },
            additionalProperties: false,
          },
        },
        schemaErrorFormatter: schemaErrors(EXPECTED, deps.state),
      },
      async (req, reply) => {
        const input = req.body.inputs[0];
        const what = `input ${JSON.stringify(input.name)}`;
        const tensor = requestTensor(input.data, what, input.shape);
        checkIntegerValues(tensor.values, input.datatype, what);
        const rows = tensor.shape.length === 2 ? tensor.shape[0] : tensor.shape.length === 1 ? 1 : -1;
        if (rows !== 1) {
          throw new HttpError(400, `${what} has shape ${JSON.stringify(tensor.shape)}; expected [1, N] (or [N]): one row to explain`);
        }
        const explanation = await deps.runner.explain(req, reply, tensor.values, explainOptions(req.body.parameters?.explain_parameters));
        return {
          model_name: deps.modelName,
          ...(req.body.id === undefined ? {} : { id: req.body.id }),
          parameters: {
            content_type: 'str',
            headers: { 'x-seldon-alibi-type': 'explanation', 'x-seldon-alibi-method': snakeCase(explanation.meta.name) },
          },
          outputs: [
            { name: 'explanation', shape: [1, 1], datatype: 'BYTES', parameters: { content_type: 'str' }, data: [JSON.stringify(explanation)] },
          ],
        };
      },
    );
  };
}

/** `AnchorTabular` → `anchor_tabular`, the explainer type names of MLServer's runtime. */
function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
