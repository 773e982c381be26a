import type * as Grpc from '@grpc/grpc-js';
import { InvalidInputError } from '../core/errors.js';
import { HttpError } from '../http/http-error.js';
import { decodeTensors, encodeTensors } from '../predictors/remote/grpc/tensors.js';
import { loadInferenceService } from '../predictors/remote/grpc/service.js';
import { describe } from '../predictors/remote/options.js';
import { ResponseShapeError } from '../predictors/remote/tensor.js';
import { VERSION } from '../version.js';
import { MODEL_SERVER_DEFAULTS, ServedModel, type ModelServerOptions } from './model.js';
import { lookupModel, modelMetadata, outputTensors, parseInferRequest } from './v2.js';

/**
 * The Open Inference Protocol over gRPC (`inference.GRPCInferenceService` of open_inference_grpc.proto)
 * for one model, beside the REST model server: `ServerLive`, `ServerReady`, `ModelReady`,
 * `ServerMetadata`, `ModelMetadata` and `ModelInfer`. The request's input is read from
 * `raw_input_contents` or typed contents and checked as the REST `/infer` checks its JSON (the same
 * parser); the answer uses raw contents when the request did, as Triton does.
 *
 * Errors are gRPC statuses: INVALID_ARGUMENT for a bad request, NOT_FOUND for an unknown model or
 * version, INTERNAL for a broken model.
 */

/** A gRPC model server that is listening. */
export interface ListeningGrpcModelServer {
  /** `grpc://host:port` (append `/MODEL` for a remote predictor). */
  url: string;
  host: string;
  port: number;
  /** Stops accepting calls and resolves when the calls in flight are done. */
  close(): Promise<void>;
}

/**
 * Options of the demo model server's gRPC endpoint (the Open Inference Protocol's `GRPCInferenceService`): the
 * REST options but the body limit and logger, and a message size limit.
 */
export type GrpcModelServerOptions = Omit<ModelServerOptions, 'bodyLimit' | 'logger'> & {
  /** The largest request message accepted, in bytes. Default 32 MiB, as the REST server's body limit. */
  maxMessageBytes?: number;
};

/** gRPC status codes for the HTTP statuses the REST handlers raise. */
const STATUS_OF_HTTP: Readonly<Record<number, number>> = { 400: 3 /* INVALID_ARGUMENT */, 404: 5 /* NOT_FOUND */ };
const INTERNAL = 13;
const INVALID_ARGUMENT = 3;

/**
 * Starts a gRPC model server on `host:port` (port 0 picks a free one).
 *
 * @throws InvalidInputError for a bad option.
 */
export async function listenGrpcModelServer(options: GrpcModelServerOptions): Promise<ListeningGrpcModelServer> {
  const { maxMessageBytes = MODEL_SERVER_DEFAULTS.bodyLimit, ...modelOptions } = options;
  const model = new ServedModel(modelOptions);
  const host = options.host ?? MODEL_SERVER_DEFAULTS.host;
  const port = options.port ?? MODEL_SERVER_DEFAULTS.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidInputError(`port is ${describe(port)}; expected an integer 0..65535 (0 picks a free port)`);
  }
  if (typeof maxMessageBytes !== 'number' || !Number.isInteger(maxMessageBytes) || maxMessageBytes < 1) {
    throw new InvalidInputError(`maxMessageBytes is ${describe(maxMessageBytes)}; expected a positive integer number of bytes`);
  }
  const { grpc, definition } = await loadInferenceService();
  const server = new grpc.Server({ 'grpc.max_receive_message_length': maxMessageBytes });
  server.addService(definition, handlers(model));
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `grpc://${shown}:${bound}`,
    host,
    port: bound,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

type Unary = (call: Grpc.ServerUnaryCall<Record<string, unknown>, unknown>, callback: Grpc.sendUnaryData<unknown>) => void;

/** The service's handlers for `model`. */
function handlers(model: ServedModel): Record<string, Unary> {
  /** Runs `answer` and sends its result, or its failure as a gRPC status. */
  const unary =
    (answer: (request: Record<string, unknown>) => unknown): Unary =>
    (call, callback) => {
      Promise.resolve()
        .then(() => answer(call.request))
        .then(
          (response) => callback(null, response),
          (err: unknown) => callback(statusOf(err)),
        );
    };
  const find = (request: Record<string, unknown>, nameKey: string, versionKey: string) =>
    lookupModel(model, {
      name: String(request[nameKey] ?? ''),
      version: request[versionKey] ? String(request[versionKey]) : undefined,
    });
  return {
    ServerLive: unary(() => ({ live: true })),
    ServerReady: unary(() => ({ ready: true })),
    ModelReady: unary((r) => (find(r, 'name', 'version'), { ready: true })),
    ServerMetadata: unary(() => ({ name: 'glassbox', version: VERSION, extensions: [] })),
    ModelMetadata: unary((r) => modelMetadata(find(r, 'name', 'version'))),
    ModelInfer: unary(async (r) => {
      const m = find(r, 'model_name', 'model_version');
      const raw = Array.isArray(r.raw_input_contents) && r.raw_input_contents.length > 0;
      let inputs;
      try {
        inputs = decodeTensors(r.inputs, r.raw_input_contents, 'input');
      } catch (err) {
        if (err instanceof ResponseShapeError) throw new HttpError(400, err.message);
        throw err;
      }
      const requested = Array.isArray(r.outputs) && r.outputs.length > 0 ? r.outputs : undefined;
      const { rows, outputs, id } = parseInferRequest({ inputs, outputs: requested, id: r.id || undefined }, m);
      const prediction = await m.predict(rows);
      const { tensors, raw: rawContents } = encodeTensors(outputTensors(m, outputs, prediction, rows.length), raw);
      return {
        model_name: m.name,
        model_version: m.version ?? '',
        ...(id === undefined ? {} : { id }),
        outputs: tensors,
        ...(raw ? { raw_output_contents: rawContents } : {}),
      };
    }),
  };
}

/** A handler's failure as a gRPC status: the REST handlers' HttpErrors mapped, anything else INTERNAL. */
function statusOf(err: unknown): Partial<Grpc.StatusObject> {
  if (err instanceof HttpError) return { code: STATUS_OF_HTTP[err.statusCode] ?? (err.statusCode < 500 ? INVALID_ARGUMENT : INTERNAL), details: err.message };
  return { code: INTERNAL, details: err instanceof Error ? err.message : String(err) };
}
