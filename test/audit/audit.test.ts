import { describe, expect, it } from 'vitest';
import { AnchorTabular, type AnchorTabularData } from '../../src/anchors/tabular/anchor-tabular.js';
import { auditAnchors } from '../../src/audit/audit.js';
import { heldOutFromRecords } from '../../src/audit/held-out.js';
import { wilsonInterval } from '../../src/audit/intervals.js';
import { ExplanationTypeError, HeldOutColumnsError, InvalidInputError } from '../../src/core/errors.js';
import type { Explanation } from '../../src/core/explanation.js';
import { TabularSchema } from '../../src/core/tabular-schema.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { loadDemoModel } from '../../src/models/demo-models.js';

/** An AnchorTabular explanation "x0 <= 5 → class 0" over rows (x0, x1), claimed precision 0.97. */
function anchorExplanation(upper: number, threshold = 0.9): Explanation<AnchorTabularData> {
  const predicates = [{ feature: 0, name: 'x0', op: 'range' as const, upper, text: `x0 <= ${upper.toFixed(2)}` }];
  return {
    meta: { name: 'AnchorTabular', type: ['blackbox'], explanations: ['local'], params: { threshold }, version: 'test' },
    data: { anchor: [predicates[0].text], precision: 0.97, coverage: 0.5, raw: { predicates, instance: [1, 0], prediction: 0 } } as unknown as AnchorTabularData,
  };
}

/** Rows x0 = 0..99, x1 = x0 mod 2; the model predicts 1 when x1 = 1 and x0 < 20, else 0. */
const rows = Array.from({ length: 100 }, (_, i) => [i, i % 2]);
const predictor = (batch: number[][]) => batch.map(([x0, x1]) => (x1 === 1 && x0 < 20 ? 1 : 0));

describe('auditAnchors', () => {
  it('re-estimates precision and coverage on the held-out rows with a Wilson interval, and decides by the threshold', async () => {
    // x0 <= 9: rows 0..9 (10 rows), of which 1, 3, 5, 7, 9 predicted 1: precision 5/10.
    // x0 <= 39: 40 rows, 10 predicted 1: precision 30/40 = 0.75, Wilson [0.598, 0.858] < 0.9: flagged.
    // x0 <= 99: 100 rows, 90/100 = 0.9 >= 0.9: holds.  x0 <= 59 at threshold 0.9: 50/60 = 0.833, Wilson [0.720, 0.907]: undecided.
    const report = await auditAnchors([anchorExplanation(9), anchorExplanation(39), anchorExplanation(99), anchorExplanation(59)], rows, predictor, { minRows: 30 });
    expect(report.findings.map((f) => f.kind === 'anchor' && [f.rows, f.agreeing, f.coverage, f.status, f.reasons])).toEqual([
      [10, 5, 0.1, 'flagged', ['too_few_rows', 'below_threshold']],
      [40, 30, 0.4, 'flagged', ['below_threshold']],
      [100, 90, 1, 'holds', []],
      [60, 50, 0.6, 'undecided', []],
    ]);
    const second = report.findings[1];
    expect(second.kind === 'anchor' && second.interval).toEqual(wilsonInterval(30, 40, 0.95));
    expect(second.kind === 'anchor' && second.interval?.[0]).toBeCloseTo(0.5980, 3);
    expect(second.kind === 'anchor' && second.interval?.[1]).toBeCloseTo(0.8581, 3);
    expect(report).toMatchObject({ holds: 1, undecided: 1, flagged: 2, held_out_rows: 100, confidence: 0.95, interval: 'wilson', min_rows: 30 });
    const kl = await auditAnchors([anchorExplanation(59)], rows, predictor, { interval: 'kl', threshold: 0.95 });
    expect(kl.findings[0]).toMatchObject({ status: 'flagged', threshold: 0.95 });
  });

  it('re-predicts counterfactuals: one the model now puts in another class is flagged invalid', async () => {
    const cf = (X: number[], cls: number) => ({ meta: { name: 'CounterfactualProto', params: {} }, data: { cf: { X, class: cls } } }) as unknown as Explanation<unknown>;
    const report = await auditAnchors([cf([3, 1], 1), cf([30, 1], 1)], rows, predictor);
    expect(report.findings).toEqual([
      { kind: 'counterfactual', explanation: 0, class: 1, predicted: 1, valid: true, status: 'holds', reasons: [] },
      { kind: 'counterfactual', explanation: 1, class: 1, predicted: 0, valid: false, status: 'flagged', reasons: ['invalid_counterfactual'] },
    ]);
  });

  it("re-predicts each of a DiverseCounterfactuals explanation's cfs with the explained model, whatever counterfactualPredictor is", async () => {
    const diverse = { meta: { name: 'DiverseCounterfactuals', params: {} }, data: { orig_class: 0, cfs: [{ X: [3, 1], class: 1 }, { X: [30, 1], class: 1 }] } } as unknown as Explanation<unknown>;
    const proto = { meta: { name: 'CounterfactualProto', params: {} }, data: { cf: { X: [30, 1], class: 0 } } } as unknown as Explanation<unknown>;
    const scaled = (batch: number[][]) => predictor(batch.map(([x0, x1]) => [x0 - 20, x1]));
    const report = await auditAnchors([diverse, proto], rows, predictor, { counterfactualPredictor: scaled });
    expect(report.findings).toEqual([
      { kind: 'counterfactual', explanation: 0, class: 1, predicted: 1, valid: true, status: 'holds', reasons: [] },
      { kind: 'counterfactual', explanation: 0, class: 1, predicted: 0, valid: false, status: 'flagged', reasons: ['invalid_counterfactual'] },
      // (30, 1) scaled to (10, 1): class 1, not the 0 it claims.
      { kind: 'counterfactual', explanation: 1, class: 0, predicted: 1, valid: false, status: 'flagged', reasons: ['invalid_counterfactual'] },
    ]);
    await expect(auditAnchors([{ ...diverse, data: { orig_class: 0 } }], rows, predictor)).rejects.toThrow('explanation 0 is a DiverseCounterfactuals explanation without data.cfs');
  });

  it('refuses explanations of another explainer, rows of the wrong width or columns, and options out of range', async () => {
    const text = { meta: { name: 'AnchorText' }, data: {} } as unknown as Explanation<unknown>;
    await expect(auditAnchors([anchorExplanation(9), text], rows, predictor)).rejects.toThrow(ExplanationTypeError);
    await expect(auditAnchors([text], rows, predictor)).rejects.toThrow('explanation 0 is an explanation of AnchorText; expected an explanation ({meta, data}) of AnchorTabular or AnchorSummary');
    await expect(auditAnchors([anchorExplanation(9)], rows.map((r) => [...r, 0]), predictor)).rejects.toThrow('explains rows of 2 features but the held-out rows have 3');
    await expect(auditAnchors([anchorExplanation(9)], rows, predictor, { confidence: 1 })).rejects.toThrow(InvalidInputError);
    await expect(auditAnchors([anchorExplanation(9)], rows, predictor, { minRows: 0 })).rejects.toThrow('option minRows is 0');
    await expect(auditAnchors([anchorExplanation(9)], [], predictor)).rejects.toThrow('at least one held-out row');
    const schema = new TabularSchema(['x0', 'x2'], {});
    await expect(auditAnchors([anchorExplanation(9)], rows, predictor, { schema })).resolves.toMatchObject({ held_out_rows: 100 });
    const renamed = { ...anchorExplanation(9) };
    renamed.data = { ...renamed.data, raw: { ...renamed.data.raw, predicates: [{ ...renamed.data.raw.predicates[0], feature: 1 }] } };
    await expect(auditAnchors([renamed], rows, predictor, { schema })).rejects.toThrow('constrains feature 1 ("x0") but the held-out rows have "x2" there');
    await expect(auditAnchors([anchorExplanation(9)], [{ x0: 1, x1: 0 }], predictor, { schema })).rejects.toThrow(HeldOutColumnsError);
    await expect(auditAnchors([anchorExplanation(9)], [{ x0: 1, x1: 0 }], predictor, { schema })).rejects.toThrow('held-out row 0 has no column for feature "x2" and column "x1" that is no feature');
  });

  it('reads held-out CSV records by the schema, naming missing and extra columns', () => {
    const schema = new TabularSchema(['Age', 'Sex'], { Sex: ['Female', 'Male'] });
    const set = heldOutFromRecords([{ Sex: 'Male', Age: '39', Income: '>50K.' }], schema, 'h.csv', { target: 'Income', targetNames: ['<=50K', '>50K'] });
    expect(set).toEqual({ rows: [[39, 1]], labels: [1] });
    expect(() => heldOutFromRecords([{ Age: '39', Income: '>50K' }], schema, 'h.csv')).toThrow(HeldOutColumnsError);
    expect(() => heldOutFromRecords([{ Age: '39', Income: '>50K' }], schema, 'h.csv')).toThrow(
      'h.csv has no column for feature "Sex" and column "Income" that is no feature (name the label column with --target / the target option); expected one column per feature: Age, Sex',
    );
    expect(() => heldOutFromRecords([{ Sex: 'Male', Age: '39', Income: 'rich' }], schema, 'h.csv', { target: 'Income', targetNames: ['<=50K', '>50K'] })).toThrow('h.csv row 1, column "Income" is "rich"');
  });
});

