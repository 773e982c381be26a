import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnchorTabular, type AnchorTabularData } from '../../src/anchors/tabular/anchor-tabular.js';
import { satisfiesAnchor, type TabularPredicate } from '../../src/anchors/tabular/predicates.js';
import { explainBatch } from '../../src/batch/explain-batch.js';
import { BATCH_DEMO_MODULE } from '../../src/cli/batch-demo.js';
import { ExplanationTypeError, InvalidInputError } from '../../src/core/errors.js';
import type { Explanation } from '../../src/core/explanation.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { loadDemoModel } from '../../src/models/demo-models.js';
import { pickAnchors, summarizeAnchors, type ExplainedRow } from '../../src/summary/anchor-summary.js';
import { summarizeBatchFile } from '../../src/summary/batch-summary.js';

/** A hand-made AnchorTabular explanation of a two-feature row (x0 numeric, x1 categorical a/b). */
function explained(row: number, instance: number[], prediction: number, predicates: TabularPredicate[], success = true): ExplainedRow {
  const data = {
    anchor: predicates.map((p) => p.text),
    precision: 0.97,
    coverage: 0.3,
    raw: { predicates, instance, prediction, success },
  } as unknown as AnchorTabularData;
  return { row, explanation: { meta: { name: 'AnchorTabular', type: ['blackbox'], explanations: ['local'], params: { seed: 1, threshold: 0.95 }, version: 'test' }, data } };
}
const low: TabularPredicate = { feature: 0, name: 'x0', op: 'range', upper: 5, text: 'x0 <= 5.00' };
const high: TabularPredicate = { feature: 0, name: 'x0', op: 'range', lower: 5, text: 'x0 > 5.00' };
const isB: TabularPredicate = { feature: 1, name: 'x1', op: 'eq', value: 1, category: 'b', text: 'x1 = b' };

/** Rows 0..5: x0 = 1, 2, 3, 7, 8, 9; x1 = a, b, b, b, a, b; the model predicts 0 for x0 <= 5, else 1. */
const rows = [
  explained(0, [1, 0], 0, [low]),
  explained(1, [2, 1], 0, [low, isB]),
  explained(2, [3, 1], 0, [low]),
  explained(3, [7, 1], 1, [isB]),
  explained(4, [8, 0], 1, [high]),
  explained(5, [9, 1], 1, [high], false),
];

describe('pickAnchors', () => {
  it('picks distinct anchors greedily by the explained rows they cover, and reports each one on the data', () => {
    const { meta, data } = pickAnchors(rows, { budget: 2 });
    expect(meta).toMatchObject({ name: 'AnchorSummary', explanations: ['global'], params: { budget: 2, per_class: false, seed: 1, threshold: 0.95 } });
    // Candidates: low (rows 0, 2), low AND b (row 1), b (row 3), high (row 4); row 5's search failed.
    expect(data.candidates).toBe(4);
    expect(data.rows_without_anchor).toBe(1);
    // "x1 = b" covers rows 1, 2, 3, 5 (4 rows), then "x0 <= 5" adds row 0.
    expect(data.picked.map((p) => [p.anchor, p.rows, p.explained_rows, p.gain])).toEqual([
      [['x1 = b'], [1, 2, 3, 5], [3], 4],
      [['x0 <= 5.00'], [0, 1, 2], [0, 2], 1],
    ]);
    expect(data.picked[0]).toMatchObject({ class: 1, data_coverage: 4 / 6, data_precision: 2 / 4, precision: 0.97, coverage: 0.3 });
    expect(data.picked[1]).toMatchObject({ class: 0, data_coverage: 3 / 6, data_precision: 1 });
    expect(data.union_coverage).toBe(5 / 6);
    expect(data.groups).toEqual([{ class: null, rows: 6, picked: [0, 1], coverage_curve: [4 / 6, 5 / 6] }]);
    expect(data.feature_counts).toEqual({ all: { x0: 3, x1: 2 }, picked: { x1: 1, x0: 1 } });
  });

  it('with perClass picks within each predicted class, covering only that class\'s rows', () => {
    const { data } = pickAnchors(rows, { budget: 1, perClass: true });
    expect(data.groups).toEqual([
      { class: 0, rows: 3, picked: [0], coverage_curve: [1] },
      { class: 1, rows: 3, picked: [1], coverage_curve: [1] },
    ]);
    // Within class 1, "x0 > 5" (rows 3, 4, 5) beats "x1 = b" (rows 3, 5 of that class).
    expect(data.picked.map((p) => [p.anchor, p.gain])).toEqual([[['x0 <= 5.00'], 3], [['x0 > 5.00'], 3]]);
    expect(data.union_coverage).toBe(1);
  });

  it('refuses a budget out of range, explanations of another explainer and no rows, naming them', () => {
    for (const budget of [0, 1.5, 1001, Number.NaN]) expect(() => pickAnchors(rows, { budget })).toThrow(InvalidInputError);
    expect(() => pickAnchors(rows, { budget: 1001 })).toThrow('option budget is 1001; expected an integer 1..1000');
    const proto = { row: 9, explanation: { meta: { name: 'CounterfactualProto' }, data: {} } } as unknown as ExplainedRow;
    expect(() => pickAnchors([...rows, proto], { budget: 2 })).toThrow(ExplanationTypeError);
    expect(() => pickAnchors([...rows, proto], { budget: 2 })).toThrow('explained row 6 (row 9) is an explanation of CounterfactualProto; expected an explanation ({meta, data}) of AnchorTabular');
    expect(() => pickAnchors([], { budget: 2 })).toThrow('a summary needs at least one explained row');
    expect(() => pickAnchors([rows[0], rows[0]], { budget: 2 })).toThrow('expected distinct integers');
    expect(() => pickAnchors(rows, { budget: 2, perClass: 'yes' } as never)).toThrow(InvalidInputError);
    const otherSeed = { ...rows[1], explanation: { ...rows[1].explanation, meta: { ...rows[1].explanation.meta, params: { seed: 2, threshold: 0.95 } } } };
    expect(() => pickAnchors([rows[0], otherSeed], { budget: 2 })).toThrow('row 1 was explained with seed 2 but row 0 with 1; expected the explanations of one run');
  });
});

