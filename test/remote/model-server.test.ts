import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { createModelServer, type ListeningModelServer } from '../../src/model-server/server.js';
import { logisticPredictor } from './helpers.js';

/** The model server's endpoints and error answers, per protocol, over HTTP. */

let server: ListeningModelServer;

beforeAll(async () => {
  server = await createModelServer({
    name: 'income',
    predictor: (rows) => {
      if (rows.some((r) => r[0] === -999)) throw new Error('feature 0 out of range');
      return rows.map((r) => Float64Array.from(logisticPredictor([r])[0]));
    },
    nFeatures: 3,
    featureNames: ['id', 'a', 'b'],
    classNames: ['<=50K', '>50K'],
    version: '1',
    port: 0,
  }).listen();
});
afterAll(() => server.close());

async function call(method: string, path: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(server.url + path, {
    method,
    headers: body === undefined ? undefined : { 'Content-Type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

describe('Open Inference Protocol v2 endpoints', () => {
  it('health, server metadata, model metadata and readiness', async () => {
    expect(await call('GET', '/v2/health/live')).toMatchObject({ status: 200, json: { live: true } });
    expect(await call('GET', '/v2/health/ready')).toMatchObject({ status: 200, json: { ready: true } });
    expect((await call('GET', '/v2')).json).toMatchObject({ name: 'glassbox', extensions: ['binary_tensor_data'] });
    const meta = await call('GET', '/v2/models/income');
    expect(meta.json).toEqual({
      name: 'income',
      versions: ['1'],
      platform: 'glassbox',
      inputs: [{ name: 'input-0', datatype: 'FP64', shape: [-1, 3] }],
      outputs: [
        { name: 'predict_proba', datatype: 'FP64', shape: [-1, 2] },
        { name: 'predict', datatype: 'INT64', shape: [-1, 1] },
      ],
    });
    expect((await call('GET', '/v2/models/income/versions/1')).json).toEqual(meta.json);
    expect(await call('GET', '/v2/models/income/ready')).toMatchObject({ status: 200, json: { name: 'income', ready: true } });
    expect(await call('GET', '/v2/models/income/versions/1/ready')).toMatchObject({ status: 200 });
  });

  it('infer: nested or flat data; predict_proba by default, predict (INT64 labels) on request; the id is echoed', async () => {
    const rows = [
      [1, 2, 0.5],
      [300, 0, 2],
    ];
    const probs = logisticPredictor(rows);
    const nested = await call('POST', '/v2/models/income/infer', {
      id: '42',
      inputs: [{ name: 'x', shape: [2, 3], datatype: 'FP32', data: rows }],
    });
    expect(nested.status).toBe(200);
    expect(nested.json).toEqual({
      model_name: 'income',
      model_version: '1',
      id: '42',
      parameters: {},
      outputs: [{ name: 'predict_proba', datatype: 'FP64', shape: [2, 2], data: probs.flat() }],
    });
    const both = await call('POST', '/v2/models/income/versions/1/infer', {
      inputs: [{ name: 'x', shape: [2, 3], datatype: 'INT64', data: [1, 2, 0, 300, 0, 2] }],
      outputs: [{ name: 'predict' }, { name: 'predict_proba' }],
    });
    expect(both.json.outputs.map((o: { name: string }) => o.name)).toEqual(['predict', 'predict_proba']);
    expect(both.json.outputs[0]).toEqual({
      name: 'predict',
      datatype: 'INT64',
      shape: [2, 1],
      data: logisticPredictor([
        [1, 2, 0],
        [300, 0, 2],
      ]).map((p) => (p[1] > p[0] ? 1 : 0)),
    });
  });

  it.each([
    ['no inputs', { inputs: [] }, 400, /"inputs" is an array of length 0; expected an array with one input tensor/],
    ['the wrong width', { inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP64', data: [1, 2] }] }, 400, /has 2 values per row \(1 rows\); model income expects 3/],
    ['shape and data disagree', { inputs: [{ name: 'x', shape: [2, 3], datatype: 'FP64', data: [1, 2, 3] }] }, 400, /shape \[2,3\] \(6 values\) but 3 values/],
    ['a BYTES input', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'BYTES', data: ['a', 'b', 'c'] }] }, 400, /datatype "BYTES"; expected a numeric datatype/],
    ['a string value', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP64', data: [1, 'b', 3] }] }, 400, /data\[1\] is "b"; expected a finite number/],
    ['fractions in INT32', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'INT32', data: [1, 2.5, 3] }] }, 400, /is INT32 but value 1 is 2.5/],
    ['an unknown output', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP64', data: [1, 2, 3] }], outputs: [{ name: 'logits' }] }, 400, /asks for "logits"; model income has the outputs "predict_proba", "predict"/],
    ['a predictor that throws', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP64', data: [-999, 2, 3] }] }, 500, /model income failed on 1 rows: feature 0 out of range/],
  ])('answers %s with {"error"}', async (_what, body, status, message) => {
    const res = await call('POST', '/v2/models/income/infer', body);
    expect(res.status).toBe(status);
    expect(Object.keys(res.json)).toEqual(['error']);
    expect(res.json.error).toMatch(message);
  });

  it('answers an unknown model or version with 404, and malformed JSON with 400', async () => {
    expect(await call('GET', '/v2/models/other')).toMatchObject({ status: 404, json: { error: expect.stringMatching(/model "other" not found/) } });
    expect(await call('GET', '/v2/models/income/versions/2')).toMatchObject({ status: 404, json: { error: expect.stringMatching(/its version is "1"/) } });
    const bad = await call('POST', '/v2/models/income/infer', '{"inputs": [');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json)).toEqual(['error']);
  });
});

describe('KServe v1 endpoints', () => {
  it('lists the model, reports it ready, and predicts instances', async () => {
    expect((await call('GET', '/v1/models')).json).toEqual({ models: ['income'] });
    expect((await call('GET', '/v1/models/income')).json).toEqual({ name: 'income', ready: true });
    const rows = [[39, 4, 1]];
    expect((await call('POST', '/v1/models/income:predict', { instances: rows })).json).toEqual({ predictions: logisticPredictor(rows) });
    // TF Serving's columnar form, and a body sent as text/plain (curl -d): both read as JSON.
    expect((await call('POST', '/v1/models/income:predict', JSON.stringify({ inputs: rows }), 'text/plain')).json).toEqual({
      predictions: logisticPredictor(rows),
    });
  });

  it('answers bad requests with {"error"}', async () => {
    expect(await call('POST', '/v1/models/income:predict', { rows: [] })).toMatchObject({
      status: 400,
      json: { error: expect.stringMatching(/neither "instances" nor "inputs"/) },
    });
    expect(await call('POST', '/v1/models/income:predict', { instances: [[1, 2], [3, 4]] })).toMatchObject({
      status: 400,
      json: { error: expect.stringMatching(/"instances" has 2 values per row \(2 rows\); model income expects 3/) },
    });
    expect(await call('POST', '/v1/models/income:predict', { instances: [[1, 2, 3], [3, 4]] })).toMatchObject({
      status: 400,
      json: { error: expect.stringMatching(/"instances"\[1\] is an array of length 2; expected an array of 3/) },
    });
    expect(await call('POST', '/v1/models/income:explain', { instances: [[1, 2, 3]] })).toMatchObject({
      status: 404,
      json: { error: expect.stringMatching(/no :explain verb here/) },
    });
    expect(await call('POST', '/v1/models/nope:predict', { instances: [[1, 2, 3]] })).toMatchObject({ status: 404 });
    expect(await call('GET', '/v1/models/nope')).toMatchObject({ status: 404 });
  });
});

describe('Seldon Core v1 endpoints', () => {
  it('predicts ndarray and tensor, mirroring the encoding, with the class names', async () => {
    const rows = [
      [1, 2, 3],
      [4, 0, 1],
    ];
    const probs = logisticPredictor(rows);
    const nd = await call('POST', '/api/v1.0/predictions', { data: { names: ['id', 'a', 'b'], ndarray: rows } });
    expect(nd.json).toEqual({ data: { names: ['<=50K', '>50K'], ndarray: probs }, meta: {} });
    const t = await call('POST', '/api/v1.0/predictions', { data: { tensor: { shape: [2, 3], values: rows.flat() } } });
    expect(t.json).toEqual({ data: { names: ['<=50K', '>50K'], tensor: { shape: [2, 2], values: probs.flat() } }, meta: {} });
  });

  it('metadata, ping and status', async () => {
    expect((await call('GET', '/api/v1.0/metadata')).json).toEqual({
      name: 'income',
      versions: ['1'],
      platform: 'glassbox',
      inputs: [{ messagetype: 'ndarray', schema: { names: ['id', 'a', 'b'], shape: [3] } }],
      outputs: [{ messagetype: 'ndarray', schema: { names: ['<=50K', '>50K'], shape: [2] } }],
    });
    expect(await call('GET', '/health/ping')).toMatchObject({ status: 200, text: 'pong' });
    expect((await call('GET', '/health/status')).json.status).toMatchObject({ status: 'SUCCESS' });
  });

  it('answers bad requests with a Seldon status', async () => {
    const res = await call('POST', '/api/v1.0/predictions', { strData: 'hello' });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      status: {
        status: 'FAILURE',
        code: -1,
        info: 'the request carries strData; model income takes a row of 3 features per instance as data.ndarray or data.tensor',
        reason: 'MICROSERVICE_BAD_DATA',
      },
    });
    const names = await call('POST', '/api/v1.0/predictions', { data: { names: ['b', 'a', 'id'], ndarray: [[1, 2, 3]] } });
    expect(names.json.status.info).toMatch(/takes the features \["id","a","b"\] in this order/);
    const failing = await call('POST', '/api/v1.0/predictions', { data: { ndarray: [[-999, 2, 3]] } });
    expect(failing.status).toBe(500);
    expect(failing.json.status.reason).toBe('MICROSERVICE_INTERNAL_ERROR');
  });
});

describe('the server itself', () => {
  it('answers unknown paths with a 404 that points at GET /', async () => {
    expect(await call('GET', '/nowhere')).toMatchObject({ status: 404, json: { error: expect.stringMatching(/GET \/ lists/) } });
    const index = await call('GET', '/');
    expect(index.json.endpoints['kserve-v1']).toContain('POST /v1/models/income:predict');
  });

  it('checks its options', () => {
    const ok = { name: 'm', predictor: logisticPredictor, nFeatures: 3 };
    expect(() => createModelServer({ ...ok, name: 'a/b' })).toThrow(InvalidInputError);
    expect(() => createModelServer({ ...ok, nFeatures: 0 })).toThrow(/nFeatures is 0; expected an integer >= 1/);
    expect(() => createModelServer({ ...ok, featureNames: ['a'] })).toThrow(/featureNames has 1 names but nFeatures is 3/);
    expect(() => createModelServer({ ...ok, port: 70000 })).toThrow(/port is 70000/);
    expect(() => createModelServer({ ...ok, predictor: 'no' as never })).toThrow(/predictor is "no"/);
    expect(() => createModelServer({ ...ok, colour: 'red' } as never)).toThrow(/no option "colour"/);
  });
});