describe('auditAnchors on Adult', () => {
  it('flags a planted wrong anchor (claimed 0.95, true 0.61) while the real anchors hold', async () => {
    const adult = loadAdult();
    const predictor = loadDemoModel('adult-gbt').predictor;
    const explainer = await new AnchorTabular(predictor, adult.featureNames, { categoryMap: adult.categoryMap, seed: 0 }).fit(adult.train.rows);
    // Rows whose anchors the search found with precision >= 0.95 and that are broad enough to check on 4,000 rows.
    const real = await Promise.all([0, 1, 5, 9, 13].map((r) => explainer.explain(adult.test.rows[r], { coverageSamples: 1000 })));
    const married = { feature: 3, name: 'Marital Status', op: 'eq' as const, value: adult.categoryMap[3].indexOf('Married'), category: 'Married', text: 'Marital Status = Married' };
    const planted: Explanation<AnchorTabularData> = { meta: real[0].meta, data: { ...real[0].data, anchor: [married.text], precision: 0.95, raw: { ...real[0].data.raw, predicates: [married], prediction: 0 } } };
    const heldOut = adult.test.rows.slice(8000, 12000);
    const report = await auditAnchors([...real, planted], heldOut, predictor, { labels: adult.test.target.slice(8000, 12000) });
    const [planted_] = report.findings.slice(-1);
    expect(planted_).toMatchObject({ kind: 'anchor', anchor: ['Marital Status = Married'], claimed_precision: 0.95, rows: 1885, status: 'flagged', reasons: ['below_threshold'] });
    expect(planted_.kind === 'anchor' && planted_.precision).toBeCloseTo(0.61, 2);
    expect(planted_.kind === 'anchor' && (planted_.interval as number[])[1]).toBeLessThan(0.64);
    expect(report.findings.slice(0, -1).map((f) => f.status)).toEqual(['holds', 'holds', 'holds', 'holds', 'holds']);
    expect(report).toMatchObject({ holds: 5, undecided: 0, flagged: 1, held_out_rows: 4000 });
  });
});
