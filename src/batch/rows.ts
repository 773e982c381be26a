import { InvalidInputError } from '../core/errors.js';

/**
 * Which rows a batch run explains: a contiguous range of the data set's rows, and of those, the rows of
 * one shard. Row `r` belongs to shard `r mod count` (round robin by row index, not contiguous blocks), so
 * shards get equal shares of every part of the data, and a row's shard does not depend on the range.
 */

/** Rows `start` (inclusive) to `end` (exclusive), by their index in the data; no `end`: to the last row. */
export interface RowRange {
  start: number;
  end?: number;
}

/** Shard `index` of `count` (0-based): the rows whose index modulo `count` is `index`. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `i/n` (as written in `--shard 1/4`) and checks it: integers with 0 <= i < n. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (m === null) throw new InvalidInputError(`shard is "${text}"; expected i/n with integers 0 <= i < n, e.g. 0/4`);
  const shard = { index: Number(m[1]), count: Number(m[2]) };
  checkShard(shard);
  return shard;
}

/** Checks a shard: integers with count >= 1 and 0 <= index < count. */
function checkShard(shard: Shard): void {
  const { index, count } = shard;
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new InvalidInputError(`shard count is ${String(count)}; expected an integer >= 1`);
  }
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new InvalidInputError(`shard index is ${String(index)} of ${count} shards; expected an integer 0..${count - 1}`);
  }
}

/**
 * Parses `a:b` (as written in `--rows 0:200`): rows a to b-1. Either end may be left out (`100:`, `:50`),
 * meaning the first or the last row of the data.
 */
export function parseRowRange(text: string): RowRange {
  const m = /^(\d*):(\d*)$/.exec(text.trim());
  if (m === null) throw new InvalidInputError(`rows is "${text}"; expected START:END (row indices, END exclusive), e.g. 0:200`);
  const range = { start: m[1] === '' ? 0 : Number(m[1]), ...(m[2] !== '' && { end: Number(m[2]) }) };
  checkRowRange(range);
  return range;
}

/** Checks that a range is non-empty, and inside the `total` rows of the data when that is given. */
function checkRowRange(range: RowRange, total = Infinity): void {
  const { start, end = total } = range;
  const text = `${String(start)}:${range.end === undefined ? '' : String(end)}`;
  if (!Number.isSafeInteger(start) || start < 0 || !(Number.isSafeInteger(end) || end === Infinity) || end <= start) {
    throw new InvalidInputError(`rows ${text} is not a range of rows; expected integers 0 <= START < END`);
  }
  if (end > total) {
    throw new InvalidInputError(`rows ${text} ends past the data, which has ${total} rows (0..${total - 1})`);
  }
}

/**
 * The most rows a run of `range` and `shard` can have, known before the data is read: the shard's share of
 * the range, or `Infinity` for a range without an end. Checks both as {@link selectRows} does.
 */
export function rowsAtMost(range: RowRange = { start: 0 }, shard: Shard = { index: 0, count: 1 }): number {
  checkRowRange(range);
  checkShard(shard);
  return range.end === undefined ? Infinity : Math.ceil((range.end - range.start) / shard.count);
}

/** The indices, in increasing order, of the rows of `range` that belong to `shard`. */
export function selectRows(total: number, range: RowRange = { start: 0 }, shard: Shard = { index: 0, count: 1 }): number[] {
  checkRowRange(range, total);
  checkShard(shard);
  const { start, end = total } = range;
  const rows: number[] = [];
  for (let r = start + ((shard.index - (start % shard.count) + shard.count) % shard.count); r < end; r += shard.count) rows.push(r);
  return rows;
}
