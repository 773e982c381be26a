import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { createRng } from '../../src/core/rng.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { loadDemoModel } from '../../src/models/demo-models.js';
import { createModelServer, type ListeningModelServer } from '../../src/model-server/server.js';
import { toLabels, type Predictor } from '../../src/predictors/predictor.js';
import { remotePredictor } from '../../src/predictors/remote/remote-predictor.js';
import { logisticLabels, logisticPredictor, makeRows } from './helpers.js';

/** Round trips through createModelServer, over real HTTP on 127.0.0.1, one per protocol. */

let server: ListeningModelServer;
const featureNames = ['id', 'a', 'b'];

beforeAll(async () => {
  server = await createModelServer({
    name: 'logit',
    predictor: logisticPredictor,
    nFeatures: 3,
    featureNames,
    version: '3',
    port: 0,
  }).listen();
});
afterAll(() => server.close());

describe('remotePredictor against createModelServer', () => {
  const rows = makeRows(250);
  const expected = logisticPredictor(rows);

  it.each([
    ['v2', '/v2/models/logit/infer'],
    ['kserve-v1', '/v1/models/logit:predict'],
    ['seldon', '/api/v1.0/predictions'],
  ] as const)('%s: the protocol is inferred from the path and the probabilities come back exactly', async (protocol, path) => {
    const predict = await remotePredictor(server.url + path, { maxBatchSize: 100 });
    expect(predict.protocol).toBe(protocol);
    const out = await predict(rows);
    expect(out).toEqual(expected);
    expect(Array.from(toLabels(out, rows.length))).toEqual(logisticLabels(rows));
    const stats = predict.stats;
    // 3 prediction requests (100, 100, 50 rows), plus the metadata request for v2.
    expect(stats.requests).toBe(protocol === 'v2' ? 4 : 3);
    expect(stats.rows).toBe(250);
    expect(stats.calls).toBe(1);
    expect(stats.retries).toBe(0);
    expect(stats.bytesSent).toBeGreaterThan(1000);
    expect(stats.bytesReceived).toBeGreaterThan(stats.bytesSent);
    expect(stats.latency.maxMs).toBeGreaterThan(0);
    expect(stats.latency.meanMs).toBeCloseTo(stats.latency.totalMs / stats.requests, 9);
    predict.resetStats();
    expect(predict.stats.requests).toBe(0);
    predict.close();
  });

  it('v2: a model URL without /infer, with its version, reads labels from the "predict" output', async () => {
    const predict = await remotePredictor(`${server.url}/v2/models/logit/versions/3`, { outputName: 'predict' });
    expect(predict.url).toBe(`${server.url}/v2/models/logit/versions/3/infer`);
    expect(await predict(rows)).toEqual(logisticLabels(rows));
  });

  it('v2: reads the input name and width from the metadata and refuses rows of another width before sending', async () => {
    const predict = await remotePredictor(`${server.url}/v2/models/logit/infer`);
    await expect(predict([[1, 2]])).rejects.toThrow(/rows have 2 values but the model's input "input-0" takes 3 per row/);
    expect(predict.stats.requests).toBe(1); // the metadata only
  });

  it('v2: an input name and datatype given as options skip the metadata request', async () => {
    const predict = await remotePredictor(`${server.url}/v2/models/logit/infer`, { inputName: 'x', inputDatatype: 'FP32' });
    expect(await predict(rows.slice(0, 5))).toEqual(expected.slice(0, 5));
    expect(predict.stats.requests).toBe(1);
  });

  it('kserve-v1: a model URL without a verb is completed with :predict', async () => {
    const predict = await remotePredictor(`${server.url}/v1/models/logit`);
    expect(predict.url).toBe(`${server.url}/v1/models/logit:predict`);
    expect(await predict(rows.slice(0, 10))).toEqual(expected.slice(0, 10));
  });

  it('seldon: the tensor encoding with feature names', async () => {
    const predict = await remotePredictor(`${server.url}/api/v1.0/predictions`, { seldonEncoding: 'tensor', featureNames });
    expect(await predict(rows)).toEqual(expected);
    const wrongNames = await remotePredictor(`${server.url}/api/v1.0/predictions`, { featureNames: ['a', 'b', 'id'] });
    await expect(wrongNames(rows)).rejects.toThrow(/HTTP 400.*the server said: "data.names is \[\\"a\\",\\"b\\",\\"id\\"\]; model logit takes the features/);
  });

  it('an empty batch makes no request', async () => {
    const predict = await remotePredictor(`${server.url}/v1/models/logit:predict`);
    expect(await predict([])).toEqual([]);
    expect(predict.stats.requests).toBe(0);
  });

  it('the same seed gives the identical anchor explanation through the endpoint as with the local model', async () => {
    const rng = createRng(5);
    const train = Array.from({ length: 1500 }, (_, i) => [i % 400, rng.int(5), rng.int(11) / 4]);
    const explain = async (predict: Predictor) => {
      const explainer = await new AnchorTabular(predict, featureNames, {
        categoryMap: { 1: ['v', 'w', 'x', 'y', 'z'] },
        seed: 11,
      }).fit(train);
      return explainer.explain([350, 0, 2.5]);
    };
    const local = await explain(logisticPredictor);
    const predict = await remotePredictor(`${server.url}/v2/models/logit/infer`, { maxBatchSize: 64 });
    const remote = await explain(predict);
    expect(JSON.stringify(remote)).toBe(JSON.stringify(local));
    expect(remote.data.anchor.length).toBeGreaterThan(0);
    expect(predict.stats.requests).toBeGreaterThan(2);
  });
});

describe('serving the bundled Adult model', () => {
  it('round-trips the demo model through every protocol with the same probabilities as in process', async () => {
    const demo = loadDemoModel('adult-gbt');
    const rows = loadAdult().test.rows.slice(0, 200);
    const local = await demo.predictor(rows);
    const adult = await createModelServer({
      name: 'adult',
      predictor: demo.predictor,
      nFeatures: demo.info.featureNames.length,
      featureNames: demo.info.featureNames,
      classNames: demo.info.targetNames,
      port: 0,
    }).listen();
    try {
      for (const path of ['/v2/models/adult/infer', '/v1/models/adult:predict', '/api/v1.0/predictions']) {
        const predict = await remotePredictor(adult.url + path, { featureNames: demo.info.featureNames, maxBatchSize: 64 });
        expect(await predict(rows)).toEqual(Array.from(local as ArrayLike<ArrayLike<number>>, (p) => Array.from(p)));
      }
    } finally {
      await adult.close();
    }
  });

  it('a predictor that returns labels is answered with a 500 that says so', async () => {
    const labels = await createModelServer({ name: 'labels', predictor: (rows) => rows.map(() => 1), nFeatures: 3, port: 0 }).listen();
    try {
      const predict = await remotePredictor(`${labels.url}/v1/models/labels:predict`, { retries: 0 });
      await expect(predict([[1, 2, 3]])).rejects.toThrow(
        /HTTP 500 .*the server said: "model labels returned the label 1 for row 0; a model server needs a predictor that returns class probabilities"/,
      );
    } finally {
      await labels.close();
    }
  });
});
