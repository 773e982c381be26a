import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { seldonErrorBody } from '../../http/error-replies.js';
import { HttpError } from '../../http/http-error.js';
import { requestTensor } from '../../http/request-tensors.js';
import { explainOptions, OPTIONS_SCHEMA, protocolErrorHandler, schemaErrors, type RouteDeps } from './common.js';

const EXPECTED =
  '{"data": {"names"?: [...], "ndarray": [ONE INSTANCE]}} or {"data": {"tensor": {"shape": [1, ...], "values": [...]}}} or {"strData": "TEXT"}, "parameters"?: {explain options}}';

interface SeldonBody {
  data?: { names?: string[]; ndarray?: unknown[]; tensor?: { shape: unknown; values: unknown } };
  strData?: string;
  parameters?: object;
}

/**
 * Seldon Core v1's explainer endpoint (https://docs.seldon.io/projects/seldon-core/en/latest/analytics/explainers.html):
 * `POST /api/v1.0/explain` with the SeldonMessage the model takes, one instance as `data.ndarray` (a
 * row, a text, or an image's nested arrays), `data.tensor` (`[1, ...]`) or `strData` (a text), → the
 * explanation JSON `{meta, data}`. With `data.names`, the row is read by feature
 * name (in any column order the names give). `parameters` (a glassbox extension) holds explain options.
 * Errors: Seldon's `{"status": {"status": "FAILURE", "info", "reason", "code"}}`.
 */
export function seldonRoutes(deps: RouteDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.setErrorHandler(protocolErrorHandler(seldonErrorBody, deps.bodyLimit));
    app.post<{ Body: SeldonBody }>(
      '/api/v1.0/explain',
      {
        onRequest: deps.authorize,
        schema: {
          body: {
            type: 'object',
            anyOf: [{ required: ['data'] }, { required: ['strData'] }],
            properties: {
              strData: { type: 'string' },
              data: {
                type: 'object',
                properties: {
                  names: { type: 'array', items: { type: 'string' } },
                  ndarray: { type: 'array', minItems: 1, maxItems: 1, items: { type: ['array', 'string'] } },
                  tensor: { type: 'object', required: ['shape', 'values'], properties: { shape: { type: 'array' }, values: { type: 'array' } } },
                },
                oneOf: [{ required: ['ndarray'] }, { required: ['tensor'] }],
              },
              meta: { type: 'object' },
              parameters: OPTIONS_SCHEMA,
            },
            additionalProperties: false,
          },
        },
        schemaErrorFormatter: schemaErrors(EXPECTED, deps.state),
      },
      async (req, reply) => {
        if (req.body.strData !== undefined) {
          if (req.body.data !== undefined) throw new HttpError(400, 'the request has both "data" and "strData"; expected one instance, in one of them');
          return deps.runner.explain(req, reply, req.body.strData, explainOptions(req.body.parameters));
        }
        const { names, ndarray, tensor } = req.body.data!;
        let row: unknown[] | string;
        if (ndarray !== undefined) row = ndarray[0] as unknown[] | string;
        else {
          const t = requestTensor(tensor!.values, 'data.tensor', tensor!.shape);
          if (t.shape.length < 2 || t.shape[0] !== 1) {
            throw new HttpError(400, `data.tensor has shape ${JSON.stringify(t.shape)}; expected [1, ...]: one instance to explain`);
          }
          row = t.values;
        }
        let instance: unknown = row;
        if (names !== undefined && typeof row !== 'string') {
          if (names.length !== row.length) {
            throw new HttpError(400, `data.names has ${names.length} names but the row has ${row.length} values; expected one name per value`);
          }
          instance = Object.fromEntries(names.map((name, i) => [name, row[i]]));
        }
        return deps.runner.explain(req, reply, instance, explainOptions(req.body.parameters));
      },
    );
  };
}
