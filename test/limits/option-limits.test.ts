import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANCHOR_SEARCH_LIMITS, COVERAGE_SAMPLES_MAX } from '../../src/anchors/options.js';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { ByteBudgetCache } from '../../src/core/byte-budget-cache.js';
import { InvalidInputError } from '../../src/core/errors.js';
import { Counterfactual } from '../../src/counterfactuals/counterfactual.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { loadDemoModel } from '../../src/models/demo-models.js';
import type { ListeningExplainerServer } from '../../src/server/server.js';
import { startAdultExplainerServer, type ControlledModel } from '../server/helpers.js';

/**
 * Issue 14, item 1: every explain option has a range (for library calls too), the server adds tighter
 * per-request bounds, caches keyed by request values stay within a byte budget, and a long explanation
 * leaves the event loop free (health answers within 1 s).
 */

const adult = loadAdult();
const row = adult.test.rows[0];

async function adultExplainer(): Promise<AnchorTabular> {
  return await new AnchorTabular(loadDemoModel('adult-gbt').predictor, adult.featureNames, { categoryMap: adult.categoryMap, seed: 1 }).fit(adult.train.rows.slice(0, 2000));
}

describe('option ranges, for library calls', () => {
  const explainer = adultExplainer();
  it.each([
    [{ coverageSamples: 100_000_000 }, `option coverageSamples is 100000000; expected an integer in 1..${COVERAGE_SAMPLES_MAX}`],
    [{ coverageSamples: 1e15 }, `option coverageSamples is 1000000000000000; expected an integer in 1..${COVERAGE_SAMPLES_MAX}`],
    [{ batchSize: 1e6 }, `option batchSize is 1000000; expected an integer in 1..${ANCHOR_SEARCH_LIMITS.batchSize}`],
    [{ beamSize: 21 }, 'option beamSize is 21; expected an integer in 1..20'],
    [{ minSamplesStart: 1e9 }, 'option minSamplesStart is 1000000000; expected an integer in 1..100000'],
  ])('AnchorTabular.explain refuses %j', async (options, message) => {
    const err = await (await explainer).explain(row, options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toBe(message);
  });

  it('Counterfactual refuses maxIter above 100,000', () => {
    expect(() => new Counterfactual(() => [[0.5, 0.5]], { shape: [2], maxIter: 1e6 })).toThrow('option maxIter is 1000000; expected an integer in 1..100000');
  });
});

describe('ByteBudgetCache', () => {
  it('keeps the most recently used values within its budget', () => {
    const cache = new ByteBudgetCache<number, Uint8Array>(100, (v) => v.byteLength);
    for (let k = 0; k < 10; k++) cache.getOrCreate(k, () => new Uint8Array(30));
    expect(cache.size).toBe(3);
    expect(cache.bytes).toBe(90);
    expect(cache.get(9)).toBeDefined();
    expect(cache.get(0)).toBeUndefined();
    cache.get(7);
    cache.getOrCreate(10, () => new Uint8Array(30));
    expect(cache.get(8)).toBeUndefined();
    expect(cache.get(7)).toBeDefined();
    const big = cache.getOrCreate(11, () => new Uint8Array(101));
    expect(big.byteLength).toBe(101);
    expect(cache.get(11)).toBeUndefined();
  });
});

describe('the server', () => {
  let model: ControlledModel;
  let server: ListeningExplainerServer;

  beforeAll(async () => {
    ({ model, server } = await startAdultExplainerServer({ maxCoverageSamples: 5_000 }));
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await model?.server.close();
  });

  const explain = async (parameters: unknown) => {
    const res = await fetch(`${server.url}/explain`, { method: 'POST', body: JSON.stringify({ instance: row, parameters }) });
    return { status: res.status, body: (await res.json()) as { error?: string } };
  };

  it('refuses options above its own per-request bounds with a 400 naming the bound', async () => {
    expect(await explain({ coverageSamples: 5_001 })).toEqual({ status: 400, body: { error: 'option coverageSamples is 5001; this server allows at most 5000 (maxCoverageSamples)' } });
    expect(await explain({ batchSize: 1e6 })).toEqual({ status: 400, body: { error: 'option batchSize is 1000000; this server allows at most 1000 (maxBatchSize)' } });
    expect(await explain({ coverageSamples: 1e15 })).toMatchObject({ status: 400 });
  });

  it('keeps the coverage-sample cache within its budget and answers health within 1 s while explaining', async () => {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    const rssBefore = process.memoryUsage().rss;
    delay.enable();
    const health: number[] = [];
    let explaining = true;
    const probe = (async () => {
      while (explaining) {
        const t = performance.now();
        await fetch(`${server.url}/v2/health/live`);
        health.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    for (let k = 0; k < 6; k++) expect((await explain({ coverageSamples: 4_990 + k })).status).toBe(200);
    explaining = false;
    await probe;
    delay.disable();
    expect(Math.max(...health)).toBeLessThan(1000);
    expect(delay.max / 1e6).toBeLessThan(1000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
  }, 60_000);
});

describe('a long explanation with a synchronous model', () => {
  it('yields to the event loop: no stall of 1 s, even at the largest coverage sample', async () => {
    const explainer = await adultExplainer();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    await explainer.explain(row, { coverageSamples: COVERAGE_SAMPLES_MAX, batchSize: 1000 });
    delay.disable();
    expect(delay.max / 1e6).toBeLessThan(1000);
  }, 60_000);
});
