import { afterEach, describe, expect, it } from 'vitest';
import { RemoteModelError } from '../../src/predictors/remote/errors.js';
import { remotePredictor } from '../../src/predictors/remote/remote-predictor.js';
import type { RemotePredictorOptions } from '../../src/predictors/remote/options.js';
import { VERSION } from '../../src/version.js';
import { closedPort, logisticPredictor, makeRows, sendJson, startServer, type TestServer } from './helpers.js';
import { startSpecServer, type Fault, type SpecServer, type SpecServerConfig } from './spec-server.js';

/** Fault injection over real HTTP: what is retried, what is not, and what the caller is told. */

let server: SpecServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const start = async (config: SpecServerConfig) => (server = await startSpecServer(config));

/** Fast retries for tests. */
const fast: RemotePredictorOptions = { backoffBaseMs: 1, backoffMaxMs: 5 };

const rows = makeRows(1000);
const expected = logisticPredictor(rows);

/** Fails the first `(firstRow / 100) % 3` attempts of each batch of 100 rows with `fault`: 0, 1 or 2 failures per batch. */
function intermittent(fault: Fault) {
  const attempts = new Map<number, number>();
  return (_i: number, firstRow: number): Fault | undefined => {
    const n = (attempts.get(firstRow) ?? 0) + 1;
    attempts.set(firstRow, n);
    return n <= (firstRow / 100) % 3 ? fault : undefined;
  };
}

async function failure(promise: Promise<unknown>): Promise<RemoteModelError> {
  const err = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RemoteModelError);
  return err as RemoteModelError;
}

describe('retried faults give the same result as a clean run', () => {
  it.each([
    ['intermittent 503s', { kind: 'status', status: 503, body: '{"error":"warming up"}' }],
    ['connection resets', { kind: 'reset' }],
    ['429 with Retry-After', { kind: 'status', status: 429, headers: { 'Retry-After': '1' } }],
    ['502 from a gateway', { kind: 'status', status: 502, body: '<html>bad gateway</html>' }],
  ] as [string, Fault][])('%s', async (_name, fault) => {
    const s = await start({ v2: 'flat', fault: intermittent(fault) });
    const predict = await remotePredictor(`${s.url}/v2/models/spec/infer`, { ...fast, maxBatchSize: 100, concurrency: 3 });
    expect(await predict(rows)).toEqual(expected);
    // Batches 0..9 fail 0,1,2,0,1,2,0,1,2,0 times: 9 retries.
    expect(predict.stats.retries).toBe(9);
    expect(predict.stats.failures).toBe(9);
    expect(predict.stats.rows).toBe(1000);
    expect(s.predictionRequests()).toBe(19);
    // Every row was answered exactly once: nothing is predicted twice after a success.
    expect(s.counters.answered.size).toBe(1000);
    expect([...s.counters.answered.values()].every((c) => c === 1)).toBe(true);
  });

  it('a request slower than timeoutMs is retried, and the retry answers', async () => {
    const s = await start({ v1: 'probabilities', fault: intermittent({ kind: 'delay', ms: 600 }) });
    const predict = await remotePredictor(`${s.url}/v1/models/spec:predict`, { ...fast, maxBatchSize: 100, timeoutMs: 250 });
    expect(await predict(rows)).toEqual(expected);
    // At least the 9 delayed attempts timed out (a slow machine may time out more).
    expect(predict.stats.retries).toBeGreaterThanOrEqual(9);
  });
});

