import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnchorImage } from '../../src/anchors/image/anchor-image.js';
import { AnchorText, type AnchorTextOptions } from '../../src/anchors/text/anchor-text.js';
import { loadGloVe } from '../../src/datasets/glove.js';
import { loadMnist } from '../../src/datasets/mnist.js';
import type { Image } from '../../src/image/image.js';
import { loadSentimentFillMask, loadSentimentModel } from '../../src/models/sentiment-models.js';
import { remotePredictor } from '../../src/predictors/remote/remote-predictor.js';
import { tfjsModel, type TfjsPredictor } from '../../src/predictors/tfjs.js';
import { loadBundledModel } from '../../src/tf/models.js';
import { sendJson, startServer, type TestServer } from './helpers.js';

/**
 * Texts and images by URL against a test server written from the protocol specifications (node:http,
 * none of src/model-server), with injected 503s and connection resets:
 * - Open Inference Protocol (inference_rest.md, MLServer's content types): model "texts" takes `BYTES`
 *   `[-1, 1]` and answers its class names as `BYTES` `[N, 1]`; model "digits" takes `FP32`
 *   `[-1, 1, 28, 28]` (channels first, as PyTorch and ONNX vision models) and answers `FP32 [N, 10]`.
 * - KServe v1: `instances` of strings, or of nested `[28][28][1]` arrays.
 */

const sentiment = loadSentimentModel();
const classes = sentiment.info.targetNames;
const mnist = loadMnist();
let cnn: TfjsPredictor;
let server: TestServer;
let requests = 0;
let faults = 0;

/** Every 4th prediction request is answered 503 (Retry-After 0), every 7th has its connection reset. */
function fault(res: import('node:http').ServerResponse, req: import('node:http').IncomingMessage): boolean {
  requests += 1;
  if (requests % 7 === 0) {
    faults += 1;
    req.socket.destroy();
    return true;
  }
  if (requests % 4 === 0) {
    faults += 1;
    res.writeHead(503, { 'Retry-After': '0', 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: 'overloaded' }));
    return true;
  }
  return false;
}

const labelsOf = (probs: ArrayLike<ArrayLike<number>>) => Array.from(probs, (p) => (p[1] > p[0] ? 1 : 0));
const argmax = (p: ArrayLike<number>) => Array.from(p).reduce((best, v, i, a) => (v > a[best] ? i : best), 0);

beforeAll(async () => {
  cnn = tfjsModel(await loadBundledModel('mnist-cnn'));
  server = await startServer(async (req, body, res) => {
    const path = req.url ?? '';
    if (req.method === 'GET' && path === '/v2/models/texts') {
      return sendJson(res, 200, { name: 'texts', platform: 'spec', inputs: [{ name: 'text', datatype: 'BYTES', shape: [-1, 1] }], outputs: [{ name: 'label', datatype: 'BYTES', shape: [-1, 1] }] });
    }
    if (req.method === 'GET' && path === '/v2/models/digits') {
      return sendJson(res, 200, { name: 'digits', platform: 'spec', inputs: [{ name: 'pixels', datatype: 'FP32', shape: [-1, 1, 28, 28] }], outputs: [{ name: 'probs', datatype: 'FP32', shape: [-1, 10] }] });
    }
    if (req.method !== 'POST') return sendJson(res, 404, { error: `no route ${path}` });
    if (fault(res, req)) return;
    const request = JSON.parse(body);
    if (path === '/v2/models/texts/infer') {
      const t = request.inputs[0];
      const n = t.shape[0];
      if (t.name !== 'text' || t.datatype !== 'BYTES' || t.shape[1] !== 1 || t.parameters?.content_type !== 'str' || t.data.length !== n) {
        return sendJson(res, 400, { error: `expected BYTES text [N, 1] with content_type str, got ${JSON.stringify(t).slice(0, 200)}` });
      }
      const names = labelsOf((await sentiment.predictor(t.data)) as number[][]).map((k) => classes[k]);
      return sendJson(res, 200, { model_name: 'texts', outputs: [{ name: 'label', datatype: 'BYTES', shape: [n, 1], data: names }] });
    }
    if (path === '/v1/models/texts:predict') {
      const names = labelsOf((await sentiment.predictor(request.instances)) as number[][]).map((k) => classes[k]);
      return sendJson(res, 200, { predictions: names });
    }
    if (path === '/v2/models/digits/infer') {
      const t = request.inputs[0];
      const [n, c, h, w] = t.shape;
      if (t.datatype !== 'FP32' || c !== 1 || h !== 28 || w !== 28 || t.data.length !== n * 784) return sendJson(res, 400, { error: `bad tensor ${JSON.stringify(t.shape)}` });
      // Channels first on the wire; one channel, so CHW and HWC orders agree pixel for pixel.
      const images = Array.from({ length: n }, (_, i) => (t.data as number[]).slice(i * 784, (i + 1) * 784));
      const probs = await cnn(images);
      return sendJson(res, 200, { model_name: 'digits', outputs: [{ name: 'probs', datatype: 'FP32', shape: [n, 10], data: probs.flatMap((p) => Array.from(p)) }] });
    }
    if (path === '/v1/models/digits:predict') {
      const images = (request.instances as number[][][][]).map((im) => im.flat(2));
      if (images.some((im) => im.length !== 784)) return sendJson(res, 400, { error: 'expected [28][28][1] instances' });
      return sendJson(res, 200, { predictions: (await cnn(images)).map((p) => argmax(p)) });
    }
    return sendJson(res, 404, { error: `no route ${path}` });
  });
}, 30_000);

