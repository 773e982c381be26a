import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { parseRowRange, parseShard, rowsAtMost, selectRows } from '../../src/batch/rows.js';

describe('batch row selection', () => {
  it('selects rows of a range round robin by row index, whatever the range', () => {
    expect(selectRows(10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(selectRows(10, { start: 3, end: 8 })).toEqual([3, 4, 5, 6, 7]);
    expect(selectRows(10, { start: 3 }, { index: 0, count: 3 })).toEqual([3, 6, 9]);
    expect(selectRows(10, { start: 3, end: 8 }, { index: 1, count: 3 })).toEqual([4, 7]);
    expect(selectRows(10, { start: 3, end: 8 }, { index: 2, count: 3 })).toEqual([5]);
    // The shards of a range partition it.
    const shards = [0, 1, 2, 3].flatMap((index) => selectRows(23, { start: 5, end: 21 }, { index, count: 4 }));
    expect(shards.sort((a, b) => a - b)).toEqual(selectRows(23, { start: 5, end: 21 }));
  });

  it('bounds the rows of a run before the data is read: at least the rows selectRows picks', () => {
    expect(rowsAtMost()).toBe(Infinity);
    expect(rowsAtMost({ start: 100 })).toBe(Infinity);
    expect(rowsAtMost({ start: 3, end: 8 })).toBe(5);
    for (let index = 0; index < 3; index++) {
      const shard = { index, count: 3 };
      expect(rowsAtMost({ start: 3, end: 8 }, shard)).toBe(2);
      expect(rowsAtMost({ start: 3, end: 8 }, shard)).toBeGreaterThanOrEqual(selectRows(10, { start: 3, end: 8 }, shard).length);
    }
    expect(() => rowsAtMost({ start: 5, end: 5 })).toThrow('rows 5:5 is not a range of rows');
    expect(() => rowsAtMost(undefined, { index: 2, count: 2 })).toThrow('shard index is 2 of 2 shards');
  });

  it('parses --shard i/n and --rows a:b', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseRowRange('0:200')).toEqual({ start: 0, end: 200 });
    expect(parseRowRange('100:')).toEqual({ start: 100 });
    expect(parseRowRange(':50')).toEqual({ start: 0, end: 50 });
  });

  it('rejects shards and ranges that are not, naming what was given and what was expected', () => {
    expect(() => parseShard('3/2')).toThrow(new InvalidInputError('shard index is 3 of 2 shards; expected an integer 0..1'));
    expect(() => parseShard('2/2')).toThrow('shard index is 2 of 2 shards');
    expect(() => parseShard('0/0')).toThrow(new InvalidInputError('shard count is 0; expected an integer >= 1'));
    expect(() => parseShard('1')).toThrow('shard is "1"; expected i/n with integers 0 <= i < n');
    expect(() => parseShard('-1/2')).toThrow(InvalidInputError);
    expect(() => parseRowRange('5:5')).toThrow('rows 5:5 is not a range of rows; expected integers 0 <= START < END');
    expect(() => parseRowRange('0-10')).toThrow('rows is "0-10"; expected START:END');
    expect(() => selectRows(100, { start: 90, end: 120 })).toThrow('rows 90:120 ends past the data, which has 100 rows (0..99)');
    expect(() => selectRows(100, { start: 100 })).toThrow('rows 100: is not a range of rows');
    expect(() => selectRows(100, undefined, { index: 0.5, count: 2 })).toThrow('shard index is 0.5 of 2 shards');
  });
});
