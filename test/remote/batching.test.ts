import { afterEach, describe, expect, it } from 'vitest';
import { remotePredictor } from '../../src/predictors/remote/remote-predictor.js';
import { logisticPredictor, makeRows } from './helpers.js';
import { startSpecServer, type SpecServer, type SpecServerConfig } from './spec-server.js';

/** Batch splitting, row order and the concurrency limit, as seen by a server that counts. */

let server: SpecServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const start = async (config: SpecServerConfig) => (server = await startSpecServer(config));

describe('batching', () => {
  it('2,500 rows in batches of 300: 9 requests, exact sizes, every row once, in order', async () => {
    const s = await start({ v2: 'flat' });
    const rows = makeRows(2500);
    const predict = await remotePredictor(`${s.url}/v2/models/spec/infer`, { maxBatchSize: 300, concurrency: 4 });
    const out = await predict(rows);
    expect(out).toEqual(logisticPredictor(rows));
    expect(s.predictionRequests()).toBe(9);
    expect([...s.counters.batchSizes].sort((a, b) => a - b)).toEqual([100, 300, 300, 300, 300, 300, 300, 300, 300]);
    expect(s.counters.answered.size).toBe(2500);
    expect([...s.counters.answered.values()].every((c) => c === 1)).toBe(true);
    expect(predict.stats.rows).toBe(2500);
  });

  it('keeps row order when later batches answer first', async () => {
    // The first batches are the slowest, so answers arrive in reverse order.
    const s = await start({ v1: 'labels', fault: (_i, first) => ({ kind: 'delay', ms: Math.max(0, 120 - first / 5) }) });
    const rows = makeRows(600);
    const predict = await remotePredictor(`${s.url}/v1/models/spec:predict`, { maxBatchSize: 100, concurrency: 6 });
    const out = await predict(rows);
    expect(out).toEqual(logisticPredictor(rows).map((p) => (p[1] > p[0] ? 1 : 0)));
  });
});

describe('concurrency', () => {
  it.each([1, 3])('at most %i requests in flight, and as many as allowed', async (concurrency) => {
    const s = await start({ v1: 'probabilities', delayMs: 25 });
    const predict = await remotePredictor(`${s.url}/v1/models/spec:predict`, { maxBatchSize: 50, concurrency });
    expect(await predict(makeRows(600))).toEqual(logisticPredictor(makeRows(600)));
    expect(s.predictionRequests()).toBe(12);
    expect(s.counters.maxInFlight).toBe(concurrency);
  });

  it('the limit holds over concurrent calls of one predictor', async () => {
    const s = await start({ v1: 'probabilities', delayMs: 25 });
    const predict = await remotePredictor(`${s.url}/v1/models/spec:predict`, { maxBatchSize: 50, concurrency: 2 });
    const a = makeRows(300);
    const b = makeRows(400).slice(300);
    const [outA, outB] = await Promise.all([predict(a), predict(b)]);
    expect(outA).toEqual(logisticPredictor(a));
    expect(outB).toEqual(logisticPredictor(b));
    expect(s.counters.maxInFlight).toBe(2);
    expect(predict.stats.calls).toBe(2);
    expect(predict.stats.rows).toBe(400);
  });
});
