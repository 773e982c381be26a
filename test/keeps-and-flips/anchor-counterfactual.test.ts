import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { adultProtoExplainer, adultProtoTrainingRows } from '../../src/cli/commands/counterfactual-proto.js';
import { ExplanationTypeError, InvalidInputError } from '../../src/core/errors.js';
import type { Explanation } from '../../src/core/explanation.js';
import { adultCounterfactualTask } from '../../src/datasets/adult-counterfactual.js';
import { explainWithCounterfactual, pairAnchorCounterfactual, type CounterfactualLikeData } from '../../src/keeps-and-flips/anchor-counterfactual.js';
import { auditAnchors } from '../../src/audit/audit.js';
import { toLabels } from '../../src/predictors/predictor.js';
import { renderHtml } from '../../src/viz/render.js';
import { cli } from '../cli/run-cli.js';

const task = adultCounterfactualTask('adult-gbt');
const adult = task.dataset;
const predictor = (rows: number[][]) => task.predictor(rows.map(task.scale));
const anchors = new AnchorTabular(predictor, adult.featureNames, { categoryMap: adult.categoryMap, seed: 0 }).fit(adult.train.rows);
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
  it('prints both halves, writes one JSON explanation and one card', async () => {
    const html = join(dir, 'card.html');
    const r = await cli('explain', 'adult', '--row', '15', '--with-counterfactual', '--json', '--html', html);
    expect(r.code).toBe(0);
    const both = JSON.parse(r.stdout);
    expect(both.meta.name).toBe('AnchorCounterfactual');
    expect(both.data.anchor.data.anchor).toEqual(['Education = Masters', 'Marital Status = Married', 'Occupation = White-Collar']);
    expect(both.data.cf.meta.name).toBe('CounterfactualProto');
    expect(both.data.cf.data.cf.class).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('Capital Gain: 0 → 227');
    const text = await cli('explain', 'adult', '--row', '15', '--with-counterfactual');
    expect(text.stdout).toMatch(/^What keeps it:\nPrediction: >50K\nAnchor: {5}Education = Masters AND Marital Status = Married AND Occupation = White-Collar\n/);
    expect(text.stdout).toContain('\nWhat flips it:\nRow 15 (held-out): the model predicts >50K (p = 0.89)\nCounterfactual:  <=50K (p = 0.54), 1 change:\n                 Capital Gain: 0 -> 227\n');
    const bad = await cli('explain', 'adult', '--row', '15', '--with-counterfactual', '--model-url', 'http://127.0.0.1:1/v2/models/m');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--with-counterfactual explains with the bundled model');
    const sentiment = await cli('explain', 'sentiment', '--row', '1', '--with-counterfactual');
    expect(sentiment.code).toBe(2);
    expect(sentiment.stderr).toContain('--with-counterfactual is for the tabular data sets (adult)');
  });
});
