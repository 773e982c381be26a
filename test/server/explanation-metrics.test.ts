import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { blackboxLocalMeta } from '../../src/core/explanation.js';
import { createModelServer, type ListeningModelServer } from '../../src/model-server/server.js';
import { createExplainerServer, type ListeningExplainerServer } from '../../src/server/server.js';

/**
 * The explanation histograms of the explainer server: a real AnchorTabular explaining a model served on
 * 127.0.0.1 (through the server's predictor), and a counterfactual-shaped explanation, each observed in
 * glassbox_anchor_* / glassbox_counterfactual_distance / glassbox_explanation_model_calls_by_class
 * under their explainer and class.
 */

let model: ListeningModelServer;
let server: ListeningExplainerServer;

beforeAll(async () => {
  model = await createModelServer({ name: 'm', nFeatures: 2, port: 0, predictor: (rows) => rows.map((r) => (r[0] > 0 ? [0.2, 0.8] : [0.9, 0.1])) }).listen();
  const training = Array.from({ length: 200 }, (_, i) => [(i % 20) - 10, i % 7]);
  server = await createExplainerServer({
    modelName: 'm',
    predictorUrl: `${model.url}/v1/models/m:predict`,
    port: 0,
    explainer: async (predictor) => {
      const anchors = await new AnchorTabular(predictor, ['a', 'b'], { seed: 1 }).fit(training);
      return {
        instanceDescription: 'a row of 2 numbers',
        async explain(instance) {
          const row = instance as number[];
          if (row[1] === 99) return { meta: blackboxLocalMeta('CounterfactualProto', {}), data: { orig_class: 1, cf: { distance: 0.75, class: 0 }, model_calls: 40 } };
          if (row[1] === 98) return { meta: blackboxLocalMeta('DiverseCounterfactuals', {}), data: { orig_class: 0, cfs: [{ distance: 0.25 }, { distance: 2 }], model_calls: 12 } };
          return anchors.explain(row, { coverageSamples: 200 });
        },
      };
    },
  }).listen();
  await server.ready;
});

afterAll(async () => {
  await server?.close();
  await model?.close();
});

/** Prometheus text samples of `name` with exactly these labels (in any order). */
async function sample(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const have = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (JSON.stringify(Object.entries(have).sort()) === JSON.stringify(Object.entries(labels).sort())) return Number(m[3]);
  }
  return undefined;
}

async function explain(instance: number[]) {
  const res = await fetch(`${server.url}/explain`, { method: 'POST', body: JSON.stringify({ instance }) });
  expect(res.status).toBe(200);
  return (await res.json()) as { data: { precision: number; coverage: number; anchor: string[]; raw: { prediction: number; model_calls: number } } };
}

describe('explanation metrics of the explainer server', () => {
  it('observes each anchor\'s precision, coverage, size and model calls, and each counterfactual\'s distance, by explainer and class', async () => {
    const positive = await explain([5, 3]);
    const negative = await explain([-5, 3]);
    expect([positive.data.raw.prediction, negative.data.raw.prediction]).toEqual([1, 0]);
    await explain([1, 99]);
    for (const e of [positive, negative]) {
      const labels = { model_name: 'm', explainer: 'AnchorTabular', class: String(e.data.raw.prediction) };
      expect(await sample('glassbox_anchor_precision_sum', labels)).toBe(e.data.precision);
      expect(await sample('glassbox_anchor_precision_count', labels)).toBe(1);
      expect(await sample('glassbox_anchor_coverage_sum', labels)).toBe(e.data.coverage);
      expect(await sample('glassbox_anchor_size_sum', labels)).toBe(e.data.anchor.length);
      expect(await sample('glassbox_explanation_model_calls_by_class_sum', labels)).toBe(e.data.raw.model_calls);
      expect(await sample('glassbox_anchor_precision_bucket', { ...labels, le: '1' })).toBe(1);
    }
    const cf = { model_name: 'm', explainer: 'CounterfactualProto', class: '1' };
    expect(await sample('glassbox_counterfactual_distance_sum', cf)).toBe(0.75);
    expect(await sample('glassbox_counterfactual_distance_bucket', { ...cf, le: '0.5' })).toBe(0);
    expect(await sample('glassbox_counterfactual_distance_bucket', { ...cf, le: '1' })).toBe(1);
    expect(await sample('glassbox_explanation_model_calls_by_class_sum', cf)).toBe(40);
    expect(await sample('glassbox_anchor_precision_count', cf)).toBeUndefined();
    // A set of counterfactuals: each one's distance, and the model calls of its snake_case field.
    await explain([1, 98]);
    const diverse = { model_name: 'm', explainer: 'DiverseCounterfactuals', class: '0' };
    expect(await sample('glassbox_counterfactual_distance_count', diverse)).toBe(2);
    expect(await sample('glassbox_counterfactual_distance_sum', diverse)).toBe(2.25);
    expect(await sample('glassbox_explanation_model_calls_by_class_sum', diverse)).toBe(12);
  });
});
