/**
 * Quantile binning of one feature, for histogram-based split finding (as in LightGBM, Ke et al.,
 * NeurIPS 2017, and XGBoost's `hist` method, Chen & Guestrin, KDD 2016): every value is replaced by the
 * index of its bin, and a tree split "value <= edges[b]" becomes "bin <= b".
 */

/**
 * The upper edges of at most `maxBins` bins over `values` (ascending; the last edge is the maximum).
 * A feature with at most `maxBins` distinct values gets one bin per value, so splits are exact. Otherwise
 * the distinct values are grouped greedily into bins of about `n / maxBins` rows each; a value that
 * alone holds more rows than that (e.g. the zeros of a sparse feature) gets a bin of its own.
 */
export function quantileBinEdges(values: ArrayLike<number>, maxBins: number): Float64Array {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const distinct: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) {
      distinct.push(sorted[i]);
      counts.push(1);
    } else {
      counts[counts.length - 1]++;
    }
  }
  if (distinct.length <= maxBins) return Float64Array.from(distinct);
  const edges: number[] = [];
  let rowsLeft = n; // rows not yet in a closed bin
  let inBin = 0; // rows in the open bin
  for (let k = 0; k < distinct.length; k++) {
    inBin += counts[k];
    const last = k === distinct.length - 1;
    const binsLeft = maxBins - edges.length; // the open bin included
    let close = last;
    if (!last && binsLeft > 1) {
      const share = rowsLeft / binsLeft;
      const withNext = inBin + counts[k + 1];
      close =
        distinct.length - k - 1 <= binsLeft - 1 || // as many values left as bins: one bin each
        inBin >= share || // the bin holds its share
        (withNext > share && withNext - share > share - inBin); // the next value overshoots more
    }
    if (close) {
      edges.push(distinct[k]);
      rowsLeft -= inBin;
      inBin = 0;
    }
  }
  return Float64Array.from(edges);
}

/**
 * The bin of `value`: the index of the first edge `>= value`, by binary search; values above the last
 * edge fall into the last bin.
 */
export function binOf(edges: Float64Array, value: number): number {
  let lo = 0;
  let hi = edges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] >= value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