describe('summarizeAnchors on Adult', () => {
  const adult = loadAdult();
  const explainer = new AnchorTabular(loadDemoModel('adult-gbt').predictor, adult.featureNames, { categoryMap: adult.categoryMap, seed: 4 });
  beforeAll(() => explainer.fit(adult.train.rows));
  const explain = { coverageSamples: 500 };
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-summary-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is deterministic by seed, its picks cover what they claim, and a batch file of the same rows gives the same bytes', async () => {
    const testRows = adult.test.rows.slice(0, 40);
    const summary = await summarizeAnchors(explainer, testRows, { budget: 4, explain });
    expect(JSON.stringify(await summarizeAnchors(explainer, testRows, { budget: 4, explain }))).toBe(JSON.stringify(summary));
    const { data } = summary;
    expect(data.picked.length).toBe(4);
    expect(data.rows).toBe(40);
    const encoded = explainer.schema.encodeRows(testRows);
    for (const p of data.picked) {
      expect(p.rows).toEqual(encoded.flatMap((r, i) => (satisfiesAnchor(p.predicates, r) ? [i] : [])));
      expect(p.data_coverage).toBe(p.rows.length / 40);
    }
    const union = new Set(data.picked.flatMap((p) => p.rows));
    expect(data.union_coverage).toBe(union.size / 40);
    // The curve grows with the budget, by each pick's gain.
    const curve = data.groups[0].coverage_curve;
    expect(curve.map((c, k) => Math.round(c * 40) - Math.round((curve[k - 1] ?? 0) * 40))).toEqual(data.picked.map((p) => p.gain));
    expect(data.union_coverage).toBeGreaterThan(0.5);

    const out = join(dir, 'batch.jsonl');
    await explainBatch({ job: { source: { kind: 'bundled', dataset: 'adult', seed: 4 }, model: { kind: 'demo', name: 'adult-gbt' }, demo: BATCH_DEMO_MODULE, explain }, out, rows: { start: 0, end: 40 }, workers: 1 });
    expect(JSON.stringify(summarizeBatchFile(out, { budget: 4 }))).toBe(JSON.stringify(summary));
    // The two shards of the same run, explained on two workers, give the same summary too.
    const shards = [0, 1].map((index) => join(dir, `shard-${index}.jsonl`));
    await Promise.all(
      shards.map((shardOut, index) =>
        explainBatch({ job: { source: { kind: 'bundled', dataset: 'adult', seed: 4 }, model: { kind: 'demo', name: 'adult-gbt' }, demo: BATCH_DEMO_MODULE, explain }, out: shardOut, rows: { start: 0, end: 40 }, shard: { index, count: 2 }, workers: 1 }),
      ),
    );
    expect(JSON.stringify(summarizeBatchFile(shards, { budget: 4 }))).toBe(JSON.stringify(summary));
    expect(() => summarizeBatchFile([out, shards[0]], { budget: 4 })).toThrow('expected distinct integers');
  });

  it('reads bare explanation lines too, and refuses a file with an explanation of another kind', async () => {
    const lines = await Promise.all([0, 1, 2].map((i) => explainer.explain(adult.test.rows[i], explain)));
    const bare = join(dir, 'bare.jsonl');
    writeFileSync(bare, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    expect(summarizeBatchFile(bare, { budget: 2 }).data.rows).toBe(3);
    const other: Explanation<unknown> = { meta: { ...lines[0].meta, name: 'AnchorText' }, data: {} };
    writeFileSync(bare, [...lines, other].map((l) => JSON.stringify(l)).join('\n') + '\n');
    expect(() => summarizeBatchFile(bare, { budget: 2 })).toThrow(`${bare} row 3 is an explanation of AnchorText; expected`);
  });
});
