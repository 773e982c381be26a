import { describe, expect, it } from 'vitest';
import { emptyBitset, members, setBit } from '../../src/core/bitset.js';
import { createRng } from '../../src/core/rng.js';
import { greedyCover } from '../../src/summary/greedy-cover.js';

/** Bitsets over `items` items from lists of members. */
function sets(items: number, lists: number[][]): Uint32Array[] {
  return lists.map((list) => {
    const bits = emptyBitset(items);
    for (const i of list) setBit(bits, i);
    return bits;
  });
}

/** The largest union of at most `budget` of `lists`, by trying every combination. */
function bruteForceOptimum(lists: number[][], budget: number): number {
  let best = 0;
  const choose = (from: number, left: number, union: Set<number>) => {
    best = Math.max(best, union.size);
    if (left === 0) return;
    for (let s = from; s < lists.length; s++) choose(s + 1, left - 1, new Set([...union, ...lists[s]]));
  };
  choose(0, budget, new Set());
  return best;
}

describe('greedyCover', () => {
  it('picks the set adding the most each time, ties to the lowest index, and stops when nothing is added', () => {
    const lists = [[0, 1], [2, 3, 4], [0, 1, 2], [5], [3, 4]];
    const cover = greedyCover(sets(6, lists), 5);
    expect(cover.picked).toEqual([1, 0, 3]);
    expect(cover.gains).toEqual([3, 2, 1]);
    expect(cover.covered).toEqual([3, 5, 6]);
    expect(greedyCover(sets(6, lists), 1).picked).toEqual([1]);
    expect(greedyCover([], 3)).toEqual({ picked: [], gains: [], covered: [] });
  });

  it('is not always optimal: on the classic trap instance it covers 7 of the optimum 8 (ratio >= 1 - 1/e)', () => {
    // Optimum with budget 2: {0..3} and {4..7} cover 8; greedy takes the 5-item middle set first.
    const lists = [[0, 1, 2, 3], [4, 5, 6, 7], [1, 2, 3, 5, 6]];
    const greedy = greedyCover(sets(8, lists), 2).covered.at(-1) as number;
    const optimum = bruteForceOptimum(lists, 2);
    expect([greedy, optimum]).toEqual([7, 8]);
    expect(greedy / optimum).toBeGreaterThanOrEqual(1 - 1 / Math.E);
  });

  it('covers at least (1 - 1/e) of the brute-force optimum on 300 random instances, and equals it with budget 1 and on most small ones', () => {
    const rng = createRng('greedy-cover-test');
    let equal = 0;
    let instances = 0;
    for (let t = 0; t < 300; t++) {
      const items = 4 + Math.floor(rng.next() * 60);
      const count = 2 + Math.floor(rng.next() * 8);
      const lists = Array.from({ length: count }, () => [...Array(items).keys()].filter(() => rng.next() < 0.25));
      const bits = sets(items, lists);
      for (const budget of [1, 2, 3, 4]) {
        const cover = greedyCover(bits, budget);
        const greedy = cover.covered.at(-1) ?? 0;
        const optimum = bruteForceOptimum(lists, budget);
        expect(greedy).toBeLessThanOrEqual(optimum);
        expect(greedy).toBeGreaterThanOrEqual((1 - 1 / Math.E) * optimum);
        if (budget === 1) expect(greedy).toBe(optimum);
        // The union the picks report is the union of the sets picked.
        const union = new Set(cover.picked.flatMap((s) => lists[s]));
        expect(union.size).toBe(greedy);
        instances++;
        if (greedy === optimum) equal++;
      }
    }
    expect(equal / instances).toBeGreaterThan(0.8);
  });

  it('handles items past one 32-bit word', () => {
    const lists = [[0, 31, 32, 63, 64, 99], [1, 2]];
    const cover = greedyCover(sets(100, lists), 2);
    expect(cover.covered).toEqual([6, 8]);
    expect(Array.from(members(sets(100, lists)[0]))).toEqual(lists[0]);
  });
});
