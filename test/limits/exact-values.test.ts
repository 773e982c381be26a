import { describe, expect, it } from 'vitest';
import { PredictorError } from '../../src/core/errors.js';
import { checkIntegerValues, requestTensor } from '../../src/http/request-tensors.js';
import { toLabels } from '../../src/predictors/predictor.js';
import { V2Codec } from '../../src/predictors/remote/protocols/v2.js';
import { flattenTensor, MAX_TENSOR_ELEMENTS, MAX_TENSOR_RANK, ResponseShapeError, shapedTensor } from '../../src/predictors/remote/tensor.js';

/**
 * Issue 14, items 3 and 5: values are exact or refused (INT64 beyond the safe integers, integers outside
 * their datatype, labels an Int32Array would wrap), and deep or huge tensors are refused by depth and
 * element count before anything is flattened, with short messages.
 */

/** `[[[...[1]...]]]`, `depth` arrays deep. */
function nested(depth: number): unknown {
  let v: unknown = [1];
  for (let i = 1; i < depth; i++) v = [v];
  return v;
}

describe('exact values', () => {
  it('refuses labels that an Int32Array would wrap (4294967297 is not class 1)', () => {
    expect(() => toLabels([0, 4294967297], 2)).toThrow(PredictorError);
    expect(() => toLabels([0, 4294967297], 2)).toThrow('predictor returned 4294967297 as the label of input 1; expected a class label in [-2147483648, 2147483647]');
    expect(Array.from(toLabels([0, 2147483647], 2))).toEqual([0, 2147483647]);
  });

  it('refuses model answers whose values their datatype cannot hold', () => {
    const codec = new V2Codec({ name: 'x', datatype: 'FP64', dims: undefined, layout: undefined }, { outputName: undefined, scale: 1, classes: undefined });
    const answer = (datatype: string, data: number[]) => ({ outputs: [{ name: 'label', datatype, shape: [data.length], data }] });
    expect(codec.decode(answer('INT64', [4294967297, 0]), 2)).toEqual({ kind: 'labels', labels: [4294967297, 0] });
    expect(() => codec.decode(answer('INT64', [2 ** 53 + 2, 0]), 2)).toThrow(
      'v2 output "label" is INT64 but value 0 is 9007199254740994; expected integers in [-9007199254740991, 9007199254740991]',
    );
    expect(() => codec.decode(answer('UINT8', [300, 0]), 2)).toThrow('v2 output "label" is UINT8 but value 0 is 300; expected integers in [0, 255]');
    expect(() => codec.decode(answer('UINT64', [-1, 0]), 2)).toThrow(ResponseShapeError);
  });

  it('refuses request tensors whose values their datatype cannot hold (a 400)', () => {
    expect(() => checkIntegerValues([1, 300], 'UINT8', 'input "x"')).toThrow('input "x" is UINT8 but value 1 is 300; expected integers in [0, 255]');
    expect(() => checkIntegerValues([2 ** 60], 'INT64', 'input "x"')).toThrow(/is INT64 but value 0 is 1152921504606847000/);
    expect(() => checkIntegerValues([1.5, 2], 'FP32', 'input "x"')).not.toThrow();
  });
});

describe('deep and huge tensors', () => {
  it('refuses a 10,000-deep nesting with a short message, not a stack overflow', () => {
    const deep = nested(10_000);
    for (const read of [() => flattenTensor(deep, 'data'), () => shapedTensor(deep, [1], 'tensor')]) {
      const err = (() => {
        try {
          read();
        } catch (e) {
          return e as Error;
        }
      })();
      expect(err).toBeInstanceOf(ResponseShapeError);
      expect(err!.message.length).toBeLessThan(120);
    }
    expect(() => flattenTensor(deep, 'data')).toThrow(`data is nested more than ${MAX_TENSOR_RANK} arrays deep; expected at most ${MAX_TENSOR_RANK} dimensions`);
    expect(flattenTensor(nested(MAX_TENSOR_RANK), 'data').shape).toHaveLength(MAX_TENSOR_RANK);
  });

  it('refuses a 5,000-dimension shape and a shape of too many values before reading the data', () => {
    const shape = new Array(5000).fill(1);
    expect(() => requestTensor([1], 'input "x"', shape)).toThrow(`input "x" shape has 5000 dimensions; expected at most ${MAX_TENSOR_RANK}`);
    expect(() => requestTensor([1], 'input "x"', [1e6, 1e6])).toThrow(`input "x" has shape [1000000, 1000000], 1000000000000 values; expected at most ${MAX_TENSOR_ELEMENTS}`);
  });
});
