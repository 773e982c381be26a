import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdult } from '../../src/datasets/adult.js';
import { loadDemoModel } from '../../src/models/demo-models.js';
import { loadExplainer } from '../../src/persistence/explainer-dir.js';
import { closedPort } from '../remote/helpers.js';
import { saveAdultExplainer, startCli, startExplainerServer, stop, waitUntilReady, type CliProcess } from './helpers.js';

/**
 * The explainer server as a process, in front of `glassbox serve-model adult` as another process, over
 * HTTP on 127.0.0.1: readiness, the four explain routes against the library, metrics, logs, and the
 * requests it refuses.
 */

/** Cheap explain options (the default 10,000 coverage samples would only slow the tests down). */
const PARAMS = { coverageSamples: 500 };
const BODY_LIMIT = 4096;

let dir: string;
let model: CliProcess | undefined;
let server: CliProcess | undefined;
let url: string;
let modelPort: number;

beforeAll(async () => {
  dir = await saveAdultExplainer();
  modelPort = await closedPort();
  ({ cli: server, url } = await startExplainerServer([
    '--explainer', dir,
    '--predictor-url', `http://127.0.0.1:${modelPort}/v2/models/adult/infer`,
    '--model-name', 'adult',
    '--body-limit', String(BODY_LIMIT),
  ]));
}, 60_000);

