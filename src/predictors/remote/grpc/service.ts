import { fileURLToPath } from 'node:url';
import type * as Grpc from '@grpc/grpc-js';
import type { MethodDefinition, ServiceDefinition } from '@grpc/proto-loader';

/**
 * The Open Inference Protocol's gRPC service, `inference.GRPCInferenceService`, loaded from the
 * protocol's own `open_inference_grpc.proto` (shipped in `protos/`, Apache-2.0, KServe Authors) by
 * `@grpc/proto-loader` the first time a `grpc://` model is used: importing glassbox loads neither
 * grpc-js nor the proto.
 *
 * Messages are plain objects with the proto's field names (`raw_input_contents`, `fp32_contents`),
 * `bytes` as Buffers and 64-bit integers as decimal strings (`longs: String`), so that no INT64 value is
 * rounded on the way in: the readers check that each fits a JavaScript number exactly.
 */

/** The methods of the service that glassbox calls or serves. */
export type InferenceMethod = 'ServerLive' | 'ServerReady' | 'ModelReady' | 'ServerMetadata' | 'ModelMetadata' | 'ModelInfer';

export interface InferenceService {
  grpc: typeof Grpc;
  /** The service as grpc-js serves it (`server.addService(definition, handlers)`). */
  definition: ServiceDefinition;
  method(name: InferenceMethod): MethodDefinition<object, object>;
}

/** `protos/` at the package root, from `src/…/grpc` or `dist/…/grpc` alike. */
export const OPEN_INFERENCE_PROTO = fileURLToPath(new URL('../../../../protos/open_inference_grpc.proto', import.meta.url));

let loading: Promise<InferenceService> | undefined;

/** Loads grpc-js and the service definition once per process. */
export function loadInferenceService(): Promise<InferenceService> {
  loading ??= (async () => {
    const [grpc, protoLoader] = await Promise.all([import('@grpc/grpc-js'), import('@grpc/proto-loader')]);
    const pkg = await protoLoader.load(OPEN_INFERENCE_PROTO, {
      keepCase: true,
      longs: String,
      enums: String,
      defaults: false,
      arrays: true,
      oneofs: true,
    });
    const definition = pkg['inference.GRPCInferenceService'] as ServiceDefinition;
    if (definition === undefined || definition.ModelInfer === undefined) {
      throw new Error(`internal: ${OPEN_INFERENCE_PROTO} defines no inference.GRPCInferenceService`);
    }
    return { grpc, definition, method: (name) => definition[name] as MethodDefinition<object, object> };
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
