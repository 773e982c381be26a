/**
 * Bitsets over a fixed number of items, stored as `Uint32Array` words (item i is bit `i & 31` of word
 * `i >>> 5`). Anchors use them to find, in a few word operations, which rows satisfy a set of conditions.
 */

/** An empty bitset able to hold `size` items. */
export function emptyBitset(size: number): Uint32Array {
  return new Uint32Array(Math.ceil(size / 32));
}

/** Sets bit `i`. */
export function setBit(bits: Uint32Array, i: number): void {
  bits[i >>> 5] |= 1 << (i & 31);
}

/** Number of set bits in a 32-bit word (Hacker's Delight, 2nd ed., §5-1). */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** The bitwise AND of `sets` (all of one size), as a new bitset; `sets` must not be empty. */
export function intersect(sets: readonly Uint32Array[]): Uint32Array {
  const out = Uint32Array.from(sets[0]);
  for (let s = 1; s < sets.length; s++) {
    const bits = sets[s];
    for (let w = 0; w < out.length; w++) out[w] &= bits[w];
  }
  return out;
}

/** How many items are in every one of `sets`, without building the intersection. */
export function intersectionSize(sets: readonly Uint32Array[]): number {
  let count = 0;
  for (let w = 0; w < sets[0].length; w++) {
    let bits = 0xffffffff;
    for (let s = 0; s < sets.length; s++) bits &= sets[s][w];
    count += popcount32(bits);
  }
  return count;
}

/** The items in `bits`, ascending. */
export function members(bits: Uint32Array): Int32Array {
  let count = 0;
  for (let w = 0; w < bits.length; w++) count += popcount32(bits[w]);
  const out = new Int32Array(count);
  let k = 0;
  for (let w = 0; w < bits.length; w++) {
    let word = bits[w];
    while (word !== 0) {
      const low = word & -word;
      out[k++] = w * 32 + (31 - Math.clz32(low));
      word ^= low;
    }
  }
  return out;
}
