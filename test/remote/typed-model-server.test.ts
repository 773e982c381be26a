import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedBundledModel } from '../../src/cli/commands/serve-model.js';
import { loadMnist } from '../../src/datasets/mnist.js';
import { loadSentiment } from '../../src/datasets/sentiment.js';
import { createModelServer, type ListeningModelServer } from '../../src/model-server/server.js';
import { remotePredictor } from '../../src/predictors/remote/remote-predictor.js';

/** `serve-model sentiment` and `serve-model mnist` round trips over real HTTP on 127.0.0.1, one per protocol. */

const served: Record<string, { server: ListeningModelServer; dispose: () => void; predictor: (x: any[]) => unknown }> = {};

beforeAll(async () => {
  for (const name of ['sentiment', 'mnist']) {
    const model = await servedBundledModel(name);
    const server = await createModelServer({ ...model.options, port: 0 }).listen();
    served[name] = { server, dispose: model.dispose, predictor: model.options.predictor };
  }
});
afterAll(async () => {
  for (const { server, dispose } of Object.values(served)) {
    await server.close();
    dispose();
  }
});

const texts = loadSentiment().test.texts.slice(0, 30);
const mnist = loadMnist();
const digits = Array.from({ length: 12 }, (_, i) => mnist.test.image(i));

const plain = (out: unknown) => Array.from(out as ArrayLike<ArrayLike<number>>, (row) => Array.from(row));

describe('serve-model sentiment and mnist', () => {
  it('declares BYTES [-1] and FP32 [-1, 28, 28, 1] inputs in the v2 metadata', async () => {
    const text: any = await (await fetch(`${served.sentiment.server.url}/v2/models/sentiment`)).json();
    expect(text.inputs).toEqual([{ name: 'input-0', datatype: 'BYTES', shape: [-1], parameters: { content_type: 'str' } }]);
    const image: any = await (await fetch(`${served.mnist.server.url}/v2/models/mnist`)).json();
    expect(image.inputs).toEqual([{ name: 'input-0', datatype: 'FP32', shape: [-1, 28, 28, 1] }]);
  });

  it.each([
    ['v2', '/v2/models/sentiment/infer'],
    ['kserve-v1', '/v1/models/sentiment:predict'],
    ['seldon', '/api/v1.0/predictions'],
  ] as const)('sentiment over %s: texts in, the in-process probabilities out', async (protocol, path) => {
    const predict = await remotePredictor(served.sentiment.server.url + path, { maxBatchSize: 8 });
    expect(predict.takes).toBe(protocol === 'v2' ? 'string' : undefined);
    expect(await predict(texts)).toEqual(plain(await served.sentiment.predictor(texts)));
    expect(predict.stats.rows).toBe(30);
    predict.close();
  });

  it('sentiment over Seldon strData: one text per request', async () => {
    const predict = await remotePredictor(`${served.sentiment.server.url}/api/v1.0/predictions`, { seldonEncoding: 'strData' });
    expect(await predict(texts.slice(0, 3))).toEqual(plain(await served.sentiment.predictor(texts.slice(0, 3))));
    expect(predict.stats.requests).toBe(3);
    predict.close();
  });

  it.each([
    ['v2', '/v2/models/mnist/infer', {}],
    ['kserve-v1', '/v1/models/mnist:predict', {}],
    ['seldon ndarray', '/api/v1.0/predictions', {}],
    ['seldon tensor', '/api/v1.0/predictions', { seldonEncoding: 'tensor' as const }],
  ])('mnist over %s: flat digits with shape [28, 28, 1] in, the in-process probabilities out', async (_protocol, path, extra) => {
    const predict = await remotePredictor(served.mnist.server.url + path, { shape: [28, 28, 1], maxBatchSize: 5, ...extra });
    const expected = plain(await served.mnist.predictor(digits));
    expect(await predict(digits)).toEqual(expected);
    // Images {height, width, channels, data} too, as AnchorImage gives them.
    const images = digits.map((data) => ({ height: 28, width: 28, channels: 1, data }));
    expect(await predict(images)).toEqual(expected);
    predict.close();
  });

  it('refuses what the metadata does not take, before sending', async () => {
    const text = await remotePredictor(`${served.sentiment.server.url}/v2/models/sentiment/infer`);
    await expect(text([[1, 2]])).rejects.toThrow(/the instances are numbers but the model's input "input-0" is BYTES \(texts\)/);
    const image = await remotePredictor(`${served.mnist.server.url}/v2/models/mnist/infer`);
    await expect(image(['a digit'])).rejects.toThrow(/the instances are texts but the model's input "input-0" is FP32; expected BYTES/);
    await expect(image([digits[0]])).rejects.toThrow(/instances of shape \[784\] do not fit the model's input "input-0", which takes \[-1, 28, 28, 1\]/);
    await expect(remotePredictor(`${served.mnist.server.url}/v2/models/mnist/infer`, { shape: [1, 28, 28], layout: 'NHWC' })).rejects.toThrow(
      /instances of shape \[1, 28, 28\] in layout NHWC do not fit/,
    );
    await expect(remotePredictor(`${served.sentiment.server.url}/v2/models/sentiment/infer`, { shape: [3] })).rejects.toThrow(/is BYTES \(texts\), but the instances are numbers/);
    text.close();
    image.close();
  });

  it('answers malformed instances with a 400 in each protocol\'s error format', async () => {
    const post = (path: string, body: unknown) =>
      fetch(served.mnist.server.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const v2 = await post('/v2/models/mnist/infer', { inputs: [{ name: 'input-0', datatype: 'FP32', shape: [1, 784], data: digits[0] ? Array.from(digits[0]) : [] }] });
    expect(v2.status).toBe(400);
    expect(((await v2.json()) as any).error).toMatch(/shape \[1,784\]; model mnist takes \[N, 28, 28, 1\]/);
    const v1 = await post('/v1/models/mnist:predict', { instances: ['a digit'] });
    expect(v1.status).toBe(400);
    expect(((await v1.json()) as any).error).toMatch(/holds strings; model mnist takes an array of shape \[28, 28, 1\]/);
    const seldon = await fetch(`${served.sentiment.server.url}/api/v1.0/predictions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { ndarray: [[1, 2]] } }),
    });
    expect(seldon.status).toBe(400);
    expect(((await seldon.json()) as any).status.info).toMatch(/data.ndarray\[0\] is an array of length 2; model sentiment takes texts/);
  });
});

describe('texts and images over gRPC and binary REST', () => {
  it.each(['sentiment', 'mnist'])('%s: raw and typed gRPC contents, and the REST binary extension, give the in-process probabilities', async (name) => {
    const { listenGrpcModelServer } = await import('../../src/model-server/grpc.js');
    const model = await servedBundledModel(name);
    const grpc = await listenGrpcModelServer({ ...model.options, port: 0 });
    try {
      const xs: any[] = name === 'sentiment' ? texts.slice(0, 5) : digits.slice(0, 3);
      const expected = plain(await served[name].predictor(xs));
      const shape = name === 'mnist' ? { shape: [28, 28, 1] } : {};
      for (const [url, binary] of [[`${grpc.url}/${name}`, true], [`${grpc.url}/${name}`, false], [`${served[name].server.url}/v2/models/${name}/infer`, true]] as const) {
        const predict = await remotePredictor(url, { binary, ...shape });
        expect(predict.takes).toEqual(name === 'sentiment' ? 'string' : [28, 28, 1]);
        expect(await predict(xs)).toEqual(expected);
        predict.close();
      }
    } finally {
      await grpc.close();
      model.dispose();
    }
  }, 30_000);
});
