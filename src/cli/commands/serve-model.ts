import { parseArgs } from 'node:util';
import { createModelServer } from '../../model-server/server.js';
import { loadBundledTask } from '../bundled.js';
import { numberFlag, UsageError, type CliIO } from '../io.js';

export const SERVE_MODEL_USAGE = `Usage: glassbox serve-model DATASET [--port 8000] [--grpc-port 8001] [--host 127.0.0.1]

Serves the bundled demo model of a bundled data set over the Open Inference Protocol (v2), KServe v1 and
Seldon, so that 'glassbox explain DATASET --row N --model-url URL' can explain it by URL. Stops on Ctrl-C.

Options:
  --port P       port to listen on (default 8000; 0 picks a free port)
  --grpc-port P  also serve the Open Inference Protocol over gRPC on this port (0 picks a free port)
  --host H       address to listen on (default 127.0.0.1)
  -h, --help     show this help
`;

/** `glassbox serve-model adult`: a local model endpoint to try "explain by URL" without a cluster. */
export async function serveModelCommand(argv: string[], io: CliIO, stop?: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      'grpc-port': { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(SERVE_MODEL_USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`expected one data set, got ${positionals.join(' ')}`);
  const port = numberFlag('port', values.port, { integer: true, min: 0, max: 65535 }) ?? 8000;
  const task = loadBundledTask(positionals[0]);
  const { dataset } = task;
  const grpcPort = numberFlag('grpc-port', values['grpc-port'], { integer: true, min: 0 });
  const served = {
    name: dataset.name,
    predictor: task.predictor,
    nFeatures: dataset.featureNames.length,
    featureNames: dataset.featureNames,
    classNames: dataset.targetNames,
    host: values.host ?? '127.0.0.1',
  };
  const server = await createModelServer({ ...served, port }).listen();
  // Loaded only with --grpc-port, so that the REST server alone does not load grpc-js.
  let grpcServer: Awaited<ReturnType<typeof import('../../model-server/grpc.js').listenGrpcModelServer>> | undefined;
  try {
    if (grpcPort !== undefined) grpcServer = await (await import('../../model-server/grpc.js')).listenGrpcModelServer({ ...served, port: grpcPort });
  } catch (err) {
    await server.close();
    throw err;
  }
  io.stdout(
    `Serving ${task.modelName} at ${server.url}\n` +
      `  v2:        POST ${server.url}/v2/models/${dataset.name}/infer\n` +
      `  KServe v1: POST ${server.url}/v1/models/${dataset.name}:predict\n` +
      `  Seldon:    POST ${server.url}/api/v1.0/predictions\n` +
      (grpcServer === undefined ? '' : `  gRPC:      ${grpcServer.url}/${dataset.name} (inference.GRPCInferenceService)\n`),
  );
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    if (stop) stop.addEventListener('abort', done, { once: true });
    else {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    }
  });
  await Promise.all([server.close(), grpcServer?.close()]);
  return 0;
}
