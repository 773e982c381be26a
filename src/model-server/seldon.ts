import type { FastifyInstance, FastifyRequest } from 'fastify';
import { describeJson } from '../predictors/remote/tensor.js';
import { seldonErrorHandler } from '../http/error-replies.js';
import { HttpError } from '../http/http-error.js';
import { requestObject } from '../http/request-tensors.js';
import type { ServedModel } from './model.js';
import { instancesOf } from './tensors.js';

/**
 * Seldon Core v1's model microservice REST API for one model (what the Python wrapper serves):
 * https://docs.seldon.io/projects/seldon-core/en/latest/reference/apis/internal-api.html
 *
 * - `POST /api/v1.0/predictions` with a SeldonMessage `{"data": {"names"?, "ndarray": [[...]]}}` or
 *   `{"data": {"names"?, "tensor": {"shape": [rows, nFeatures], "values": [...]}}}`; the response mirrors
 *   the encoding, with the class names (`t:0`, `t:1`, ... by default) as `names`.
 * - `GET /api/v1.0/metadata[/NAME]` (model metadata in Seldon's v1 form),
 *   `GET /health/ping` → `pong`, `GET /health/status`.
 * - Errors: an HTTP error status with `{"status": {"status": "FAILURE", "code": -1, "info": "...",
 *   "reason": "MICROSERVICE_BAD_DATA"}}`, as the Python wrapper's SeldonMicroserviceException answers.
 */
export function seldonRoutes(model: ServedModel) {
  return async (app: FastifyInstance): Promise<void> => {
    app.setErrorHandler(seldonErrorHandler);

    const outputNames = (k: number): string[] =>
      model.classNames !== undefined ? [...model.classNames] : Array.from({ length: Math.max(k, 0) }, (_, j) => `t:${j}`);

    app.post('/api/v1.0/predictions', async (req) => {
      const body = requestObject(req.body, 'a SeldonMessage {"data": {"ndarray": [[...], ...]}}');
      const data = body.data;
      if (typeof body.strData === 'string' && model.shape === 'string') {
        // One text: the answer is a SeldonMessage with data.ndarray, as the Python wrapper gives for predict_proba.
        const prediction = await model.predict([body.strData]);
        return { data: { names: outputNames(prediction.k), ndarray: prediction.probabilities }, meta: {} };
      }
      if (data === null || typeof data !== 'object' || Array.isArray(data)) {
        const other = ['strData', 'jsonData', 'binData'].find((k) => body[k] !== undefined);
        throw new HttpError(
          400,
          other !== undefined
            ? `the request carries ${other}; model ${model.name} takes ${model.instanceDescription} per instance as data.ndarray${model.shape === 'string' ? ' or strData' : ' or data.tensor'}`
            : `"data" is ${describeJson(data)}; expected {"ndarray": [[...], ...]} or {"tensor": {"shape", "values"}}`,
        );
      }
      const d = data as Record<string, unknown>;
      if (d.names !== undefined) checkNames(d.names, model);
      let encoding: 'ndarray' | 'tensor';
      let rows: number[][] | string[];
      if (d.ndarray !== undefined) {
        encoding = 'ndarray';
        rows = instancesOf(d.ndarray, model, 'data.ndarray');
      } else if (d.tensor !== undefined) {
        encoding = 'tensor';
        const t = d.tensor as Record<string, unknown>;
        if (t === null || typeof t !== 'object' || t.shape === undefined || t.values === undefined) {
          throw new HttpError(400, `data.tensor is ${describeJson(t)}; expected {"shape": [rows, ${model.nFeatures}], "values": [...]}`);
        }
        if (model.shape === 'string') throw new HttpError(400, `data.tensor carries numbers; model ${model.name} takes texts as data.ndarray or strData`);
        rows = instancesOf(t.values, model, 'data.tensor', t.shape);
      } else {
        throw new HttpError(400, `"data" is ${describeJson(d)}; expected "ndarray" or "tensor" (tftensor is not supported)`);
      }
      const prediction = await model.predict(rows);
      const names = outputNames(prediction.k);
      const out =
        encoding === 'ndarray'
          ? { names, ndarray: prediction.probabilities }
          : { names, tensor: { shape: [rows.length, names.length], values: prediction.flat } };
      return { data: out, meta: {} };
    });

    const metadata = async (req: FastifyRequest<{ Params: { name?: string } }>) => {
      if (req.params.name !== undefined && req.params.name !== model.name) {
        throw new HttpError(404, `model ${JSON.stringify(req.params.name)} not found; this server serves ${JSON.stringify(model.name)}`);
      }
      const k = model.classCount;
      return {
        name: model.name,
        versions: model.version === undefined ? [] : [model.version],
        platform: 'glassbox',
        inputs: [
          {
            messagetype: 'ndarray',
            schema: {
              ...(model.featureNames === undefined ? {} : { names: model.featureNames }),
              ...(model.shape === 'string' ? { dtype: 'str', shape: [1] } : { shape: [...model.shape] }),
            },
          },
        ],
        outputs: [{ messagetype: 'ndarray', schema: { ...(k > 0 ? { names: outputNames(k) } : {}), shape: [k] } }],
      };
    };
    app.get('/api/v1.0/metadata', metadata);
    app.get('/api/v1.0/metadata/:name', metadata);
    app.get('/health/ping', async (_req, reply) => reply.type('text/plain').send('pong'));
    app.get('/health/status', async () => ({ status: { status: 'SUCCESS', code: 200, info: `model ${model.name} is ready` } }));
  };
}

/** Seldon `names`, when sent, must be the model's feature names in order. */
function checkNames(names: unknown, model: ServedModel): void {
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) {
    throw new HttpError(400, `data.names is ${describeJson(names)}; expected an array of feature names`);
  }
  if (model.featureNames === undefined) {
    if (names.length !== model.nFeatures) {
      throw new HttpError(400, `data.names has ${names.length} names; model ${model.name} has ${model.nFeatures} features`);
    }
    return;
  }
  const expected = model.featureNames;
  if (names.length !== expected.length || names.some((n, i) => n !== expected[i])) {
    throw new HttpError(
      400,
      `data.names is ${JSON.stringify(names)}; model ${model.name} takes the features ${JSON.stringify(expected)} in this order`,
    );
  }
}
