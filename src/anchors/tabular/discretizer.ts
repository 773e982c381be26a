import { InvalidInputError } from '../../core/errors.js';

/**
 * The `q`-th percentile (0..100) of ascending `sorted` values by linear interpolation between the
 * closest ranks: Hyndman & Fan's (1996) definition 7, the default of R's `quantile` and NumPy's
 * `percentile`, which Alibi Explain uses to place its bin edges.
 */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new InvalidInputError('percentile of an empty column is undefined');
  const h = ((n - 1) * q) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Validates percentiles for discretisation: numbers strictly between 0 and 100. Returns them sorted
 * ascending and without repeats.
 */
export function checkPercentiles(discPerc: readonly number[]): number[] {
  if (!Array.isArray(discPerc) || discPerc.length === 0 || discPerc.length > 100) {
    throw new InvalidInputError('discPerc must be a non-empty array of at most 100 percentiles, e.g. [25, 50, 75]');
  }
  for (const q of discPerc) {
    if (typeof q !== 'number' || !(q > 0 && q < 100)) {
      throw new InvalidInputError(`discPerc contains ${String(q)}; expected percentiles strictly between 0 and 100`);
    }
  }
  return [...new Set(discPerc)].sort((a, b) => a - b);
}

/**
 * The bin edges of one numeric feature: the given percentiles of its values, repeated edges (a feature
 * that is mostly 0, say) collapsed, ascending.
 */
export function percentileEdges(values: ArrayLike<number>, percentiles: readonly number[]): Float64Array {
  const sorted = Float64Array.from(values).sort();
  return Float64Array.from(new Set(percentiles.map((q) => percentile(sorted, q))));
}

/**
 * Bins of one numeric feature, cut at percentiles of its training values as in the anchors paper's
 * tabular experiments and Alibi Explain's `disc_perc`, or at edges computed before (from a larger set
 * of rows, see `percentileEdges`). A feature has `edges.length + 1` bins: bin `b` holds
 * `edges[b−1] < x <= edges[b]`.
 */
export class FeatureBins {
  /** The training values, ascending. */
  readonly sorted: Float64Array;
  readonly edges: Float64Array;
  /** `binStart[b]`: index in `sorted` of the first value in bin `b` or above; `binStart[nBins] = n`. */
  private readonly binStart: Int32Array;

  /** @param cuts percentiles of `values` to cut at, or `{ edges }` (ascending, distinct) to cut at. */
  constructor(values: Float64Array, cuts: readonly number[] | { readonly edges: ArrayLike<number> }) {
    this.sorted = Float64Array.from(values).sort();
    this.edges = 'edges' in cuts ? Float64Array.from(cuts.edges) : percentileEdges(this.sorted, cuts);
    const nBins = this.edges.length + 1;
    this.binStart = new Int32Array(nBins + 1);
    let i = 0;
    for (let b = 0; b < nBins; b++) {
      while (i < this.sorted.length && this.bin(this.sorted[i]) < b) i++;
      this.binStart[b] = i;
    }
    this.binStart[nBins] = this.sorted.length;
  }

  get numBins(): number {
    return this.edges.length + 1;
  }

  /** The bin of `x`: how many edges lie strictly below it. */
  bin(x: number): number {
    let b = 0;
    while (b < this.edges.length && x > this.edges[b]) b++;
    return b;
  }

  /** How many training values fall in bins `lo..hi` (inclusive). */
  countInBins(lo: number, hi: number): number {
    return this.binStart[hi + 1] - this.binStart[lo];
  }

  /** The `k`-th training value (0-based, ascending) among those in bins `lo..hi`. */
  valueInBins(lo: number, hi: number, k: number): number {
    return this.sorted[this.binStart[lo] + k];
  }
}
