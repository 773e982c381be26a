import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { sleep, type ServerCounters } from './helpers.js';

/**
 * An Open Inference Protocol gRPC server written for the tests from the specification
 * (protos/open_inference_grpc.proto and the protocol's inference_grpc.md), independent of glassbox's
 * client and server code: it decodes FP64 / FP32 / INT64 inputs from `raw_input_contents` (little-endian)
 * or typed contents itself, answers FP64 probabilities `[n, k]` in raw contents when the request used
 * them (as Triton does) or typed ones otherwise, and injects the faults a test queues.
 */

const PROTO = fileURLToPath(new URL('../../protos/open_inference_grpc.proto', import.meta.url));

/** A fault for the next ModelInfer call, taken from the front of the queue. */
export type GrpcFault =
  | { kind: 'status'; code: grpc.status; details?: string }
  | { kind: 'slow'; ms: number }
  | { kind: 'wrong-shape' }
  | { kind: 'truncated' }
  | { kind: 'typed-answer' };

export interface GrpcSpecServer {
  /** `grpc://127.0.0.1:PORT/MODEL`. */
  url: string;
  counters: ServerCounters;
  faults: GrpcFault[];
  /** The metadata of every ModelInfer call, in arrival order. */
  metadata: Array<Record<string, string>>;
  /** Whether each ModelInfer request carried raw contents. */
  rawRequests: boolean[];
  /** The methods called, in order. */
  calls: string[];
  close(): Promise<void>;
}

export interface GrpcSpecServerOptions {
  model: string;
  nFeatures: number;
  predict: (rows: number[][]) => number[][] | Promise<number[][]>;
  /** Milliseconds every ModelInfer waits before answering. */
  delayMs?: number;
  /** Serve over TLS with this PEM certificate and key (the URL is then grpcs://). */
  tls?: { cert: Buffer; key: Buffer };
}

export async function startGrpcSpecServer(options: GrpcSpecServerOptions): Promise<GrpcSpecServer> {
  const pkg = await protoLoader.load(PROTO, { keepCase: true, longs: Number, defaults: true, arrays: true });
  const service = (grpc.loadPackageDefinition(pkg).inference as grpc.GrpcObject).GRPCInferenceService as grpc.ServiceClientConstructor;
  const counters: ServerCounters = { requests: 0, inFlight: 0, maxInFlight: 0, batchSizes: [], answered: new Map() };
  const state = { faults: [] as GrpcFault[], metadata: [] as Array<Record<string, string>>, rawRequests: [] as boolean[], calls: [] as string[] };
  const { model, nFeatures } = options;

  type Call = grpc.ServerUnaryCall<any, any>;
  type Done = grpc.sendUnaryData<any>;
  const notFound = (name: string, done: Done) => done({ code: grpc.status.NOT_FOUND, details: `unknown model ${name}` });
  const server = new grpc.Server();
  server.addService(service.service, {
    ServerLive: (_c: Call, done: Done) => (state.calls.push('ServerLive'), done(null, { live: true })),
    ServerReady: (_c: Call, done: Done) => (state.calls.push('ServerReady'), done(null, { ready: true })),
    ModelReady: (c: Call, done: Done) => {
      state.calls.push('ModelReady');
      if (c.request.name !== model) return notFound(c.request.name, done);
      done(null, { ready: true });
    },
    ServerMetadata: (_c: Call, done: Done) => done(null, { name: 'spec', version: '1', extensions: [] }),
    ModelMetadata: (c: Call, done: Done) => {
      state.calls.push('ModelMetadata');
      if (c.request.name !== model) return notFound(c.request.name, done);
      done(null, {
        name: model,
        platform: 'test',
        inputs: [{ name: 'features', datatype: 'FP64', shape: [-1, nFeatures] }],
        outputs: [{ name: 'probabilities', datatype: 'FP64', shape: [-1, 2] }],
      });
    },
    ModelInfer: async (c: Call, done: Done) => {
      state.calls.push('ModelInfer');
      counters.requests += 1;
      counters.inFlight += 1;
      counters.maxInFlight = Math.max(counters.maxInFlight, counters.inFlight);
      try {
        const md: Record<string, string> = {};
        for (const [k, v] of Object.entries(c.metadata.getMap())) md[k] = String(v);
        state.metadata.push(md);
        const req = c.request;
        if (req.model_name !== model) return notFound(req.model_name, done);
        const input = req.inputs[0];
        const [n, width] = input.shape as number[];
        if (req.inputs.length !== 1 || input.shape.length !== 2 || width !== nFeatures) {
          return done({ code: grpc.status.INVALID_ARGUMENT, details: `expected one input of shape [n, ${nFeatures}]` });
        }
        const raw = req.raw_input_contents.length > 0;
        state.rawRequests.push(raw);
        const values: number[] = [];
        if (raw) {
          const bytes: Buffer = req.raw_input_contents[0];
          const size = input.datatype === 'FP32' ? 4 : 8;
          if (bytes.length !== n * width * size) return done({ code: grpc.status.INVALID_ARGUMENT, details: 'raw contents of the wrong size' });
          for (let o = 0; o < bytes.length; o += size) {
            values.push(input.datatype === 'FP32' ? bytes.readFloatLE(o) : input.datatype === 'INT64' ? Number(bytes.readBigInt64LE(o)) : bytes.readDoubleLE(o));
          }
        } else {
          const field = input.datatype === 'FP32' ? 'fp32_contents' : input.datatype === 'INT64' ? 'int64_contents' : 'fp64_contents';
          values.push(...(input.contents[field] as number[]).map(Number));
        }
        const rows = Array.from({ length: n }, (_, i) => values.slice(i * width, (i + 1) * width));
        counters.batchSizes.push(n);

        const fault = state.faults.shift();
        if (fault?.kind === 'status') return done({ code: fault.code, details: fault.details ?? `injected ${grpc.status[fault.code]}` });
        if (fault?.kind === 'slow') await sleep(fault.ms);
        if (options.delayMs) await sleep(options.delayMs);
        const probs = await options.predict(rows);
        for (const r of rows) counters.answered.set(r[0], (counters.answered.get(r[0]) ?? 0) + 1);
        const flat = probs.flat();
        const shape = fault?.kind === 'wrong-shape' ? [n + 1, 2] : [n, probs[0]?.length ?? 2];
        const out = { name: 'probabilities', datatype: 'FP64', shape };
        if (raw && fault?.kind !== 'typed-answer') {
          let buf = Buffer.alloc(flat.length * 8);
          flat.forEach((v, i) => buf.writeDoubleLE(v, i * 8));
          if (fault?.kind === 'truncated') buf = buf.subarray(0, buf.length - 3);
          return done(null, { model_name: model, id: req.id, outputs: [out], raw_output_contents: [buf] });
        }
        done(null, { model_name: model, id: req.id, outputs: [{ ...out, contents: { fp64_contents: flat } }] });
      } finally {
        counters.inFlight -= 1;
      }
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      '127.0.0.1:0',
      options.tls === undefined
        ? grpc.ServerCredentials.createInsecure()
        : grpc.ServerCredentials.createSsl(null, [{ cert_chain: options.tls.cert, private_key: options.tls.key }]),
      (err, p) => (err ? reject(err) : resolve(p)),
    ),
  );
  return {
    url: `${options.tls === undefined ? 'grpc' : 'grpcs'}://127.0.0.1:${port}/${model}`,
    counters,
    ...state,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
