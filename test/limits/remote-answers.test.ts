import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteModelError } from '../../src/predictors/remote/errors.js';
import { remotePredictor } from '../../src/predictors/remote/remote-predictor.js';
import { loadServableExplainer } from '../../src/server/servable-explainer.js';
import { createExplainerServer } from '../../src/server/server.js';
import { saveAdultExplainer } from '../server/helpers.js';
import { makeRows, sendJson, sleep, startServer, type TestServer } from '../remote/helpers.js';

/**
 * Issue 14, item 2: a fake Open Inference Protocol model server (node:http, written from the spec)
 * answering oversized, truncated, wrong-typed and slow bodies; the remote predictor reads at most
 * `maxResponseBytes` and fails with a typed error for each, and the explainer server stays not ready,
 * with the reason, when the model's metadata disagrees with the explainer.
 */

type Mode = 'ok' | 'huge' | 'truncated' | 'strings' | 'slow';
let mode: Mode = 'ok';
let features = 3;
let datatype = 'FP64';
let server: TestServer;

beforeAll(async () => {
  server = await startServer(async (req, body, res) => {
    if (req.method === 'GET' && req.url?.endsWith('/ready')) return void sendJson(res, 200, {});
    if (req.method === 'GET') {
      return void sendJson(res, 200, { name: 'm', platform: 'test', inputs: [{ name: 'x', datatype, shape: [-1, features] }], outputs: [] });
    }
    const n = (JSON.parse(body) as { inputs: [{ shape: number[] }] }).inputs[0].shape[0];
    const probabilities = Array.from({ length: n }, () => [0.3, 0.7]);
    const answer = { model_name: 'm', outputs: [{ name: 'p', datatype: 'FP64', shape: [n, 2], data: probabilities.flat() }] };
    if (mode === 'ok') return void sendJson(res, 200, answer);
    if (mode === 'strings') return void sendJson(res, 200, { ...answer, outputs: [{ ...answer.outputs[0], data: probabilities.flat().map(String) }] });
    if (mode === 'slow') {
      await sleep(400);
      return void sendJson(res, 200, answer);
    }
    if (mode === 'truncated') {
      const text = JSON.stringify(answer);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end(text.slice(0, text.length - 10));
    }
    // huge: a valid answer padded with 8 MB of parameters, streamed without a Content-Length.
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write(`{"parameters": {"pad": "`);
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 128 && !res.destroyed; i++) {
      if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
    }
    res.end(`"}, "outputs": ${JSON.stringify(answer.outputs)}}`);
  });
});

afterAll(async () => {
  await server?.close();
});

const url = () => `${server.url}/v2/models/m/infer`;

async function failure(promise: Promise<unknown>): Promise<RemoteModelError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RemoteModelError);
  return err as RemoteModelError;
}

describe('remote answers', () => {
  it('reads at most maxResponseBytes (default 64 KiB + 1 KiB a row): a larger answer is response-too-large, not retried', async () => {
    mode = 'huge';
    const rssBefore = process.memoryUsage().rss;
    const predict = await remotePredictor(url(), { retries: 2 });
    const before = server.counters.requests;
    const err = await failure(predict(makeRows(10)));
    expect(err.kind).toBe('response-too-large');
    expect(err.message).toMatch(/answered more than 75776 bytes \(maxResponseBytes, sized from the rows asked\)/);
    expect(server.counters.requests - before).toBe(1);
    const fixed = await remotePredictor(url(), { maxResponseBytes: 1000, retries: 0 });
    expect((await failure(fixed(makeRows(1)))).message).toMatch(/answered more than 1000 bytes \(maxResponseBytes\)/);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
    predict.close();
    fixed.close();
  });

  it('a truncated, wrong-typed or slow answer is a typed error naming it', async () => {
    const predict = await remotePredictor(url(), { retries: 0, timeoutMs: 200 });
    mode = 'truncated';
    expect((await failure(predict(makeRows(2)))).kind).toBe('bad-response');
    mode = 'strings';
    const wrong = await failure(predict(makeRows(2)));
    expect(wrong.kind).toBe('bad-response');
    expect(wrong.message).toMatch(/v2 output "p" data\[0\] is "0.3"; expected a finite number/);
    mode = 'slow';
    expect((await failure(predict(makeRows(2)))).kind).toBe('timeout');
    mode = 'ok';
    expect(await predict(makeRows(2))).toEqual([
      [0.3, 0.7],
      [0.3, 0.7],
    ]);
    predict.close();
  });
});

describe('a model whose metadata disagrees with the explainer', () => {
  it('keeps the explainer server not ready, with the reason (width, then datatype), and explain answers 503, not 400', async () => {
    mode = 'ok';
    features = 5; // the saved Adult explainer has 12
    const dir = await saveAdultExplainer();
    const listening = await createExplainerServer({
      predictorUrl: url(),
      port: 0,
      logLevel: 'silent',
      explainer: (predictor) => loadServableExplainer(dir, predictor),
    }).listen();
    try {
      let ready: { status: number; body: { ready: boolean; reason?: string } } | undefined;
      for (let i = 0; i < 100; i++) {
        const res = await fetch(`${listening.url}/v2/health/ready`);
        ready = { status: res.status, body: (await res.json()) as { ready: boolean; reason?: string } };
        if (ready.body.reason?.includes('metadata')) break;
        await sleep(50);
      }
      expect(ready?.status).toBe(503);
      expect(ready?.body.reason).toMatch(/the model's metadata says its input "x" takes 5 values per row, but the explainer's rows have 12/);
      const res = await fetch(`${listening.url}/explain`, { method: 'POST', body: JSON.stringify({ instance: new Array(12).fill(0) }) });
      expect(res.status).toBe(503);
      features = 12;
      datatype = 'INT8';
      for (let i = 0; i < 100; i++) {
        const res = await fetch(`${listening.url}/v2/health/ready`);
        ready = { status: res.status, body: (await res.json()) as { ready: boolean; reason?: string } };
        if (ready.body.reason?.includes('INT8')) break;
        await sleep(50);
      }
      expect(ready?.body.reason).toMatch(/its input "x" is INT8 \(integers in \[-128, 127\]\), but the explainer's rows hold values from 0 to \d+/);
      datatype = 'FP64';
      for (let i = 0; i < 100 && (await fetch(`${listening.url}/v2/health/ready`)).status !== 200; i++) await sleep(100);
      expect((await fetch(`${listening.url}/v2/health/ready`)).status).toBe(200);
    } finally {
      await listening.close();
    }
  }, 30_000);
});
