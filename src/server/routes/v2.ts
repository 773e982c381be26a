import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jsonErrorBody } from '../../http/error-replies.js';
import { HttpError } from '../../http/http-error.js';
import { checkIntegerValues, requestTensor, V2_NUMERIC_DATATYPES } from '../../http/request-tensors.js';
import { VERSION } from '../../version.js';
import type { InstanceShape } from '../../predictors/remote/instances.js';
import { decodeImageInstance, explainOptions, OPTIONS_SCHEMA, protocolErrorHandler, schemaErrors, type RouteDeps } from './common.js';

const EXPECTED =
  '{"inputs": [{"name", "datatype", "shape": [1, ...], "data": [ONE INSTANCE]}], "parameters"?: {"explain_parameters"?: {explain options}}}';

interface InferBody {
  id?: string;
  inputs: Array<{ name: string; datatype: string; shape: unknown; data: unknown }>;
  parameters?: { explain_parameters?: object };
}

/**
 * The explainer as an Open Inference Protocol model, the way MLServer's alibi-explain runtime serves it
 * (https://github.com/SeldonIO/MLServer/tree/master/runtimes/alibi-explain):
 * - `POST /v2/models/NAME/infer` with the model's own inference request (one input, one instance: a row
 *   `[1, N]`, an image `[1, H, W, C]`, a text as `BYTES` `[1]`, or an image file, base64 PNG or JPEG, as
 *   `BYTES` `[1]`, decoded to the explainer's shape) and the
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
      const shape = deps.state.explainer?.instanceShape;
      return {
        name: deps.modelName,
        platform: 'glassbox',
        inputs: [
          shape === 'string'
            ? { name: 'input-0', datatype: 'BYTES', shape: [1], parameters: { content_type: 'str' } }
            : shape !== undefined && shape.length > 1
              ? { name: 'input-0', datatype: 'FP32', shape: [1, ...shape] }
              : { name: 'input-0', datatype: 'FP64', shape: [1, shape?.[0] ?? -1] },
        ],
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
                    datatype: { type: 'string', enum: [...V2_NUMERIC_DATATYPES, 'BYTES'] },
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
        const instance = v2Instance(req.body.inputs[0], deps.state.explainer?.instanceShape);
        const explanation = await deps.runner.explain(req, reply, instance, explainOptions(req.body.parameters?.explain_parameters));
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

/**
 * The one instance of a v2 input: numbers of shape `[1, ...]` (or `[N]`, one row), flat; or a `BYTES`
 * `[1]` / `[1, 1]` element: the text itself for an explainer of texts, else an image file (base64 PNG or
 * JPEG) decoded to pixels in [0, 1] and checked against the explainer's shape. A 400 otherwise.
 */
function v2Instance(input: InferBody['inputs'][number], shape: InstanceShape | undefined): unknown {
  const what = `input ${JSON.stringify(input.name)}`;
  if (input.datatype === 'BYTES') {
    const data = (input.data as unknown[]).flat();
    const dims = input.shape as number[];
    if (data.length !== 1 || typeof data[0] !== 'string' || dims[0] !== 1 || dims.length > 2 || (dims.length === 2 && dims[1] !== 1)) {
      throw new HttpError(400, `${what} is BYTES of shape ${JSON.stringify(dims)} holding ${data.length} elements; expected shape [1] and one string: the instance to explain`);
    }
    const text = data[0];
    if (shape === undefined || shape === 'string') return text;
    return decodeImageInstance(text, shape, what);
  }
  const tensor = requestTensor(input.data, what, input.shape);
  checkIntegerValues(tensor.values, input.datatype, what);
  const one = tensor.shape.length === 1 || (tensor.shape.length >= 2 && tensor.shape[0] === 1);
  if (!one) {
    throw new HttpError(400, `${what} has shape ${JSON.stringify(tensor.shape)}; expected [1, ...] (or [N] for a row): one instance to explain`);
  }
  return tensor.values;
}

/** `AnchorTabular` → `anchor_tabular`, the explainer type names of MLServer's runtime. */
function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
