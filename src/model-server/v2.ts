import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { VERSION } from '../version.js';
import { describeJson, ResponseShapeError } from '../predictors/remote/tensor.js';
import { BINARY_TENSOR_EXTENSION, fromBinary, toBinary, wantsBinaryOutputs } from '../predictors/remote/protocols/v2-binary.js';
import { jsonErrorHandler } from '../http/error-replies.js';
import { HttpError } from '../http/http-error.js';
import { checkIntegerValues, requestObject, V2_NUMERIC_DATATYPES } from '../http/request-tensors.js';
import type { ServedModel, ServedPrediction } from './model.js';
import { instancesOf } from './tensors.js';

/**
 * The Open Inference Protocol (KServe V2) REST endpoints for one model:
 * https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md
 *
 * - `GET /v2/health/live`, `GET /v2/health/ready`, `GET /v2/models/NAME[/versions/V]/ready`
 * - `GET /v2` (server metadata), `GET /v2/models/NAME[/versions/V]` (model metadata)
 * - `POST /v2/models/NAME[/versions/V]/infer`: one input tensor `[rows, nFeatures]` of any numeric
 *   datatype, flat or nested (`[N, ...inputShape]` for an array model, `BYTES` `[N]` or `[N, 1]` for a
 *   text model, as its metadata declares); outputs `predict_proba` (FP64 `[rows, classes]`, the default) and/or
 *   `predict` (INT64 labels `[rows, 1]`) as named in the request's `outputs`.
 * - Errors: an HTTP error status with `{"error": "..."}` (400 for a bad request, 404 for an unknown model).
 */

export const V2_INPUT_NAME = 'input-0';
export const V2_OUTPUTS = ['predict_proba', 'predict'] as const;

interface ModelParams {
  name: string;
  version?: string;
}

export function v2Routes(model: ServedModel) {
  return async (app: FastifyInstance): Promise<void> => {
    app.setErrorHandler(jsonErrorHandler);
    // The binary tensor data extension: a JSON header and raw tensor bytes.
    app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    const lookup = (params: ModelParams): ServedModel => lookupModel(model, params);

    app.get('/v2/health/live', async () => ({ live: true }));
    app.get('/v2/health/ready', async () => ({ ready: true }));
    app.get('/v2', async () => ({ name: 'glassbox', version: VERSION, extensions: [BINARY_TENSOR_EXTENSION] }));

    const metadata = async (req: FastifyRequest<{ Params: ModelParams }>) => modelMetadata(lookup(req.params));
    const ready = async (req: FastifyRequest<{ Params: ModelParams }>) => ({ name: lookup(req.params).name, ready: true });
    const infer = async (req: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply) => {
      const m = lookup(req.params);
      const body = Buffer.isBuffer(req.body) ? binaryRequestBody(req.body, req.headers['inference-header-content-length']) : req.body;
      const { rows, outputs, id } = parseInferRequest(body, m);
      const prediction = await m.predict(rows);
      const response = {
        model_name: m.name,
        ...(m.version === undefined ? {} : { model_version: m.version }),
        ...(id === undefined ? {} : { id }),
        parameters: {},
        outputs: outputTensors(m, outputs, prediction, rows.length),
      };
      if (!wantsBinaryOutputs(body as Record<string, unknown>)) return reply.send(response);
      const { body: bytes, headerLength } = toBinary(response, 'outputs');
      return reply.header('Inference-Header-Content-Length', String(headerLength)).type('application/octet-stream').send(bytes);
    };

    for (const prefix of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
      app.get(prefix, metadata);
      app.get(`${prefix}/ready`, ready);
      app.post(`${prefix}/infer`, infer);
    }
  };
}

