import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { checkConstraints, constraintBox, mutableFeatures, project, resolveFeatureRange } from '../../src/counterfactuals/constraints.js';
import { flattenInstance, nest } from '../../src/counterfactuals/instance.js';

describe('feature constraints as a box around the instance', () => {
  const x = Float32Array.from([0.5, 2, -1, 3]);

  it('narrows featureRange by ranges, pins immutable features and cuts at x for directions', () => {
    const range = resolveFeatureRange([[0, 0, -5, 0], 10], 4);
    const constraints = checkConstraints({ immutable: [1], range: { 3: [2, 4] }, direction: { 0: 'increase', 2: 'decrease' } }, 4);
    const box = constraintBox(x, range, constraints);
    expect(Array.from(box.lower)).toEqual([0.5, 2, -5, 2]);
    expect(Array.from(box.upper)).toEqual([10, 2, -1, 4]);
    expect(Array.from(mutableFeatures(box))).toEqual([0, 2, 3]);
    expect(Array.from(project(Float32Array.from([-3, 7, 0, 9]), box))).toEqual([0.5, 2, -1, 4]);
  });

  it('requires the instance inside featureRange and inside every allowed range', () => {
    expect(() => constraintBox(x, resolveFeatureRange([0, 2.5], 4), {})).toThrow(InvalidInputError);
    expect(() => constraintBox(x, resolveFeatureRange([0, 2.5], 4), {})).toThrow(/instance value 2 \(flat, row-major\) is -1, outside featureRange \[0, 2\.5\]/);
    expect(() => constraintBox(x, resolveFeatureRange([-10, 10], 4), { range: { 1: [3, 4] } })).toThrow(/instance value 1 is 2, outside its allowed range \[3, 4\]/);
  });

  it('checks the constraints themselves', () => {
    expect(() => checkConstraints({ frozen: [1] } as never, 4)).toThrow(/unknown constraint "frozen"; known constraints are: immutable, range, direction/);
    expect(() => checkConstraints({ immutable: [1.5] }, 4)).toThrow(/constraints\.immutable names feature 1\.5; expected a feature index, an integer in 0\.\.3/);
    expect(() => checkConstraints({ immutable: 2 as never }, 4)).toThrow(/constraints\.immutable is 2; expected an array of feature indices/);
    expect(() => checkConstraints({ range: { 9: [0, 1] } }, 4)).toThrow(/constraints\.range names feature "9"/);
  });
});

describe('instances, flat or nested', () => {
  it('flattens nested arrays in row-major order and nests them back', () => {
    const nested = [[[1], [2], [3]], [[4], [5], [6]]];
    const flat = flattenInstance(nested, [2, 3, 1]);
    expect(Array.from(flat)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(nest(flat, [2, 3, 1])).toEqual(nested);
    expect(nest([7, 8], [2])).toEqual([7, 8]);
  });

  it('names the first place where an instance does not have the shape', () => {
    expect(() => flattenInstance([[[1], [2]], [[3], [4], [5]]], [2, 3, 1])).toThrow(/instance\[0\] has length 2; expected 3 \(shape \[2, 3, 1\]\)/);
    expect(() => flattenInstance([[[1], [2], [3]], [[4], ['5'], [6]]] as never, [2, 3, 1])).toThrow(/instance value 4 \(flat, row-major\) is the string "5"; expected a finite number/);
    expect(() => flattenInstance('digit' as never, [2])).toThrow(/instance is the string "digit"; expected 2 numbers/);
  });
});
