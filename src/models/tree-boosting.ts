import { createRng } from '../core/rng.js';
import { binOf, quantileBinEdges } from './quantile-bins.js';
import { sigmoid } from './rows.js';

/**
 * Gradient boosting of regression trees for binary classification with the logistic loss, or for
 * regression with the squared error.
 *
 * - Boosting: Friedman, "Greedy function approximation: a gradient boosting machine", Annals of
 *   Statistics 29(5), 2001. The model is a sum of trees over the log-odds, started at the log-odds of
 *   the training base rate and shrunk by a learning rate.
 * - Trees: second-order (Newton) fits as in XGBoost (Chen & Guestrin, KDD 2016): with gradients
 *   g = p - y and hessians h = p(1 - p) of the logistic loss, a leaf's value is -G / (H + lambda) and a
 *   split's gain is G_L^2/(H_L + lambda) + G_R^2/(H_R + lambda) - G^2/(H + lambda) (their eq. 6-7,
 *   without the factor 1/2, which does not change the argmax).
 * - Squared error (`reg:squarederror`, XGBoost's name): start at the mean target, g = F - y, h = 1,
 *   so that a leaf's value is the shrunk mean residual of its rows, sum(y - F) / (count + lambda).
 * - Split finding: on histograms of quantile bins (`quantile-bins.ts`), as in LightGBM (Ke et al.,
 *   NeurIPS 2017) and XGBoost's `hist`, with the histogram subtraction trick (a larger child's
 *   histogram is its parent's minus its sibling's).
 * - Growth: best-first (leaf-wise), as in LightGBM: the leaf with the largest gain is split next, up to
 *   `maxLeaves` leaves and `maxDepth` levels.
 * - Categorical features are split as ordinal codes (`code <= c`): enough for the few categories of a
 *   grouped data set such as Adult; deep enough trees isolate any single category.
 *
 * Everything is deterministic: row subsampling (off by default) draws from a seeded generator, ties
 * between splits go to the lowest feature, then the lowest bin, ties between leaves to the
 * leftmost.
 */

/** Hyperparameters of {@link boostTrees}. */
export interface TreeBoostingOptions {
  /** Number of trees (boosting rounds). */
  nEstimators?: number;
  /** Shrinkage applied to every tree's values (Friedman 2001, section 5). */
  learningRate?: number;
  /** Most leaves per tree (best-first growth stops there). */
  maxLeaves?: number;
  /** Most levels below the root. */
  maxDepth?: number;
  /** Fewest training rows in a leaf. */
  minSamplesLeaf?: number;
  /** Smallest sum of hessians in a leaf. */
  minChildWeight?: number;
  /** L2 penalty lambda on leaf values. */
  l2?: number;
  /** Smallest gain that makes a split worth it (XGBoost's gamma). */
  minSplitGain?: number;
  /** Most quantile bins per feature (2 to 256). */
  maxBins?: number;
  /** Fraction of the rows each tree is fitted on (1: all rows, no randomness). */
  subsample?: number;
  /** Seed of the row subsampling. */
  seed?: number;
}

/**
 * Defaults: LightGBM's (num_iterations 100, learning_rate 0.1, num_leaves 31, min_data_in_leaf 20,
 * min_sum_hessian_in_leaf 1e-3, max_bin 255, no bagging) with XGBoost's lambda = 1 and max_depth = 6.
 * The bundled Adult demo model uses fewer, stronger trees for faster inference (models/README.md).
 */
export const TREE_BOOSTING_DEFAULTS: Required<TreeBoostingOptions> = {
  nEstimators: 100,
  learningRate: 0.1,
  maxLeaves: 31,
  maxDepth: 6,
  minSamplesLeaf: 20,
  minChildWeight: 1e-3,
  l2: 1,
  minSplitGain: 0,
  maxBins: 255,
  subsample: 1,
  seed: 0,
};

/**
 * One regression tree in flat arrays, nodes by index, root at 0, children after their parent.
 * A split node sends a row left when `row[feature] <= threshold`; a leaf has `feature = -1` and its
 * contribution to the log-odds in `value` (float32 precision).
 */
