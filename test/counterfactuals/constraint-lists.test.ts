import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { CEM } from '../../src/counterfactuals/cem.js';
import { checkConstraints } from '../../src/counterfactuals/constraints.js';
import { Counterfactual } from '../../src/counterfactuals/counterfactual.js';
import { CounterfactualProto } from '../../src/counterfactuals/proto/counterfactual-proto.js';

/**
 * Issue 5's spelling of directions, `increaseOnly` / `decreaseOnly` lists, next to the per-feature
 * `direction` record: both resolve to the same constraints, so every method explains alike.
 */

const names = ['Age', 'Workclass', 'Education', 'Hours'];

describe('increaseOnly and decreaseOnly', () => {
  it('fold into direction, by index or by name, in the order immutable, range, direction', () => {
    const lists = checkConstraints({ decreaseOnly: ['Hours'], increaseOnly: ['Age', 2], immutable: ['Workclass'] }, 4, names);
    const record = checkConstraints({ immutable: [1], direction: { 0: 'increase', 2: 'increase', 3: 'decrease' } }, 4);
    expect(lists).toEqual({ immutable: [1], direction: { 0: 'increase', 2: 'increase', 3: 'decrease' } });
    expect(JSON.stringify(lists)).toBe(JSON.stringify(record));
    // A list and a direction that agree are one constraint.
    expect(checkConstraints({ direction: { Age: 'increase' }, increaseOnly: ['Age'] }, 4, names)).toEqual({ direction: { 0: 'increase' } });
    expect(checkConstraints({ increaseOnly: [] }, 4)).toEqual({ direction: {} });
  });

  it('refuse a feature given two directions, or a direction and immutability, naming it', () => {
    const error = (constraints: object, withNames = true) => {
      try {
        checkConstraints(constraints, 4, withNames ? names : undefined);
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidInputError);
        return (err as Error).message;
      }
      throw new Error(`no error for ${JSON.stringify(constraints)}`);
    };
    expect(error({ increaseOnly: ['Age'], decreaseOnly: ['Hours', 'Age'] })).toBe(
      'feature "Age" (0) is constrained to increase (constraints.increaseOnly) and to decrease (constraints.decreaseOnly); give it one direction',
    );
    expect(error({ direction: { Education: 'decrease' }, increaseOnly: ['Education'] })).toBe(
      'feature "Education" (2) is constrained to decrease (constraints.direction) and to increase (constraints.increaseOnly); give it one direction',
    );
    expect(error({ direction: { 3: 'increase' }, decreaseOnly: [3] }, false)).toMatch(/^feature 3 is constrained to increase \(constraints\.direction\) and to decrease/);
    expect(error({ immutable: ['Age'], increaseOnly: ['Age'] })).toBe('feature "Age" (0) is both immutable and constrained to increase; give it one constraint');
    expect(error({ increaseOnly: 'Age' })).toBe('constraints.increaseOnly is "Age"; expected an array of feature indices or names');
    expect(error({ decreaseOnly: ['Salary'] })).toBe('constraints.decreaseOnly names feature "Salary"; expected a feature index or one of: Age, Workclass, Education, Hours');
    expect(error({ decreaseOnly: ['Age'] }, false)).toBe('constraints.decreaseOnly names feature "Age"; expected a feature index, an integer in 0..3');
    expect(error({ increaseOnly: [4] }, false)).toBe('constraints.increaseOnly names feature 4; expected a feature index, an integer in 0..3');
  });
});

/** A logistic model on 4 numeric features: class 1 when 3·x0 − 2·x3 + x1 > 1. */
const logistic = (rows: number[][]) =>
  rows.map(([a, b, , d]) => {
    const p = 1 / (1 + Math.exp(-(3 * a - 2 * d + b - 1)));
    return [1 - p, p];
  });
const instance = [0.2, 0.1, 0.5, 0.4];
const train = Array.from({ length: 40 }, (_, i) => [((i * 7) % 11) / 10, ((i * 3) % 7) / 6, ((i * 5) % 9) / 8, ((i * 2) % 5) / 4]);
const asList = { immutable: [2], increaseOnly: [0], decreaseOnly: [3] };
const asRecord = { immutable: [2], direction: { 0: 'increase', 3: 'decrease' } } as const;

