/**
 * The indices of the `k` largest of `scores`, largest first; ties go to the smaller index, so the
 * answer is deterministic. Indices where `skip(i)` is true are left out. A bounded min-heap keeps it at
 * O(n log k) (Knuth, TAOCP vol. 3, §5.2.3), for nearest-neighbour and top-candidate queries over
 * vocabularies of tens of thousands of words.
 */
export function topK(scores: ArrayLike<number>, k: number, skip?: (i: number) => boolean): number[] {
  const heap: number[] = []; // min-heap of indices by (score, -index): the root is the weakest kept
  const weaker = (a: number, b: number) => scores[a] < scores[b] || (scores[a] === scores[b] && a > b);
  const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j], heap[i]]);
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && weaker(heap[l], heap[m])) m = l;
      if (r < heap.length && weaker(heap[r], heap[m])) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  if (k <= 0) return [];
  for (let i = 0; i < scores.length; i++) {
    if (skip?.(i)) continue;
    if (heap.length < k) {
      heap.push(i);
      for (let c = heap.length - 1; c > 0 && weaker(heap[c], heap[(c - 1) >> 1]); c = (c - 1) >> 1) swap(c, (c - 1) >> 1);
    } else if (weaker(heap[0], i)) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (weaker(a, b) ? 1 : weaker(b, a) ? -1 : 0));
}
