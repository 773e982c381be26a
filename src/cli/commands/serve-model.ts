import { parseArgs } from 'node:util';
import { loadMnist } from '../../datasets/mnist.js';
import type { ModelServerOptions } from '../../model-server/model.js';
import { createModelServer } from '../../model-server/server.js';
import { loadSentimentModel } from '../../models/sentiment-models.js';
import { tfjsModel } from '../../predictors/tfjs.js';
import { loadBundledModel } from '../../tf/models.js';
import { loadBundledTask } from '../bundled.js';
import { numberFlag, UsageError, type CliIO } from '../io.js';
import { IMAGE_DATASETS } from './explain-image.js';
import { TEXT_DATASETS } from './explain-text.js';

export const SERVE_MODEL_USAGE = `Usage: glassbox serve-model DATASET [--port 8000] [--grpc-port 8001] [--host 127.0.0.1]

Serves the bundled demo model of a bundled data set over the Open Inference Protocol (v2), KServe v1 and
Seldon, so that 'glassbox explain DATASET --row N --model-url URL' can explain it by URL: adult (rows of
12 numbers), sentiment (texts: a v2 BYTES [-1] input) or mnist (digits: FP32 [-1, 28, 28, 1]). Stops on Ctrl-C.

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
  const grpcPort = numberFlag('grpc-port', values['grpc-port'], { integer: true, min: 0 });
  const model = await servedBundledModel(positionals[0]);
  const served = { ...model.options, host: values.host ?? '127.0.0.1' };
  let server;
  // Loaded only with --grpc-port, so that the REST server alone does not load grpc-js.
  let grpcServer: Awaited<ReturnType<typeof import('../../model-server/grpc.js').listenGrpcModelServer>> | undefined;
  try {
    server = await createModelServer({ ...served, port }).listen();
    try {
      if (grpcPort !== undefined) grpcServer = await (await import('../../model-server/grpc.js')).listenGrpcModelServer({ ...served, port: grpcPort });
    } catch (err) {
      await server.close();
      throw err;
    }
  } catch (err) {
    model.dispose();
    throw err;
  }
  const name = model.options.name;
  io.stdout(
    `Serving ${model.modelName} at ${server.url}\n` +
      `  v2:        POST ${server.url}/v2/models/${name}/infer\n` +
      `  KServe v1: POST ${server.url}/v1/models/${name}:predict\n` +
      `  Seldon:    POST ${server.url}/api/v1.0/predictions\n` +
      (grpcServer === undefined ? '' : `  gRPC:      ${grpcServer.url}/${name} (inference.GRPCInferenceService)\n`),
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
  model.dispose();
  return 0;
}

/** What `serve-model` serves for a bundled data set: the model server's options, and how to free the model. */
export async function servedBundledModel(dataset: string | undefined): Promise<{
  options: Omit<ModelServerOptions, 'host' | 'port'>;
  modelName: string;
  dispose(): void;
}> {
  if (dataset !== undefined && TEXT_DATASETS.includes(dataset)) {
    const { predictor, info } = loadSentimentModel();
    return { options: { name: dataset, predictor, inputShape: 'string', classNames: info.targetNames }, modelName: info.name, dispose: () => undefined };
  }
  if (dataset !== undefined && IMAGE_DATASETS.includes(dataset)) {
    const mnist = loadMnist();
    const cnn = await loadBundledModel('mnist-cnn');
    const options = { name: dataset, predictor: tfjsModel(cnn), inputShape: mnist.shape, classNames: mnist.targetNames };
    return { options, modelName: 'mnist-cnn', dispose: () => cnn.dispose() };
  }
  const task = loadBundledTask(dataset, [...TEXT_DATASETS, ...IMAGE_DATASETS]);
  const { dataset: data } = task;
  return {
    options: { name: data.name, predictor: task.predictor, nFeatures: data.featureNames.length, featureNames: data.featureNames, classNames: data.targetNames },
    modelName: task.modelName,
    dispose: () => undefined,
  };
}