describe('every counterfactual method takes either spelling and explains byte for byte alike', () => {
  it('Counterfactual (Wachter et al.)', async () => {
    const options = { shape: [4], featureRange: [0, 1] as [number, number], maxIter: 60, maxLamSteps: 2 };
    const lists = await new Counterfactual(logistic, { ...options, constraints: asList }).explain(instance);
    const record = await new Counterfactual(logistic, { ...options, constraints: asRecord }).explain(instance);
    expect(JSON.stringify(lists)).toBe(JSON.stringify(record));
    expect(lists.data.success).toBe(true);
    const x = lists.data.cf!.X as number[];
    expect(x[0]).toBeGreaterThanOrEqual(Math.fround(instance[0]));
    expect(x[3]).toBeLessThanOrEqual(Math.fround(instance[3]));
    expect(x[2]).toBe(Math.fround(instance[2]));
  });

  it('CEM (pertinent negative)', async () => {
    const options = { mode: 'PN' as const, shape: [4], featureRange: [0, 1] as [number, number], noInfoVal: 0, maxIterations: 40, cSteps: 2 };
    const lists = await new CEM(logistic, { ...options, constraints: asList }).explain(instance);
    const record = await new CEM(logistic, { ...options, constraints: asRecord }).explain(instance);
    expect(JSON.stringify(lists)).toBe(JSON.stringify(record));
    expect(lists.meta.params.constraints).toEqual({ immutable: [2], direction: { 0: 'increase', 3: 'decrease' } });
  });

  it('CounterfactualProto, with feature names as in issue 5', async () => {
    const options = { shape: [4], featureNames: names, featureRange: [0, 1] as [number, number], theta: 10, maxIterations: 60, cSteps: 2 };
    const lists = await new CounterfactualProto(logistic, { ...options, constraints: { immutable: ['Education'], increaseOnly: ['Age'], decreaseOnly: ['Hours'] } }).fit(train);
    const record = await new CounterfactualProto(logistic, { ...options, constraints: { immutable: ['Education'], direction: { Age: 'increase', Hours: 'decrease' } } }).fit(train);
    const a = await lists.explain(instance);
    expect(JSON.stringify(a)).toBe(JSON.stringify(await record.explain(instance)));
    expect(a.data.success).toBe(true);
    const x = a.data.cf!.X as number[];
    expect(x[0]).toBeGreaterThanOrEqual(Math.fround(instance[0]));
    expect(x[3]).toBeLessThanOrEqual(Math.fround(instance[3]));
    expect(x[2]).toBe(Math.fround(instance[2]));
    // Saved state holds the resolved constraints, which restore to the same explainer.
    expect(lists.toState().constraints).toEqual({ immutable: [2], direction: { 0: 'increase', 3: 'decrease' } });
  });

  it('CounterfactualProto on a categorical table: increaseOnly follows the order of an ordered category', async () => {
    const categoryMap = { 1: ['a', 'b', 'c'], 2: ['no', 'yes'] };
    const rows = Array.from({ length: 90 }, (_, i) => [Math.min(1, -0.9 + 0.3 * (i % 3) + ((i * 7) % 13) / 13), i % 3, i % 3 === 0 || i % 5 === 0 ? 1 : 0]);
    const toy = (batch: number[][]) =>
      batch.map(([x, c1]) => {
        const p = 1 / (1 + Math.exp(-8 * (x + (c1 === 2 ? 1 : 0) - 0.5)));
        return [1 - p, p];
      });
    const base = { shape: [3], categoryMap, featureNames: ['x0', 'c1', 'c2'], featureRange: [-1, 1] as [number, number], theta: 10, maxIterations: 100, cSteps: 2, beta: 0.01 };
    const fit = { distance: 'mvdm' as const, order: { 1: ['a', 'b', 'c'] } };
    const lists = await new CounterfactualProto(toy, { ...base, constraints: { immutable: ['c2'], increaseOnly: ['c1'], decreaseOnly: ['x0'] } }).fit(rows, fit);
    const record = await new CounterfactualProto(toy, { ...base, constraints: { immutable: ['c2'], direction: { c1: 'increase', x0: 'decrease' } } }).fit(rows, fit);
    const a = await lists.explain([0, 1, 1]);
    expect(JSON.stringify(a)).toBe(JSON.stringify(await record.explain([0, 1, 1])));
    // x0 may only go down, so the category must move up: b -> c.
    expect(a.data.cf).toMatchObject({ class: 1, X: [0, 2, 1] });
    expect(a.data.cf!.changes).toEqual([{ feature: 1, name: 'c1', from: 'b', to: 'c', text: 'c1: b -> c' }]);
  });
});