describe('failures that end in a RemoteModelError', () => {
  it('responses slower than timeoutMs on every attempt', async () => {
    const s = await start({ v1: 'probabilities', delayMs: 1000 });
    const predict = await remotePredictor(`${s.url}/v1/models/spec:predict`, { ...fast, timeoutMs: 60, retries: 2 });
    const started = Date.now();
    const err = await failure(predict(rows.slice(0, 10)));
    expect(Date.now() - started).toBeLessThan(900);
    expect(err.kind).toBe('timeout');
    expect(err.attempts).toBe(3);
    expect(err.status).toBeUndefined();
    expect(err.url).toBe(`${s.url}/v1/models/spec:predict`);
    expect(err.code).toBe('PREDICTOR_ERROR');
    expect(err.message).toMatch(/got no HTTP answer after 3 attempts \(no answer within timeoutMs = 60 ms; gave up after 2 retries/);
  });

  it('malformed JSON is not retried', async () => {
    const s = await start({ fault: () => ({ kind: 'malformed' }) });
    const predict = await remotePredictor(`${s.url}/v2/models/spec/infer`, fast);
    const err = await failure(predict(rows.slice(0, 10)));
    expect(err.kind).toBe('bad-response');
    expect(err.status).toBe(200);
    expect(err.attempts).toBe(1);
    expect(err.body).toBe('{"outputs": [{"name": "output-0", "data": [0.1, 0.9');
    expect(err.message).toMatch(/answered HTTP 200 with a body that is not JSON/);
    expect(s.predictionRequests()).toBe(1);
  });

  it.each([
    ['v2', '/v2/models/spec/infer', /v2 output "output-0" holds 9 predictions for the 10 rows sent/],
    ['kserve-v1', '/v1/models/spec:predict', /KServe v1 "predictions" holds 9 predictions for the 10 rows sent/],
    ['seldon', '/api/v1.0/predictions', /Seldon "data.ndarray" holds 9 predictions for the 10 rows sent/],
  ])('%s: the wrong number of predictions', async (_protocol, path, message) => {
    const s = await start({ v2: 'flat', fault: () => ({ kind: 'drop-row' }) });
    const predict = await remotePredictor(s.url + path, fast);
    const err = await failure(predict(rows.slice(0, 10)));
    expect(err.kind).toBe('bad-response');
    expect(err.message).toMatch(message);
    expect(err.message).toMatch(/expected exactly one per row/);
    expect(s.predictionRequests()).toBe(1);
  });

  it('a 400 with an error body is not retried, and the server\'s message reaches the caller', async () => {
    const body = JSON.stringify({ error: 'input "features": expected 3 columns, got 4' });
    const s = await start({ fault: () => ({ kind: 'status', status: 400, body }) });
    const predict = await remotePredictor(`${s.url}/v2/models/spec/infer`, fast);
    const err = await failure(predict(rows.slice(0, 10)));
    expect(err.kind).toBe('http-status');
    expect(err.status).toBe(400);
    expect(err.attempts).toBe(1);
    expect(err.body).toBe(body);
    expect(err.message).toContain('failed with HTTP 400 Bad Request after 1 attempt (not retried');
    expect(err.message).toContain('the server said: "input \\"features\\": expected 3 columns, got 4"');
    expect(s.predictionRequests()).toBe(1);
  });

  it('a 500 is not retried; a long body is cut to its first 500 characters', async () => {
    const body = `Internal Server Error: ${'x'.repeat(2000)}`;
    const s = await start({ fault: () => ({ kind: 'status', status: 500, body }) });
    const predict = await remotePredictor(`${s.url}/api/v1.0/predictions`, fast);
    const err = await failure(predict(rows.slice(0, 10)));
    expect(err.status).toBe(500);
    expect(err.attempts).toBe(1);
    expect(err.body).toBe(`${body.slice(0, 500)}…`);
    expect(err.message.length).toBeLessThan(1000);
    expect(s.predictionRequests()).toBe(1);
  });

  it('a 503 on every attempt is retried `retries` times, then reported', async () => {
    const s = await start({ fault: () => ({ kind: 'status', status: 503, body: '{"error":"model is loading"}' }) });
    const predict = await remotePredictor(`${s.url}/v1/models/spec:predict`, { ...fast, retries: 3 });
    const err = await failure(predict(rows.slice(0, 10)));
    expect(err.status).toBe(503);
    expect(err.attempts).toBe(4);
    expect(err.message).toMatch(/HTTP 503 Service Unavailable after 4 attempts \(503 is retried; gave up after 3 retries\); the server said: "model is loading"/);
    expect(s.predictionRequests()).toBe(4);
  });

  it('an endpoint that is down: ECONNREFUSED is retried, then reported', async () => {
    const port = await closedPort();
    const predict = await remotePredictor(`http://127.0.0.1:${port}/v1/models/spec:predict`, { ...fast, retries: 2 });
    const err = await failure(predict(rows.slice(0, 10)));
    expect(err.kind).toBe('network');
    expect(err.attempts).toBe(3);
    expect(err.status).toBeUndefined();
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(err.message).toMatch(/is the model server up/);
    expect(predict.stats.retries).toBe(2);
    // For v2, the metadata request fails the same way when the predictor is created.
    const v2 = await failure(remotePredictor(`http://127.0.0.1:${port}/v2/models/spec/infer`, { ...fast, retries: 1 }));
    expect(v2.message).toMatch(/^model metadata request to http:\/\/127\.0\.0\.1:\d+\/v2\/models\/spec got no HTTP answer after 2 attempts/);
  });

  it('when one batch fails for good, the call rejects at once and its other requests are abandoned', async () => {
    const s = await start({
      v1: 'probabilities',
      fault: (_i, first) => (first === 0 ? { kind: 'status', status: 400, body: '{"error":"bad row"}' } : { kind: 'delay', ms: 2000 }),
    });
    const predict = await remotePredictor(`${s.url}/v1/models/spec:predict`, { ...fast, maxBatchSize: 100, concurrency: 4 });
    const started = Date.now();
    const err = await failure(predict(rows));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err.status).toBe(400);
    expect(s.predictionRequests()).toBeLessThanOrEqual(4);
    expect(predict.stats.rows).toBe(0);
  });
});