afterAll(async () => {
  await server?.close();
  cnn?.model.dispose();
});

const retrying = { backoffBaseMs: 1, backoffMaxMs: 5, retries: 5 };
const sentence = 'The acting was good but the plot was painfully slow.';

describe('texts and images by URL against an independent spec server with faults', () => {
  it.each(['unknown', 'similarity', 'language_model'] as const)('AnchorText, %s sampling: the in-process explanation, over v2 BYTES and KServe v1 strings', async (sampling) => {
    const options: AnchorTextOptions = { sampling, seed: 5 };
    if (sampling === 'similarity') options.embeddings = loadGloVe();
    if (sampling === 'language_model') options.fillMask = loadSentimentFillMask();
    const expected = JSON.stringify(await new AnchorText(sentiment.predictor, options).explain(sentence, { threshold: 0.9 }));
    const before = faults;
    for (const path of ['/v2/models/texts/infer', '/v1/models/texts:predict']) {
      const texts = await remotePredictor(server.url + path, { classes, maxBatchSize: 300, ...retrying });
      expect(texts.takes).toBe(path.startsWith('/v2') ? 'string' : undefined);
      expect(JSON.stringify(await new AnchorText(texts, options).explain(sentence, { threshold: 0.9 }))).toBe(expected);
      texts.close();
    }
    expect(faults).toBeGreaterThan(before);
  }, 60_000);

  it('AnchorImage: the in-process explanation, over v2 FP32 [N, 1, 28, 28] (layout from the metadata) and KServe v1 labels', async () => {
    const digit = mnist.test.image(2);
    const local = (images: Image[]) => cnn(images.map((im) => im.data));
    const expected = JSON.stringify(await new AnchorImage(local, { shape: mnist.shape, seed: 1 }).explain(digit));
    const before = faults;
    for (const path of ['/v2/models/digits/infer', '/v1/models/digits:predict']) {
      const images = await remotePredictor(server.url + path, { shape: [28, 28, 1], maxBatchSize: 200, ...retrying });
      expect(JSON.stringify(await new AnchorImage(images, { shape: mnist.shape, seed: 1 }).explain(digit))).toBe(expected);
      expect(images.stats.retries).toBeGreaterThan(0);
      images.close();
    }
    expect(faults).toBeGreaterThan(before);
  }, 60_000);

  it('refuses class names it cannot map, and a layout that does not fit the metadata', async () => {
    const texts = await remotePredictor(`${server.url}/v2/models/texts/infer`, retrying);
    await expect(texts(['fine'])).rejects.toThrow(/v2 output "label" holds class names \("(positive|negative)"\); pass classes/);
    const other = await remotePredictor(`${server.url}/v2/models/texts/infer`, { classes: ['pos', 'neg'], ...retrying });
    await expect(other(['fine', 'bad'])).rejects.toThrow(/v2 output "label"\[0\] is "(positive|negative)"; expected one of the classes \["pos","neg"\]/);
    await expect(remotePredictor(`${server.url}/v2/models/digits/infer`, { shape: [28, 28, 1], layout: 'NHWC' })).rejects.toThrow(
      /instances of shape \[28, 28, 1\] in layout NHWC do not fit the model's input "pixels" .*which takes \[-1, 1, 28, 28\]/,
    );
    texts.close();
    other.close();
  });
});