/** A binary-extension request body as the JSON request, each binary input's `data` read from its bytes; a 400 otherwise. */
function binaryRequestBody(bytes: Buffer, headerLength: unknown): Record<string, unknown> {
  const length = Number(headerLength);
  if (headerLength === undefined || !Number.isInteger(length) || length < 0 || length > bytes.length) {
    throw new HttpError(
      400,
      `an application/octet-stream body needs Inference-Header-Content-Length, the length of its JSON header (at most ${bytes.length}); got ${describeJson(headerLength)}`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(bytes.subarray(0, length).toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `the JSON header of the binary request is not valid JSON: ${(err as Error).message}`);
  }
  try {
    return fromBinary(header, 'inputs', bytes.subarray(length));
  } catch (err) {
    if (err instanceof ResponseShapeError) throw new HttpError(400, err.message);
    throw err;
  }
}

/** The model for these path parameters (a version of undefined asks for any), or a 404. */
export function lookupModel(model: ServedModel, params: ModelParams): ServedModel {
  if (params.name !== model.name) {
    throw new HttpError(404, `model ${JSON.stringify(params.name)} not found; this server serves ${JSON.stringify(model.name)}`);
  }
  if (params.version !== undefined && params.version !== model.version) {
    throw new HttpError(
      404,
      `version ${JSON.stringify(params.version)} of model ${JSON.stringify(model.name)} not found; ` +
        (model.version === undefined ? 'the model has no versions' : `its version is ${JSON.stringify(model.version)}`),
    );
  }
  return model;
}

/** The model metadata document (REST `GET /v2/models/NAME`, gRPC `ModelMetadata`). */
export function modelMetadata(m: ServedModel) {
  return {
    name: m.name,
    ...(m.version === undefined ? {} : { versions: [m.version] }),
    platform: 'glassbox',
    inputs: [
      m.shape === 'string'
        ? { name: V2_INPUT_NAME, datatype: 'BYTES', shape: [-1], parameters: { content_type: 'str' } }
        : { name: V2_INPUT_NAME, datatype: m.shape.length === 1 ? 'FP64' : 'FP32', shape: [-1, ...m.shape] },
    ],
    outputs: [
      { name: 'predict_proba', datatype: 'FP64', shape: [-1, m.classCount] },
      { name: 'predict', datatype: 'INT64', shape: [-1, 1] },
    ],
  };
}

/** The output tensors named in `outputs` for a prediction of `n` rows. */
export function outputTensors(m: ServedModel, outputs: readonly string[], prediction: ServedPrediction, n: number) {
  return outputs.map((name) =>
    name === 'predict'
      ? { name, datatype: 'INT64', shape: [n, 1], data: prediction.labels }
      : { name, datatype: 'FP64', shape: [n, n === 0 ? Math.max(m.classCount, 0) : prediction.k], data: prediction.flat },
  );
}

/** Reads a v2 inference request: its one input as rows, the outputs asked for, and the request id. */
export function parseInferRequest(
  body: unknown,
  model: ServedModel,
): { rows: number[][] | string[]; outputs: string[]; id: string | undefined } {
  const req = requestObject(body, 'an inference request {"inputs": [{"name", "shape", "datatype", "data"}]}');
  const inputs = req.inputs;
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new HttpError(400, `"inputs" is ${describeJson(inputs)}; expected an array with one input tensor`);
  }
  if (inputs.length !== 1) {
    throw new HttpError(400, `the request has ${inputs.length} inputs; model ${model.name} takes one tensor of ${model.instanceDescription} per instance`);
  }
  const input = inputs[0] as Record<string, unknown>;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new HttpError(400, `inputs[0] is ${describeJson(input)}; expected {"name", "shape", "datatype", "data"}`);
  }
  if (typeof input.name !== 'string') throw new HttpError(400, `inputs[0].name is ${describeJson(input.name)}; expected a string`);
  const what = `input ${JSON.stringify(input.name)}`;
  const texts = model.shape === 'string';
  if (texts ? input.datatype !== 'BYTES' : typeof input.datatype !== 'string' || !V2_NUMERIC_DATATYPES.has(input.datatype)) {
    throw new HttpError(
      400,
      `${what} has datatype ${describeJson(input.datatype)}; expected ${texts ? 'BYTES (texts)' : 'a numeric datatype (FP32, FP64, INT64, ...)'}`,
    );
  }
  if (input.shape === undefined) throw new HttpError(400, `${what} has no "shape"; expected [N${texts ? '' : `, ${(model.shape as number[]).join(', ')}`}]`);
  if (input.data === undefined) throw new HttpError(400, `${what} has no "data"`);
  const rows = instancesOf(input.data, model, what, input.shape);
  if (!texts && (input.datatype as string).includes('INT')) checkIntegerValues((rows as number[][]).flat(), input.datatype as string, what);

  let outputs: string[] = ['predict_proba'];
  if (req.outputs !== undefined) {
    if (!Array.isArray(req.outputs)) throw new HttpError(400, `"outputs" is ${describeJson(req.outputs)}; expected an array of {"name"}`);
    outputs = req.outputs.map((o: unknown, i: number) => {
      const name = o !== null && typeof o === 'object' ? (o as { name?: unknown }).name : undefined;
      if (typeof name !== 'string' || !(V2_OUTPUTS as readonly string[]).includes(name)) {
        throw new HttpError(
          400,
          `outputs[${i}] asks for ${describeJson(name)}; model ${model.name} has the outputs ${V2_OUTPUTS.map((n) => JSON.stringify(n)).join(', ')}`,
        );
      }
      return name;
    });
    if (outputs.length === 0) outputs = ['predict_proba'];
  }
  const id = typeof req.id === 'string' ? req.id : undefined;
  return { rows, outputs, id };
}