export interface RegressionTree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float32Array;
}

/** A leaf that may still be split: its rows `idx[start, end)`, histogram and best split. */
interface Candidate {
  node: number;
  depth: number;
  start: number;
  end: number;
  /** Per bin (over all features): sum of g, sum of h, row count; 3 numbers per bin. */
  hist: Float64Array;
  G: number;
  H: number;
  count: number;
  gain: number;
  feature: number;
  bin: number;
}

/** The loss boosted: logistic (targets 0/1, margins are log-odds) or squared error (margins are the prediction). */
export type BoostingObjective = 'binary:logistic' | 'reg:squarederror';

/**
 * Fits boosted trees to `n` rows of `featureCount` features (row-major in `flat`) and their targets:
 * 0/1 labels for `binary:logistic`, finite numbers for `reg:squarederror`. Returns the starting margin
 * and the trees; a row's margin (log-odds, or predicted value) is `baseScore` plus one leaf value per
 * tree.
 */
export function boostTrees(
  flat: Float64Array,
  n: number,
  featureCount: number,
  labels: ArrayLike<number>,
  options: Required<TreeBoostingOptions>,
  objective: BoostingObjective = 'binary:logistic',
): { baseScore: number; trees: RegressionTree[] } {
  const F = featureCount;
  const o = options;

  // Bin every feature; bins are stored column by column (bins[f * n + i]) for histogram building.
  const edges: Float64Array[] = [];
  const offsets = new Int32Array(F + 1);
  const bins = new Uint8Array(F * n);
  const column = new Float64Array(n);
  for (let f = 0; f < F; f++) {
    for (let i = 0; i < n; i++) column[i] = flat[i * F + f];
    const e = quantileBinEdges(column, o.maxBins);
    edges.push(e);
    offsets[f + 1] = offsets[f] + e.length;
    for (let i = 0; i < n; i++) bins[f * n + i] = binOf(e, column[i]);
  }
  const totalBins = offsets[F];

  let sum = 0;
  for (let i = 0; i < n; i++) sum += labels[i];
  const rate = Math.min(Math.max(sum / n, 1e-6), 1 - 1e-6);
  const squared = objective === 'reg:squarederror';
  const baseScore = squared ? sum / n : Math.log(rate / (1 - rate));

  const margin = new Float64Array(n).fill(baseScore);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const idx = new Uint32Array(n);
  const spare = new Uint32Array(n);
  const rng = createRng(o.seed);
  const trees: RegressionTree[] = [];

  const buildHist = (start: number, end: number): Float64Array => {
    const hist = new Float64Array(3 * totalBins);
    for (let f = 0; f < F; f++) {
      const col = f * n;
      const off = offsets[f];
      for (let k = start; k < end; k++) {
        const r = idx[k];
        const b = 3 * (off + bins[col + r]);
        hist[b] += g[r];
        hist[b + 1] += h[r];
        hist[b + 2] += 1;
      }
    }
    return hist;
  };

  /** Sums of the histogram (over the bins of feature 0), and the best split of the leaf. */
  const candidate = (node: number, depth: number, start: number, end: number, hist: Float64Array): Candidate => {
    let G = 0;
    let H = 0;
    let count = 0;
    for (let b = 0; b < offsets[1]; b++) {
      G += hist[3 * b];
      H += hist[3 * b + 1];
      count += hist[3 * b + 2];
    }
    const c: Candidate = { node, depth, start, end, hist, G, H, count, gain: -Infinity, feature: -1, bin: -1 };
    if (depth >= o.maxDepth || count < 2 * o.minSamplesLeaf) return c;
    const lambda = o.l2;
    const parentScore = (G * G) / (H + lambda);
    for (let f = 0; f < F; f++) {
      let GL = 0;
      let HL = 0;
      let CL = 0;
      for (let b = offsets[f]; b < offsets[f + 1] - 1; b++) {
        GL += hist[3 * b];
        HL += hist[3 * b + 1];
        CL += hist[3 * b + 2];
        const CR = count - CL;
        if (CL < o.minSamplesLeaf) continue;
        if (CR < o.minSamplesLeaf) break;
        const HR = H - HL;
        if (HL < o.minChildWeight || HR < o.minChildWeight) continue;
        const GR = G - GL;
        const gain = (GL * GL) / (HL + lambda) + (GR * GR) / (HR + lambda) - parentScore;
        if (gain > c.gain) {
          c.gain = gain;
          c.feature = f;
          c.bin = b - offsets[f];
        }
      }
    }
    if (!(c.gain > o.minSplitGain)) c.feature = -1;
    return c;
  };

  for (let t = 0; t < o.nEstimators; t++) {
    for (let i = 0; i < n; i++) {
      const p = squared ? margin[i] : sigmoid(margin[i]);
      g[i] = p - labels[i];
      h[i] = squared ? 1 : Math.max(p * (1 - p), 1e-16);
    }
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (o.subsample >= 1 || rng.next() < o.subsample) idx[m++] = i;
    }
    if (m === 0) idx[m++] = rng.int(n);

    // Nodes of the tree being grown; `binThreshold` routes training rows by bin.
    const feature: number[] = [-1];
    const binThreshold: number[] = [0];
    const threshold: number[] = [0];
    const left: number[] = [-1];
    const right: number[] = [-1];
    const value: number[] = [0];
    const leaves: Candidate[] = [candidate(0, 0, 0, m, buildHist(0, m))];

    while (leaves.length < o.maxLeaves) {
      let best = -1;
      for (let l = 0; l < leaves.length; l++) {
        if (leaves[l].feature >= 0 && (best < 0 || leaves[l].gain > leaves[best].gain)) best = l;
      }
      if (best < 0) break;
      const c = leaves[best];
      // Stable partition of idx[start, end): rows with bin <= c.bin first.
      const col = c.feature * n;
      let nl = c.start;
      let nr = 0;
      for (let k = c.start; k < c.end; k++) {
        const r = idx[k];
        if (bins[col + r] <= c.bin) idx[nl++] = r;
        else spare[nr++] = r;
      }
      idx.set(spare.subarray(0, nr), nl);

      const l = feature.length;
      const r = l + 1;
      for (let k = 0; k < 2; k++) {
        feature.push(-1);
        binThreshold.push(0);
        threshold.push(0);
        left.push(-1);
        right.push(-1);
        value.push(0);
      }
      feature[c.node] = c.feature;
      binThreshold[c.node] = c.bin;
      threshold[c.node] = edges[c.feature][c.bin];
      left[c.node] = l;
      right[c.node] = r;

      // Histogram subtraction: build the smaller child's histogram, derive the larger one's.
      const leftSmaller = nl - c.start <= c.end - nl;
      const small = leftSmaller ? buildHist(c.start, nl) : buildHist(nl, c.end);
      const large = c.hist;
      for (let b = 0; b < large.length; b++) large[b] -= small[b];
      const [histL, histR] = leftSmaller ? [small, large] : [large, small];
      leaves.splice(
        best,
        1,
        candidate(l, c.depth + 1, c.start, nl, histL),
        candidate(r, c.depth + 1, nl, c.end, histR),
      );
    }

    for (const c of leaves) value[c.node] = Math.fround((-o.learningRate * c.G) / (c.H + o.l2));

    const tree: RegressionTree = {
      feature: Int32Array.from(feature),
      threshold: Float64Array.from(threshold),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      value: Float32Array.from(value),
    };
    trees.push(tree);

    // Update every training row's log-odds (subsampled or not) by routing it through the tree by bin,
    // which sends it where `row[feature] <= threshold` would.
    for (let i = 0; i < n; i++) {
      let node = 0;
      while (feature[node] >= 0) {
        node = bins[feature[node] * n + i] <= binThreshold[node] ? left[node] : right[node];
      }
      margin[i] += tree.value[node];
    }
  }
  return { baseScore, trees };
}
