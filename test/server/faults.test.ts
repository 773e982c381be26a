import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdult } from '../../src/datasets/adult.js';
import { sleep } from '../remote/helpers.js';
import { saveAdultExplainer, startControlledModel, startExplainerServer, stop, waitUntilReady, type CliProcess, type ControlledModel } from './helpers.js';

/**
 * The explainer server as a process in front of a model whose latency and failures the test controls:
 * the bearer token, the request id sent to the model, the concurrency bound (429), the time budget (504,
 * and the work stops), and the model failing or down (502), without the server ever crashing.
 */

const TOKEN = 'test-token-7Qx';
const BUDGET_MS = 1500;
/** Cheap explain options. */
const PARAMS = { coverageSamples: 500 };

let model: ControlledModel;
let server: CliProcess | undefined;
let url: string;
let row: number[];

beforeAll(async () => {
  row = loadAdult().test.rows[0];
  const [dir, m] = await Promise.all([saveAdultExplainer(), startControlledModel()]);
  model = m;
  ({ cli: server, url } = await startExplainerServer(
    ['--explainer', dir, '--predictor-url', model.inferUrl, '--model-name', 'adult', '--max-concurrent', '1', '--max-queue', '0', '--explain-timeout-ms', String(BUDGET_MS)],
    { GLASSBOX_TOKEN: TOKEN },
  ));
  await waitUntilReady(url);
}, 60_000);

afterAll(async () => {
  await stop(server);
  await model?.server.close();
});

const auth = { authorization: `Bearer ${TOKEN}` };

async function explain(headers: Record<string, string> = auth, body: unknown = { instance: row, parameters: PARAMS }) {
  const res = await fetch(`${url}/explain`, { method: 'POST', body: JSON.stringify(body), headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe('glassbox serve under faults', () => {
  it('refuses explain requests without the bearer token (401), but not health or metrics', async () => {
    const none = await explain({});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="glassbox"');
    expect(none.body).toEqual({ error: 'this explainer needs an "Authorization: Bearer TOKEN" header' });
    const wrong = await explain({ authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="glassbox", error="invalid_token"');
    const v1 = await fetch(`${url}/v1/models/adult:explain`, { method: 'POST', body: JSON.stringify({ instances: [row] }), headers: { authorization: `Basic ${TOKEN}` } });
    expect(v1.status).toBe(401);
    const seldon = await fetch(`${url}/api/v1.0/explain`, { method: 'POST', body: '{}' });
    expect(seldon.status).toBe(401);
    expect(((await seldon.json()) as { status: { info: string } }).status.info).toMatch(/Bearer TOKEN/);
    expect((await fetch(`${url}/v2/health/ready`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/glassbox_explain_errors_total\{model_name="adult",reason="unauthorized"\} 4/);
  });

  it('sends the request id to the model with every model call of the explanation', async () => {
    const before = model.requestIds.length;
    const res = await explain({ ...auth, 'x-request-id': 'req-42' });
    expect(res.status).toBe(200);
    const calls = model.requestIds.slice(before);
    expect(calls.length).toBe((res.body.data as { raw: { model_calls: number } }).raw.model_calls);
    expect(new Set(calls)).toEqual(new Set(['req-42']));
  });

  it('answers 429 with Retry-After when every slot is busy and the queue is 0', async () => {
    model.delayMs = 150;
    try {
      const first = explain();
      await sleep(100);
      const gauges = await (await fetch(`${url}/metrics`)).text();
      expect(gauges).toContain('glassbox_explanations_in_progress{model_name="adult"} 1');
      expect(gauges).toContain('glassbox_explanations_queued{model_name="adult"} 0');
      const second = await explain();
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).toBe('1');
      expect(second.body.error).toBe('too many explanations: 1 running and 0 waiting (maxConcurrent, maxQueue); retry later');
      expect((await first).status).toBe(200);
    } finally {
      model.delayMs = 0;
    }
  });

  it('answers 504 when the time budget runs out, and the explanation stops calling the model', async () => {
    model.delayMs = 600;
    try {
      const started = Date.now();
      const res = await explain();
      const elapsed = Date.now() - started;
      expect(res.status).toBe(504);
      expect(res.body.error).toMatch(/^the time budget of 1500 ms \(explainTimeoutMs\) ran out while explaining; the explanation was stopped after \d+ model calls?$/);
      expect(elapsed).toBeGreaterThanOrEqual(BUDGET_MS - 50);
      expect(elapsed).toBeLessThan(BUDGET_MS + 1000);
      const calls = model.requestIds.length;
      await sleep(1500);
      expect(model.requestIds.length).toBe(calls);
    } finally {
      model.delayMs = 0;
    }
    // The slot was given back: the next explanation runs.
    expect((await explain()).status).toBe(200);
  });

  it('stops an explanation whose client went away', async () => {
    model.delayMs = 400;
    try {
      const client = new AbortController();
      const pending = fetch(`${url}/explain`, { method: 'POST', body: JSON.stringify({ instance: row, parameters: PARAMS }), headers: auth, signal: client.signal });
      await sleep(200);
      client.abort();
      await expect(pending).rejects.toThrow();
      await sleep(300);
      const calls = model.requestIds.length;
      await sleep(900);
      expect(model.requestIds.length).toBe(calls);
      expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/glassbox_explain_errors_total\{model_name="adult",reason="cancelled"\} 1/);
    } finally {
      model.delayMs = 0;
    }
  });

  it('answers 502 with the model\'s error when the model fails, and keeps serving', async () => {
    model.failure = 'the GPU caught fire';
    try {
      const res = await explain();
      expect(res.status).toBe(502);
      expect(res.body.error).toMatch(/^the model failed: prediction request to http:\/\/127\.0\.0\.1:\d+\/v2\/models\/adult\/infer failed with HTTP 500/);
      expect(res.body.error).toContain('the GPU caught fire');
      expect(res.body.error).not.toMatch(/\n\s+at /);
    } finally {
      model.failure = undefined;
    }
    expect((await explain()).status).toBe(200);
  });

  it('answers 502 naming the model URL when the model is down, and stays alive', async () => {
    await model.server.close();
    const res = await explain();
    expect(res.status).toBe(502);
    expect(res.body.error).toMatch(/^the model failed: prediction request to .* got no HTTP answer after 4 attempts \(ECONNREFUSED/);
    expect((await fetch(`${url}/v2/health/live`)).status).toBe(200);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/glassbox_explain_errors_total\{model_name="adult",reason="model_error"\} 2/);
    expect(server!.child.exitCode).toBe(null);
  });
});
