import { checkInteger, checkNumber, rejectUnknownOptions, stripUndefined } from '../../anchors/options.js';
import { gaussianFilter } from '../gaussian.js';
import { valueRange, type Image } from '../image.js';
import { relabelSequential, type Segments } from './segments.js';

/** Options of {@link felzenszwalb}, named as scikit-image's `felzenszwalb` names them. */
export interface FelzenszwalbOptions {
  /** The paper's k for 8-bit intensities: higher gives larger segments. */
  scale?: number;
  /** Standard deviation of the Gaussian smoothing applied before segmenting (pixels; 0 for none). */
  sigma?: number;
  /** Segments smaller than this many pixels are merged into a neighbour. */
  minSize?: number;
}

/** Defaults of {@link felzenszwalb}: scikit-image's (`scale 1, sigma 0.8, min_size 20`). */
export const FELZENSZWALB_DEFAULTS = Object.freeze({ scale: 1, sigma: 0.8, minSize: 20 });

/**
 * The options of {@link felzenszwalb} over its defaults, checked.
 *
 * @throws InvalidInputError on an unknown option or a value out of range, naming it.
 */
export function resolveFelzenszwalbOptions(options: FelzenszwalbOptions): Required<FelzenszwalbOptions> {
  rejectUnknownOptions(options, ['scale', 'sigma', 'minSize']);
  const o = { ...FELZENSZWALB_DEFAULTS, ...stripUndefined(options) };
  checkNumber('scale', o.scale, 0, Infinity, { openLow: true, openHigh: true });
  checkNumber('sigma', o.sigma, 0, Infinity, { openHigh: true });
  checkInteger('minSize', o.minSize, 0);
  return o;
}

/**
 * Graph-based segmentation (Felzenszwalb & Huttenlocher, "Efficient Graph-Based Image Segmentation",
 * IJCV 59(2), 2004): pixels are the nodes of a grid graph whose edges join 4-neighbours, weighted by the
 * Euclidean distance between their (smoothed) values over all channels. Edges are visited by increasing
 * weight (compared in float32 precision, ties by position), and two components merge when the edge between them weighs at most
 * min(Int(C₁) + k/|C₁|, Int(C₂) + k/|C₂|), Int being a component's largest internal edge of its minimum
 * spanning tree. Afterwards, components smaller than `minSize` are merged along the lightest edges first.
 *
 * `scale` is k for 8-bit intensities, as in the paper's code: values in [0, 1] are compared with k / 255
 * (scikit-image does the same). An image with non-negative values up to 255, some above 1, is read as
 * 8-bit values. Edges join 4-neighbours only (the paper also uses 8-neighbourhoods), so every segment is
 * 4-connected. Deterministic. Labels are 0..K−1 in row-major order of first pixels.
 *
 * @throws InvalidInputError on an unknown or out-of-range option.
 */
export function felzenszwalb(image: Image, options: FelzenszwalbOptions = {}): Segments {
  const o = resolveFelzenszwalbOptions(options);
  const { height, width, channels: C } = image;
  const values = gaussianFilter(image.data, height, width, C, o.sigma);
  const { min, max } = valueRange(image);
  const k = (min >= 0 && max > 1 && max <= 255 ? o.scale : o.scale / 255);

  // Edges to the right neighbour (2p) and the lower neighbour (2p + 1).
  const n = height * width;
  const weights = new Float64Array(2 * n);
  const edges: number[] = [];
  const distance = (p: number, q: number) => {
    let d = 0;
    for (let c = 0; c < C; c++) {
      const diff = values[p * C + c] - values[q * C + c];
      d += diff * diff;
    }
    return Math.sqrt(d);
  };
  for (let p = 0; p < n; p++) {
    if (p % width < width - 1) {
      weights[2 * p] = distance(p, p + 1);
      edges.push(2 * p);
    }
    if (p + width < n) {
      weights[2 * p + 1] = distance(p, p + width);
      edges.push(2 * p + 1);
    }
  }
  const order = sortByWeight(Uint32Array.from(edges), weights);
  const other = (e: number) => ((e & 1) === 0 ? (e >> 1) + 1 : (e >> 1) + width);

  const sets = new DisjointSets(n);
  const internal = new Float64Array(n); // Int(C) of each root
  for (const e of order) {
    const a = sets.find(e >> 1);
    const b = sets.find(other(e));
    if (a === b) continue;
    const w = weights[e];
    if (w <= Math.min(internal[a] + k / sets.size[a], internal[b] + k / sets.size[b])) {
      internal[sets.union(a, b)] = w; // edges come in increasing order: w is the new largest MST edge
    }
  }
  for (const e of order) {
    const a = sets.find(e >> 1);
    const b = sets.find(other(e));
    if (a !== b && (sets.size[a] < o.minSize || sets.size[b] < o.minSize)) sets.union(a, b);
  }
  const roots = new Int32Array(n);
  for (let p = 0; p < n; p++) roots[p] = sets.find(p);
  return relabelSequential(roots, height, width);
}

/** Union–find with union by size and path halving (Tarjan, 1975). */
class DisjointSets {
  readonly parent: Int32Array;
  readonly size: Int32Array;

  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
    this.size = new Int32Array(n).fill(1);
  }

  find(x: number): number {
    const parent = this.parent;
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }

  /** Joins the sets of the roots `a` and `b`; returns the new root. */
  union(a: number, b: number): number {
    if (this.size[a] < this.size[b]) [a, b] = [b, a];
    this.parent[b] = a;
    this.size[a] += this.size[b];
    return a;
  }
}

/**
 * The edges sorted by increasing weight, ties in their given order: a stable least-significant-digit
 * radix sort (two passes of 16 bits) on the weights rounded to float32, whose bit patterns order like
 * the numbers for non-negative values. Linear time, several times faster than a comparison sort here.
 */
function sortByWeight(edges: Uint32Array, weights: Float64Array): Uint32Array {
  const keys = new Float32Array(edges.length);
  for (let i = 0; i < edges.length; i++) keys[i] = weights[edges[i]];
  const bits = new Uint32Array(keys.buffer);
  let order = Uint32Array.from({ length: edges.length }, (_, i) => i);
  let next = new Uint32Array(edges.length);
  const counts = new Uint32Array(65536 + 1);
  for (const shift of [0, 16]) {
    counts.fill(0);
    for (let i = 0; i < order.length; i++) counts[((bits[order[i]] >>> shift) & 0xffff) + 1] += 1;
    for (let d = 0; d < 65536; d++) counts[d + 1] += counts[d];
    for (let i = 0; i < order.length; i++) next[counts[(bits[order[i]] >>> shift) & 0xffff]++] = order[i];
    [order, next] = [next, order];
  }
  return order.map((i) => edges[i]);
}
