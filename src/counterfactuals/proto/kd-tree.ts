import { InvalidInputError } from '../../core/errors.js';

/**
 * A k-d tree (Bentley, "Multidimensional binary search trees used for associative searching", CACM
 * 18(9), 1975) for exact k-nearest-neighbour queries under the Euclidean distance, with the search of
 * Friedman, Bentley & Finkel ("An algorithm for finding best matches in logarithmic expected time", ACM
 * TOMS 3(3), 1977): descend to the query's leaf, then visit the far side of a split only when the
 * splitting plane is closer than the k-th best distance so far.
 *
 * Built by splitting on the dimension of largest spread at the median (as scikit-learn's `KDTree`, which
 * Alibi Explain's prototypes use), down to leaves of at most `leafSize` points. Ties in distance are
 * broken by the smaller point index, so queries are deterministic.
 */

/** Points per leaf by default: scikit-learn's `KDTree` default `leaf_size=40`. */
export const KD_TREE_LEAF_SIZE = 40;

/** The `k` nearest points of a query: their indices (into the points given to the tree) and distances, nearest first. */
export interface Neighbours {
  indices: number[];
  distances: number[];
}

interface Node {
  /** Range `[start, end)` of `order` this node holds. */
  start: number;
  end: number;
  /** Split dimension, or −1 for a leaf. */
  dim: number;
  value: number;
  left: Node | null;
  right: Node | null;
}

/**
 * A k-d tree (Bentley 1975) for exact Euclidean k-nearest-neighbour queries: CounterfactualProto's class
 * prototypes when no encoder is given, and DiverseCounterfactuals' k-d tree search.
 */
export class KdTree {
  /** Coordinates per point. */
  readonly dims: number;
  /** Points in the tree. */
  readonly size: number;
  /** Points, row-major, `size × dims`. */
  private readonly points: Float64Array;
  /** Point indices, permuted so that every node's points are contiguous. */
  private readonly order: Int32Array;
  private readonly root: Node;

  /**
   * @param rows the points, all of the same length (at least one point, one dimension).
   * @throws InvalidInputError for no points, rows of different lengths, or non-finite values.
   */
  constructor(
    rows: readonly ArrayLike<number>[],
    readonly leafSize = KD_TREE_LEAF_SIZE,
  ) {
    if (!Array.isArray(rows) || rows.length === 0) throw new InvalidInputError('a k-d tree needs at least one point; got none');
    if (!Number.isInteger(leafSize) || leafSize < 1) throw new InvalidInputError(`leafSize is ${String(leafSize)}; expected an integer >= 1`);
    const dims = rows[0].length;
    if (!(dims >= 1)) throw new InvalidInputError('a k-d tree needs points with at least one coordinate');
    this.points = new Float64Array(rows.length * dims);
    rows.forEach((row, i) => {
      if (row.length !== dims) throw new InvalidInputError(`point ${i} has ${row.length} coordinates; expected ${dims}, as point 0`);
      for (let j = 0; j < dims; j++) {
        const v = row[j];
        if (!Number.isFinite(v)) throw new InvalidInputError(`point ${i}, coordinate ${j} is ${String(v)}; expected a finite number`);
        this.points[i * dims + j] = v;
      }
    });
    this.dims = dims;
    this.size = rows.length;
    this.order = Int32Array.from({ length: rows.length }, (_, i) => i);
    this.root = this.build(0, rows.length);
  }

  /**
   * The `k` points nearest to `query` (Euclidean), nearest first; fewer when the tree holds fewer.
   *
   * @throws InvalidInputError for a query of the wrong length or with non-finite values, or k < 1.
   */
  query(query: ArrayLike<number>, k = 1): Neighbours {
    if (query === null || typeof query !== 'object' || query.length !== this.dims) {
      throw new InvalidInputError(`k-d tree query has ${query?.length ?? String(query)} coordinates; expected ${this.dims}`);
    }
    for (let j = 0; j < this.dims; j++) {
      if (!Number.isFinite(query[j])) throw new InvalidInputError(`k-d tree query coordinate ${j} is ${String(query[j])}; expected a finite number`);
    }
    if (!Number.isInteger(k) || k < 1) throw new InvalidInputError(`k is ${String(k)}; expected an integer >= 1`);
    const best = new BoundedMax(Math.min(k, this.size));
    this.search(this.root, query, best);
    const { indices, squared } = best.sorted();
    return { indices, distances: squared.map(Math.sqrt) };
  }

  private build(start: number, end: number): Node {
    if (end - start <= this.leafSize) return { start, end, dim: -1, value: 0, left: null, right: null };
    const { points, order, dims } = this;
    let dim = 0;
    let spread = -1;
    for (let j = 0; j < dims; j++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = start; i < end; i++) {
        const v = points[order[i] * dims + j];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (hi - lo > spread) {
        spread = hi - lo;
        dim = j;
      }
    }
    if (spread === 0) return { start, end, dim: -1, value: 0, left: null, right: null }; // all points equal
    // Sort the node's points along `dim` (index as tie-break) and split at the median.
    const slice = Array.from(order.subarray(start, end)).sort((a, b) => points[a * dims + dim] - points[b * dims + dim] || a - b);
    order.set(slice, start);
    const mid = start + ((end - start) >> 1);
    const value = points[order[mid] * dims + dim];
    return { start, end, dim, value, left: this.build(start, mid), right: this.build(mid, end) };
  }

  private search(node: Node, q: ArrayLike<number>, best: BoundedMax): void {
    const { points, order, dims } = this;
    if (node.dim < 0) {
      for (let i = node.start; i < node.end; i++) {
        const p = order[i];
        let s = 0;
        for (let j = 0; j < dims; j++) {
          const diff = points[p * dims + j] - q[j];
          s += diff * diff;
        }
        best.offer(p, s);
      }
      return;
    }
    const diff = q[node.dim] - node.value;
    const [near, far] = diff < 0 ? [node.left!, node.right!] : [node.right!, node.left!];
    this.search(near, q, best);
    // Points on the far side are at least |diff| away along the split dimension (equality: ties by index).
    if (!best.full() || diff * diff <= best.worst()) this.search(far, q, best);
  }
}

/** The `k` smallest (squared distance, index) pairs offered, ordered by distance then index. */
class BoundedMax {
  private readonly indices: number[] = [];
  private readonly squared: number[] = [];

  constructor(private readonly k: number) {}

  full(): boolean {
    return this.indices.length === this.k;
  }

  worst(): number {
    return this.squared[this.squared.length - 1];
  }

  offer(index: number, squared: number): void {
    const n = this.indices.length;
    if (n === this.k && !before(squared, index, this.squared[n - 1], this.indices[n - 1])) return;
    let i = n === this.k ? n - 1 : n;
    // Insertion into the sorted arrays (k is small).
    while (i > 0 && before(squared, index, this.squared[i - 1], this.indices[i - 1])) {
      this.squared[i] = this.squared[i - 1];
      this.indices[i] = this.indices[i - 1];
      i--;
    }
    this.squared[i] = squared;
    this.indices[i] = index;
  }

  sorted(): { indices: number[]; squared: number[] } {
    return { indices: [...this.indices], squared: [...this.squared] };
  }
}

function before(d1: number, i1: number, d2: number, i2: number): boolean {
  return d1 < d2 || (d1 === d2 && i1 < i2);
}
