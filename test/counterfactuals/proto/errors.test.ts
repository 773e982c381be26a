import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotFittedError, PredictorError } from '../../../src/core/errors.js';
import { CounterfactualProto } from '../../../src/counterfactuals/proto/counterfactual-proto.js';

/**
 * A small categorical table: x0 numeric in [-1, 1], c1 with 3 categories, c2 with 2; the model says
 * class 1 when x0 + (c1 === 2 ? 1 : 0) > 0.5.
 */
const categoryMap = { 1: ['a', 'b', 'c'], 2: ['no', 'yes'] };
const rows = Array.from({ length: 90 }, (_, i) => [Math.min(1, -0.9 + 0.3 * (i % 3) + ((i * 7) % 13) / 13), i % 3, i % 3 === 0 || i % 5 === 0 ? 1 : 0]);
const predictor = (batch: number[][]) => batch.map(([x, c1]) => {
  const p = 1 / (1 + Math.exp(-8 * (x + (c1 === 2 ? 1 : 0) - 0.5)));
  return [1 - p, p];
});
const base = { shape: [3], categoryMap, featureNames: ['x0', 'c1', 'c2'], featureRange: [-1, 1] as [number, number], theta: 10, maxIterations: 20, cSteps: 1 };

describe('CounterfactualProto: typed errors naming what was wrong', () => {
  it('refuses bad options', () => {
    expect(() => new CounterfactualProto(predictor, { ...base, kappa: -1 })).toThrow(/option kappa is -1/);
    expect(() => new CounterfactualProto(predictor, { ...base, colour: 1 } as never)).toThrow(/unknown option "colour"/);
    expect(() => new CounterfactualProto(predictor, { ...base, cInit: 0, theta: 0 })).toThrow(/cInit 0 and theta 0/);
    expect(() => new CounterfactualProto(predictor, { ...base, gamma: 1 })).toThrow(/no autoencoder was given/);
    expect(() => new CounterfactualProto(predictor, { shape: [3], encoding: 'onehot' })).toThrow(/pass categoryMap with it/);
    expect(() => new CounterfactualProto(predictor, { ...base, featureNames: ['x0'] })).toThrow(/expected 3 names/);
    expect(() => new CounterfactualProto(predictor, { ...base, constraints: { immutable: ['colour'] } })).toThrow(/names feature "colour"; expected a feature index or one of: x0, c1, c2/);
    expect(() => new CounterfactualProto(predictor, { ...base, categoryMap: { 5: ['a'] } })).toThrow(InvalidInputError);
  });

  it('asks for fit before explain', async () => {
    await expect(new CounterfactualProto(predictor, base).explain([0, 0, 0])).rejects.toThrow(NotFittedError);
  });

  it('refuses bad instances, targets and constraints', async () => {
    const cf = await new CounterfactualProto(predictor, base).fit(rows);
    await expect(cf.explain([0, 0])).rejects.toThrow(/has 2 values; expected 3/);
    await expect(cf.explain([0, 1.5, 0])).rejects.toThrow(/column 1 has category code 1.5; expected an integer code 0..2 \(a, b, c\)/);
    await expect(cf.explain([2, 0, 0])).rejects.toThrow(/outside featureRange \[-1, 1\]/);
    await expect(cf.explain([0, 0, 0], { targetClass: 0 })).rejects.toThrow(/targetClass is 0; expected a class index in 0..1 other than the instance's class 0/);
    await expect(cf.explain([0, 0, 0], { k: 0 })).rejects.toThrow(/option k is 0/);
    const ordered = await new CounterfactualProto(predictor, { ...base, constraints: { direction: { c1: 'increase' } } }).fit(rows);
    await expect(ordered.explain([0, 0, 0])).rejects.toThrow(/feature 1 has no order/);
    const ranged = await new CounterfactualProto(predictor, { ...base, constraints: { range: { 1: [0, 1] } } }).fit(rows);
    await expect(ranged.explain([0, 0, 0])).rejects.toThrow(/constraints.range names feature 1, which is categorical/);
    const autodiff = await new CounterfactualProto(predictor, { ...base, gradients: 'autodiff' }).fit(rows);
    await expect(autodiff.explain([0, 0, 0])).rejects.toThrow(/categorical features are snapped to categories, which has no gradient/);
  });

  it('refuses bad training rows and fit options', async () => {
    const cf = new CounterfactualProto(predictor, base);
    await expect(cf.fit([])).rejects.toThrow(/at least one training row/);
    await expect(cf.fit([[0, 0, 0], [0, 1]])).rejects.toThrow(/training row 1 has 2 values; expected 3/);
    await expect(cf.fit(rows, { distance: 'cosine' as never })).rejects.toThrow(/option distance is "cosine"/);
    await expect(new CounterfactualProto(predictor, { shape: [3] }).fit(rows, { distance: 'abdm' })).rejects.toThrow(/this explainer has no categoryMap/);
  });

  it('reports a model returning labels as a PredictorError', async () => {
    const labels = (batch: number[][]) => batch.map(() => 1);
    await expect(new CounterfactualProto(labels, base).fit(rows)).rejects.toThrow(PredictorError);
  });

  it('explains the toy table: c1 -> c, or x0 up, with immutables honoured', async () => {
    const cf = await new CounterfactualProto(predictor, { ...base, maxIterations: 100, cSteps: 2, beta: 0.01, constraints: { immutable: ['x0'] } }).fit(rows, { distance: 'mvdm' });
    const { data } = await cf.explain([0, 0, 1]);
    expect(data.orig_class).toBe(0);
    expect(data.cf).toMatchObject({ class: 1, X: [0, 2, 1] });
    expect(data.cf!.changes).toEqual([{ feature: 1, name: 'c1', from: 'a', to: 'c', text: 'c1: a -> c' }]);
  });

  it('explain waits for a fit still in progress (issue 5 writes `cf.fit(rows); await cf.explain(x)`), and fails with its error', async () => {
    const options = { ...base, maxIterations: 100, cSteps: 2, beta: 0.01, constraints: { immutable: ['x0'] } };
    const awaited = await new CounterfactualProto(predictor, options).fit(rows, { distance: 'mvdm' });
    const unawaited = new CounterfactualProto(predictor, options);
    void unawaited.fit(rows, { distance: 'mvdm' });
    expect(JSON.stringify(await unawaited.explain([0, 0, 1]))).toBe(JSON.stringify(await awaited.explain([0, 0, 1])));
    const failing = new CounterfactualProto(predictor, base);
    failing.fit([]).catch(() => {});
    await expect(failing.explain([0, 0, 1])).rejects.toThrow(/at least one training row/);
  });
});
