import { describe, expect, it } from 'vitest';
import { emptyBitset, intersect, intersectionSize, members, popcount32, setBit } from '../../src/core/bitset.js';

const of = (size: number, items: number[]) => {
  const bits = emptyBitset(size);
  for (const i of items) setBit(bits, i);
  return bits;
};

describe('bitsets', () => {
  it('count the set bits of a word', () => {
    expect(popcount32(0)).toBe(0);
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(0x80000001)).toBe(2);
    expect(popcount32(0b1011_0110)).toBe(5);
  });

  it('list their members, across word boundaries and in the top bit', () => {
    expect([...members(of(100, [0, 31, 32, 63, 64, 99]))]).toEqual([0, 31, 32, 63, 64, 99]);
    expect(members(emptyBitset(70))).toHaveLength(0);
  });

  it('intersect, and count an intersection without building it', () => {
    const a = of(70, [1, 5, 33, 40, 69]);
    const b = of(70, [5, 33, 34, 69]);
    const c = of(70, [0, 5, 69]);
    expect([...members(intersect([a, b]))]).toEqual([5, 33, 69]);
    expect([...members(intersect([a, b, c]))]).toEqual([5, 69]);
    expect(intersectionSize([a, b, c])).toBe(2);
    expect(intersectionSize([a])).toBe(5);
    expect([...members(a)]).toEqual([1, 5, 33, 40, 69]); // inputs are left alone
  });
});
