import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/index.js';
import { MinMaxScaling } from '../../src/entries/counterfactuals.js';
import { loadAdult } from '../../src/entries/demo.js';

describe('MinMaxScaling', () => {
  it('maps the chosen columns from their training range to [a, b] and back; others pass through', () => {
    const rows = [
      [10, 3, 0],
      [20, 1, 5],
      [30, 2, 10],
    ];
    const scaling = MinMaxScaling.fit(rows, { features: [2, 0], range: [-1, 1] });
    expect(scaling.toJSON()).toEqual({ size: 3, features: [0, 2], lower: [10, 0], upper: [30, 10], range: [-1, 1], integer: false });
    expect(scaling.scale([10, 3, 0])).toEqual([-1, 3, -1]);
    expect(scaling.scale([25, 1, 7.5])).toEqual([0.5, 1, 0.5]);
    expect(scaling.unscale([0.5, 1, 0.5])).toEqual([25, 1, 7.5]);
    // Outside the training range is extrapolated, not clipped.
    expect(scaling.scale([40, 0, 20])).toEqual([2, 0, 3]);
    const unit = MinMaxScaling.fit(rows, { features: [0], range: [0, 1], integer: true });
    expect(unit.scale([15, 0, 0])).toEqual([0.25, 0, 0]);
    expect(unit.unscale([0.26, 7, 7])).toEqual([15, 7, 7]);
    expect(unit.unscaleValue(1, 0.26)).toBe(0.26);
  });

  it('unscales Adult rows exactly to their whole numbers after a float32 round trip', () => {
    const adult = loadAdult();
    const scaling = MinMaxScaling.fit(adult.train.rows, { features: [0, 8, 9, 10], integer: true });
    expect(scaling.toJSON()).toMatchObject({ lower: [17, 0, 0, 1], upper: [90, 99999, 4356, 99] });
    for (const row of adult.test.rows.slice(0, 200)) {
      expect(scaling.unscale(Float32Array.from(scaling.scale(row)))).toEqual(row);
    }
  });

  it('round-trips through JSON and names what is wrong in bad JSON, rows or instances', () => {
    const scaling = MinMaxScaling.fit([[0, 1], [4, 1]], { features: [0] });
    expect(MinMaxScaling.fromJSON(JSON.parse(JSON.stringify(scaling))).toJSON()).toEqual(scaling.toJSON());
    const good = scaling.toJSON();
    const bad: Array<[unknown, RegExp]> = [
      [null, /^the scaling: "\(top level\)" should be an object; found null$/],
      [{ ...good, size: 0 }, /"size" should be a positive integer \(the row length\); found 0/],
      [{ ...good, features: [2] }, /"features\[0\]" should be a column index in 0..1, ascending; found 2/],
      [{ ...good, upper: [0] }, /"upper\[0\]" should be greater than lower\[0\] = 0 \(column 0 is constant: leave it out\); found 0/],
      [{ ...good, lower: [0, 1] }, /"lower" should be 1 numbers, one per scaled column/],
      [{ ...good, range: [1, -1] }, /"range" should be \[a, b\] with a < b; found \[1,-1\]/],
      [{ ...good, integer: 'yes' }, /"integer" should be true or false; found "yes"/],
    ];
    for (const [json, message] of bad) expect(() => MinMaxScaling.fromJSON(json)).toThrow(message);
    expect(() => MinMaxScaling.fit([[1, 1], [1, 2]], { features: [0] })).toThrow(/column 0 is constant/);
    expect(() => MinMaxScaling.fit([[1, 1], [2]], { features: [0] })).toThrow(/^row 1 has 1 values; expected 2, as row 0$/);
    expect(() => MinMaxScaling.fit([[1, NaN], [2, 3]], { features: [1] })).toThrow(/^row 0, column 1 is NaN; expected a finite number$/);
    expect(() => scaling.scale([1, 2, 3])).toThrow(InvalidInputError);
    expect(() => scaling.scale([1, 2, 3])).toThrow(/^the row has 3 values; expected 2$/);
    expect(() => scaling.scale(['a', 1] as never)).toThrow(/^the row, column 0 is "a"; expected a finite number$/);
    expect(() => scaling.scale({ Age: 3 } as never)).toThrow(/^the row is an object without a length; expected an array of 2 numbers$/);
  });
});