afterAll(async () => {
  await stop(server);
  await stop(model);
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The sum of a metric's samples whose labels include `labels`, from the Prometheus text format. */
async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const have = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => have.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

describe('glassbox serve, in front of glassbox serve-model', () => {
  it('is live at once, but ready only once the model answers; until then explain is a 503 with the reason', async () => {
    expect(await (await fetch(`${url}/v2/health/live`)).json()).toEqual({ live: true });
    // First loading the explainer, then waiting for the model (which is not up yet).
    const first = await fetch(`${url}/v2/health/ready`);
    expect(first.status).toBe(503);
    expect(((await first.json()) as { reason: string }).reason).toMatch(/^(the explainer is loading|waiting for the model)/);
    await expect
      .poll(async () => ((await (await fetch(`${url}/v2/health/ready`)).json()) as { reason: string }).reason)
      .toMatch(`waiting for the model at http://127.0.0.1:${modelPort}/v2/models/adult/infer`);
    expect((await fetch(`${url}/v1/models/adult`)).status).toBe(503);
    const early = await post('/explain', { instance: loadAdult().test.rows[0] });
    expect(early.status).toBe(503);
    expect(JSON.parse(early.text).error).toMatch(/^the explainer is not ready: waiting for the model/);

    model = startCli(['serve-model', 'adult', '--port', String(modelPort)]);
    await model.waitFor(/Serving adult-gbt/);
    await waitUntilReady(url);
    expect(await (await fetch(`${url}/v2/health/ready`)).json()).toEqual({ ready: true });
    expect(await (await fetch(`${url}/v1/models/adult`)).json()).toEqual({ name: 'adult', ready: true });
    expect(server!.logs().some((l) => l.msg === 'ready: the explainer is loaded and the model answers')).toBe(true);
  }, 30_000);

  it('answers every explain route with exactly the JSON the library gives for the same saved explainer and seed', async () => {
    const adult = loadAdult();
    const library = await loadExplainer(dir, loadDemoModel('adult-gbt').predictor);
    for (const rowIndex of [0, 15]) {
      const row = adult.test.rows[rowIndex];
      const expected = JSON.stringify(await library.explain(row, PARAMS));

      const v1 = await post('/v1/models/adult:explain', { instances: [row], parameters: PARAMS });
      expect(v1.status).toBe(200);
      expect(v1.text).toBe(expected);

      const plain = await post('/explain', { instance: row, parameters: PARAMS });
      expect(plain.text).toBe(expected);

      const seldon = await post('/api/v1.0/explain', { data: { ndarray: [row] }, parameters: PARAMS });
      expect(seldon.text).toBe(expected);
      // By feature name, in another column order.
      const names = [...adult.featureNames].reverse();
      const byName = await post('/api/v1.0/explain', { data: { names, ndarray: [[...row].reverse()] }, parameters: PARAMS });
      expect(byName.text).toBe(expected);
      const tensor = await post('/api/v1.0/explain', { data: { tensor: { shape: [1, row.length], values: row } }, parameters: PARAMS });
      expect(tensor.text).toBe(expected);

      const v2 = await post('/v2/models/adult/infer', {
        id: `row-${rowIndex}`,
        inputs: [{ name: 'input-0', datatype: 'FP64', shape: [1, row.length], data: row }],
        parameters: { explain_parameters: PARAMS },
      });
      expect(v2.status).toBe(200);
      expect(JSON.parse(v2.text)).toEqual({
        model_name: 'adult',
        id: `row-${rowIndex}`,
        parameters: { content_type: 'str', headers: { 'x-seldon-alibi-type': 'explanation', 'x-seldon-alibi-method': 'anchor_tabular' } },
        outputs: [{ name: 'explanation', shape: [1, 1], datatype: 'BYTES', parameters: { content_type: 'str' }, data: [expected] }],
      });
    }
    // The explanation of held-out row 15 is the README's three-condition anchor.
    const row15 = JSON.parse((await post('/explain', { instance: adult.test.rows[15], parameters: PARAMS })).text);
    expect(row15.data.anchor.length).toBeGreaterThanOrEqual(2);
    expect(row15.data.raw.model_calls).toBeGreaterThan(1);
  }, 30_000);

  it('logs one JSON line per request with its request id, answers it as x-request-id, and counts the model calls', async () => {
    const row = loadAdult().test.rows[0];
    const res = await post('/explain', { instance: row, parameters: PARAMS }, { 'x-request-id': 'trace-0042' });
    expect(res.headers.get('x-request-id')).toBe('trace-0042');
    const explanation = JSON.parse(res.text);
    await expect.poll(() => server!.logs().filter((l) => l.requestId === 'trace-0042')).toHaveLength(1);
    const line = server!.logs().find((l) => l.requestId === 'trace-0042')!;
    expect(line).toMatchObject({ msg: 'request', method: 'POST', url: '/explain', route: '/explain', status: 200 });
    expect(line.modelCalls).toBe(explanation.data.raw.model_calls);
    expect(line.modelRows).toBe(explanation.data.raw.model_rows);
    // A request id that could forge log fields is replaced by a fresh one.
    const forged = await post('/explain', { instance: row, parameters: PARAMS }, { 'x-request-id': 'a"b' });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('changes its metrics with every explanation', async () => {
    const requests = { route: '/v1/models/:nameAndVerb', method: 'POST', status: '200' };
    const before = {
      requests: await metric('glassbox_http_requests_total', requests),
      explained: await metric('request_explain_seconds_count', { model_name: 'adult' }),
      calls: await metric('glassbox_explanation_model_calls_sum'),
      rows: await metric('glassbox_explanation_model_rows_sum'),
      badRequests: await metric('glassbox_explain_errors_total', { reason: 'bad_request' }),
    };
    const res = await post('/v1/models/adult:explain', { instances: [loadAdult().test.rows[3]], parameters: PARAMS });
    const { raw } = JSON.parse(res.text).data;
    await post('/v1/models/adult:explain', { instances: [] });
    await expect.poll(() => metric('glassbox_http_requests_total', requests)).toBe(before.requests + 1);
    expect(await metric('request_explain_seconds_count', { model_name: 'adult' })).toBe(before.explained + 1);
    expect(await metric('glassbox_explanation_model_calls_sum')).toBe(before.calls + raw.model_calls);
    expect(await metric('glassbox_explanation_model_rows_sum')).toBe(before.rows + raw.model_rows);
    expect(await metric('glassbox_explain_errors_total', { reason: 'bad_request' })).toBe(before.badRequests + 1);
    expect(await metric('glassbox_explanations_in_progress')).toBe(0);
  });

  it('answers bad bodies with 400 and the reason, in each protocol\'s error format', async () => {
    const row = loadAdult().test.rows[0];
    const cases: Array<[string, unknown, RegExp]> = [
      ['/explain', '{"instance": [1, 2', /^the request body is not valid JSON/],
      ['/explain', { instance: row, extra: 1 }, /^body must NOT have additional properties \("extra"\); expected \{"instance": INSTANCE/],
      ['/explain', { instance: 'text' }, /^the instance is "text"; expected a row of 12 values/],
      ['/explain', { instance: row.slice(0, 3) }, /^the explained row has 3 values; expected 12, one per feature \(Age, Workclass/],
      ['/explain', { instance: row, parameters: { treshold: 0.9 } }, /unknown option "treshold"; known options are: .*threshold/],
      ['/explain', { instance: row, parameters: { threshold: 2 } }, /option threshold is 2; expected a number in \(0, 1\]/],
      ['/v1/models/adult:explain', { instances: [row, row] }, /^body\/instances must NOT have more than 1 items; expected \{"instances": \[ONE INSTANCE\]/],
      ['/v1/models/adult:explain', {}, /^body must have required property 'instances'/],
      ['/v2/models/adult/infer', { inputs: [{ name: 'x', datatype: 'FP64', shape: [2, 12], data: [...row, ...row] }] }, /has shape \[2,12\]; expected \[1, ...\] \(or \[N\] for a row\): one instance to explain/],
      ['/v2/models/adult/infer', { inputs: [{ name: 'x', datatype: 'BYTES', shape: [1, 12], data: row }] }, /^input "x" is BYTES of shape \[1,12\] holding 12 elements; expected shape \[1\] and one string/],
      ['/v2/models/adult/infer', { inputs: [{ name: 'x', datatype: 'FP64', shape: [1, 13], data: row }] }, /shape/],
      ['/v2/models/adult/infer', { inputs: [{ name: 'x', datatype: 'INT64', shape: [1, 12], data: [39.5, ...row.slice(1)] }] }, /^input "x" is INT64 but value 0 is 39.5; expected integers in \[-9007199254740991, 9007199254740991\]$/],
    ];
    for (const [path, body, message] of cases) {
      const res = await post(path, body);
      expect({ path, body, status: res.status }).toEqual({ path, body, status: 400 });
      expect(JSON.parse(res.text).error).toMatch(message);
    }
    const seldon = await post('/api/v1.0/explain', { data: { ndarray: [row], names: ['Age'] } });
    expect(seldon.status).toBe(400);
    expect(JSON.parse(seldon.text)).toEqual({
      status: { status: 'FAILURE', code: -1, reason: 'MICROSERVICE_BAD_DATA', info: 'data.names has 1 names but the row has 12 values; expected one name per value' },
    });
    const predict = await post('/v1/models/adult:predict', { instances: [row] });
    expect(predict.status).toBe(404);
    expect(JSON.parse(predict.text).error).toMatch(/this explainer answers POST \/v1\/models\/adult:explain/);
    const other = await post('/v1/models/income:explain', { instances: [row] });
    expect(other.status).toBe(404);
  });

  it('answers a body over the limit with 413, naming the limit', async () => {
    const big = { instance: loadAdult().test.rows[0], parameters: { padding: 'x'.repeat(BODY_LIMIT) } };
    const res = await post('/explain', big);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text)).toEqual({ error: `the request body is larger than the limit of ${BODY_LIMIT} bytes (bodyLimit)` });
  });
});
