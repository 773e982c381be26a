import type { FastifyInstance, FastifyRequest } from 'fastify';
import { describeJson } from '../predictors/remote/tensor.js';
import { jsonErrorHandler } from '../http/error-replies.js';
import { HttpError } from '../http/http-error.js';
import { requestObject } from '../http/request-tensors.js';
import type { ServedModel } from './model.js';
import { instancesOf } from './tensors.js';

/**
 * KServe v1 (the TensorFlow Serving REST API) for one model:
 * https://kserve.github.io/website/latest/modelserving/data_plane/v1_protocol/
 *
 * - `GET /v1/models` → `{"models": [NAME]}`; `GET /v1/models/NAME` → `{"name": NAME, "ready": true}`
 * - `POST /v1/models/NAME:predict` with `{"instances": [[...], ...]}` (texts: `["...", ...]`; arrays:
 *   one nested `[h][w][c]` array per instance) (or TF Serving's columnar
 *   `{"inputs": [[...], ...]}` for a single input) → `{"predictions": [[p0, p1, ...], ...]}`.
 * - Errors: an HTTP error status with `{"error": "..."}`.
 *
 * fastify cannot route `/v1/models/:name:predict` (the colon would start a second parameter), so one
 * route takes `NAME:VERB` and splits it on the last ':'.
 */
export function kserveV1Routes(model: ServedModel) {
  return async (app: FastifyInstance): Promise<void> => {
    app.setErrorHandler(jsonErrorHandler);

    const lookup = (name: string): ServedModel => {
      if (name !== model.name) {
        throw new HttpError(404, `model ${JSON.stringify(name)} not found; this server serves ${JSON.stringify(model.name)}`);
      }
      return model;
    };

    app.get('/v1/models', async () => ({ models: [model.name] }));

    app.get('/v1/models/:nameAndVerb', async (req: FastifyRequest<{ Params: { nameAndVerb: string } }>) => {
      const { nameAndVerb } = req.params;
      if (nameAndVerb.includes(':')) {
        throw new HttpError(405, `GET ${req.url}: the :verb endpoints take POST; GET /v1/models/NAME reads the model's status`);
      }
      return { name: lookup(nameAndVerb).name, ready: true };
    });

    app.post('/v1/models/:nameAndVerb', async (req: FastifyRequest<{ Params: { nameAndVerb: string } }>) => {
      const { nameAndVerb } = req.params;
      const colon = nameAndVerb.lastIndexOf(':');
      const name = colon < 0 ? nameAndVerb : nameAndVerb.slice(0, colon);
      const verb = colon < 0 ? '' : nameAndVerb.slice(colon + 1);
      const m = lookup(name);
      if (verb !== 'predict') {
        throw new HttpError(
          404,
          `POST /v1/models/${nameAndVerb}: ${verb === '' ? 'no verb' : `no :${verb} verb`} here; this server answers POST /v1/models/${m.name}:predict`,
        );
      }
      const body = requestObject(req.body, '{"instances": [[...], ...]}');
      const key = body.instances !== undefined ? 'instances' : body.inputs !== undefined ? 'inputs' : undefined;
      if (key === undefined) {
        throw new HttpError(400, `the request has neither "instances" nor "inputs" (it is ${describeJson(body)}); expected {"instances": [[...], ...]}`);
      }
      const instances = body[key];
      if (!Array.isArray(instances)) throw new HttpError(400, `"${key}" is ${describeJson(instances)}; expected an array of rows`);
      const rows = instancesOf(instances, m, `"${key}"`);
      const prediction = await m.predict(rows);
      return { predictions: prediction.probabilities };
    });
  };
}
