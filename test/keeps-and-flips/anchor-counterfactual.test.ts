import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { adultDiverseExplainer } from '../../src/cli/commands/counterfactual-diverse.js';
import { adultProtoExplainer, adultProtoTrainingRows } from '../../src/cli/commands/counterfactual-proto.js';
import type { DiverseCounterfactualsData } from '../../src/counterfactuals/diverse/diverse-counterfactuals.js';
import { ExplanationTypeError, InvalidInputError } from '../../src/core/errors.js';
import type { Explanation } from '../../src/core/explanation.js';
import { adultCounterfactualTask } from '../../src/datasets/adult-counterfactual.js';
import { explainWithCounterfactual, pairAnchorCounterfactual, type CounterfactualLikeData } from '../../src/keeps-and-flips/anchor-counterfactual.js';
import { auditAnchors } from '../../src/audit/audit.js';
import { loadDemoModel } from '../../src/models/demo-models.js';
import { toLabels } from '../../src/predictors/predictor.js';
import { renderHtml } from '../../src/viz/render.js';
import { cli } from '../cli/run-cli.js';

const task = adultCounterfactualTask('adult-gbt');
const adult = task.dataset;
const predictor = (rows: number[][]) => task.predictor(rows.map(task.scale));
const anchors = await new AnchorTabular(predictor, adult.featureNames, { categoryMap: adult.categoryMap, seed: 0 }).fit(adult.train.rows);
const dir = mkdtempSync(join(tmpdir(), 'glassbox-keeps-flips-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('explainWithCounterfactual', () => {
  it('gives the anchor and a prototype-guided counterfactual of the same row in one explanation, and one card with both', async () => {
    const trainRows = adultProtoTrainingRows(task, 3000);
    const proto = await adultProtoExplainer(task, trainRows, { cSteps: 2, maxIterations: 100 });
    const both = await explainWithCounterfactual(anchors, adult.test.rows[15], (row) => proto.explain(task.scale(row)), { coverageSamples: 500 });
    expect(both.meta).toMatchObject({ name: 'AnchorCounterfactual', explanations: ['local'], params: { anchor: 'AnchorTabular', counterfactual: 'CounterfactualProto' } });
    const { anchor, cf, orig_class } = both.data;
    expect(anchor).toEqual(await anchors.explain(adult.test.rows[15], { coverageSamples: 500 }));
    expect(cf).toEqual(await proto.explain(task.scale(adult.test.rows[15])));
    expect(orig_class).toBe(1);
    expect(anchor.data.anchor).toEqual(['Education = Masters', 'Marital Status = Married', 'Occupation = White-Collar']);
    const found = (cf.data as { cf: { class: number; X: number[] } | null }).cf;
    expect(found?.class).toBe(0);
    // The counterfactual flips the model's prediction.
    expect(Array.from(toLabels(await task.predictor([found?.X as number[]]), 1))).toEqual([0]);
    // The audit reads both halves: the anchor on held-out rows, the counterfactual re-predicted in its own (scaled) space.
    const audit = await auditAnchors([both], adult.test.rows.slice(8000, 9000), predictor, { counterfactualPredictor: task.predictor, minRows: 5 });
    expect(audit.findings.map((f) => [f.kind, f.status])).toEqual([['anchor', 'holds'], ['counterfactual', 'holds']]);
    const card = renderHtml(both, { ...adult, unscale: task.unscale });
    expect(card).toContain('what keeps it, and what flips it');
    expect(card).toContain('gbx-anchor-tabular');
    expect(card).toContain('What flips it (CounterfactualProto)');
  });

  it('gives the anchor and several diverse counterfactuals of the same row, each valid when re-predicted, and one card with all', async () => {
    const diverse = await adultDiverseExplainer('adult-gbt', 3000);
    const both = await explainWithCounterfactual(anchors, adult.test.rows[15], (row) => diverse.explain(row, { count: 4 }), { coverageSamples: 500 });
    expect(both.meta.params).toEqual({ anchor: 'AnchorTabular', counterfactual: 'DiverseCounterfactuals' });
    const { anchor, cf } = both.data;
    expect(anchor).toEqual(await anchors.explain(adult.test.rows[15], { coverageSamples: 500 }));
    const cfs = (cf.data as DiverseCounterfactualsData).cfs;
    expect(cfs).toHaveLength(4);
    expect(cfs.map((c) => c.class)).toEqual([0, 0, 0, 0]);
    // The counterfactuals are in the model's own units: the model explained flips on every one of them.
    expect(Array.from(toLabels(await loadDemoModel('adult-gbt').predictor(cfs.map((c) => c.X)), 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(toLabels(await predictor([anchor.data.raw.instance]), 1))).toEqual([1]);
    // The audit re-predicts them with the explained model, not the scaled one of the prototype-guided counterfactuals.
    const audit = await auditAnchors([both], adult.test.rows.slice(8000, 9000), predictor, { counterfactualPredictor: task.predictor, minRows: 5 });
    expect(audit.findings.map((f) => [f.kind, f.status])).toEqual([['anchor', 'holds'], ...cfs.map(() => ['counterfactual', 'holds'])]);
    const card = renderHtml(both, adult);
    expect(card).toContain('gbx-anchor-tabular');
    expect(card).toContain('What flips it (DiverseCounterfactuals, 4 alternatives)');
    expect(card).toContain('#4: &lt;=50K');
  });

  it('refuses to pair explanations of different predictions or of the wrong kinds', async () => {
    const anchor = await anchors.explain(adult.test.rows[15], { coverageSamples: 200 });
    const cf = (orig_class: number, name = 'CounterfactualProto'): Explanation<CounterfactualLikeData> => ({ meta: { ...anchor.meta, name }, data: { orig_class, cf: null } });
    expect(pairAnchorCounterfactual(anchor, cf(1)).data.orig_class).toBe(1);
    expect(() => pairAnchorCounterfactual(anchor, cf(0))).toThrow(InvalidInputError);
    expect(() => pairAnchorCounterfactual(anchor, cf(0))).toThrow('the anchor explains class 1 but the counterfactual explains class 0');
    expect(() => pairAnchorCounterfactual(cf(1) as never, cf(1))).toThrow(ExplanationTypeError);
    expect(() => pairAnchorCounterfactual(anchor, { meta: anchor.meta, data: { orig_class: 1 } })).toThrow('the counterfactual is an explanation of AnchorTabular; expected');
  });
});

describe('glassbox explain adult --with-counterfactual', () => {
  it('prints both halves, writes one JSON explanation and one card: the anchor as explain gives it, four diverse counterfactuals', async () => {
    const html = join(dir, 'card.html');
    const r = await cli('explain', 'adult', '--row', '15', '--with-counterfactual', '--json', '--html', html);
    expect(r.code).toBe(0);
    const both = JSON.parse(r.stdout);
    expect(both.meta.name).toBe('AnchorCounterfactual');
    expect(both.data.anchor).toEqual(JSON.parse((await cli('explain', 'adult', '--row', '15', '--json')).stdout));
    expect(both.data.anchor.data.anchor).toEqual(['Education = Masters', 'Marital Status = Married', 'Occupation = White-Collar']);
    expect(both.data.cf.meta.name).toBe('DiverseCounterfactuals');
    expect(both.data.cf).toEqual(JSON.parse((await cli('counterfactual', 'adult', '--row', '15', '--count', '4', '--json')).stdout));
    const cfs = both.data.cf.data.cfs as { X: number[]; class: number; changes: { text: string }[] }[];
    expect(cfs.map((c) => c.class)).toEqual([0, 0, 0, 0]);
    expect(Array.from(toLabels(await loadDemoModel('adult-gbt').predictor(cfs.map((c) => c.X)), 4))).toEqual([0, 0, 0, 0]);
    expect(cfs[0].changes.map((c) => c.text)).toEqual(['Capital Loss: 0 -> 2073']);
    const card = readFileSync(html, 'utf8');
    expect(card).toContain('What flips it (DiverseCounterfactuals, 4 alternatives)');
    expect(card).toContain('2073');
    const text = await cli('explain', 'adult', '--row', '15', '--with-counterfactual');
    expect(text.stdout).toMatch(/^What keeps it:\nPrediction: >50K\nAnchor: {5}Education = Masters AND Marital Status = Married AND Occupation = White-Collar\n/);
    expect(text.stdout).toContain('\nWhat flips it:\nRow 15 (held-out): the model predicts >50K (p = 0.89)\nCounterfactuals: 4 of 4 (genetic)\n  1. <=50K (p = 0.70): Capital Loss: 0 -> 2073\n');
  });

  it('takes --count and --immutable for the counterfactuals, and refuses flags it cannot honour', async () => {
    const kept = await cli('explain', 'adult', '--row', '15', '--with-counterfactual', '--count', '2', '--immutable', 'Sex,Race,Age', '--json');
    expect(kept.code).toBe(0);
    const cf = JSON.parse(kept.stdout).data.cf;
    expect(cf.data.cfs).toHaveLength(2);
    const instance = cf.data.instance as number[];
    for (const c of cf.data.cfs as { X: number[] }[]) for (const f of [0, 6, 7]) expect(c.X[f]).toBe(instance[f]);
    const count = await cli('explain', 'adult', '--row', '15', '--count', '2');
    expect(count.code).toBe(2);
    expect(count.stderr).toContain('--count is for --with-counterfactual');
    const range = await cli('explain', 'adult', '--row', '15', '--with-counterfactual', '--count', '101');
    expect(range.code).toBe(2);
    expect(range.stderr).toContain('--count is 101; expected an integer in 1..100');
    const bad = await cli('explain', 'adult', '--row', '15', '--with-counterfactual', '--model-url', 'http://127.0.0.1:1/v2/models/m');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--with-counterfactual explains with the bundled model');
    const sentiment = await cli('explain', 'sentiment', '--row', '1', '--with-counterfactual');
    expect(sentiment.code).toBe(2);
    expect(sentiment.stderr).toContain('--with-counterfactual is for the tabular data sets (adult)');
  });
});