describe('transport', () => {
  let plain: TestServer | undefined;
  afterEach(async () => {
    await plain?.close();
    plain = undefined;
  });

  it('a response cut off before its Content-Length is retried, and the retry answers', async () => {
    const agents: (string | undefined)[] = [];
    plain = await startServer((req, body, res) => {
      agents.push(req.headers['user-agent']);
      const { instances } = JSON.parse(body) as { instances: number[][] };
      const text = JSON.stringify({ predictions: logisticPredictor(instances) });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      if (agents.length === 1) {
        res.write(text.slice(0, 20)); // half an answer, then the connection drops
        setTimeout(() => res.destroy(), 10);
      } else {
        res.end(text);
      }
    });
    const predict = await remotePredictor(`${plain.url}/v1/models/spec:predict`, fast);
    expect(await predict(rows.slice(0, 10))).toEqual(expected.slice(0, 10));
    expect(predict.stats.retries).toBe(1);
    expect(agents).toEqual([`glassbox/${VERSION}`, `glassbox/${VERSION}`]);
  });
});

describe('AbortSignal', () => {
  it('an aborted signal stops a call in flight, and every later call, without partial results', async () => {
    const s = await start({ delayMs: 2000 });
    const controller = new AbortController();
    const predict = await remotePredictor(`${s.url}/api/v1.0/predictions`, {
      ...fast,
      signal: controller.signal,
      maxBatchSize: 100,
    });
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('user pressed stop')), 50);
    const err = await failure(predict(rows));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err.kind).toBe('aborted');
    expect(err.message).toMatch(/aborted by the caller's signal \(user pressed stop\)/);
    const before = s.predictionRequests();
    const again = await failure(predict(rows));
    expect(again.kind).toBe('aborted');
    expect(again.attempts).toBe(0);
    expect(s.predictionRequests()).toBe(before);
  });

  it('a signal aborted before the predictor is created', async () => {
    const s = await start({});
    const err = await failure(
      remotePredictor(`${s.url}/v2/models/spec/infer`, { ...fast, signal: AbortSignal.abort() }),
    );
    expect(err.kind).toBe('aborted');
    expect(s.counters.requests).toBe(0);
  });
});
