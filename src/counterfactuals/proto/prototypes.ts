import type { Tensor } from '@tensorflow/tfjs';
import { InvalidInputError } from '../../core/errors.js';
import type { TfjsPredictor } from '../../predictors/tfjs.js';
import { loadTf } from '../../tf/tf.js';
import { l2DistanceSquared } from '../distances.js';
import { KdTree } from './kd-tree.js';

/**
 * Class prototypes for prototype-guided counterfactuals (Van Looveren & Klaise, "Interpretable
 * Counterfactual Explanations Guided by Prototypes", 2019, §3.2–3.3): a point of each class the search
 * is pulled towards, found in two ways, as Alibi Explain's `CounterfactualProto` documents them.
 *
 * - **Encoder** (`EncoderPrototypes`): the training rows are encoded and grouped by the class the model
 *   predicts for them; the prototype of class i is the mean encoding of its rows (all of them, or the
 *   `k` nearest to the instance's encoding; `kType: 'point'` takes the k-th nearest instead), eq. (4).
 * - **k-d trees** (`TreePrototypes`): without an encoder, one k-d tree per predicted class over the
 *   training rows themselves; the prototype of class i is the k-th nearest training row of class i
 *   (k = 1 by default: the nearest).
 *
 * The prototype that guides the search is that of the nearest class other than the instance's (or of
 * the target class, when one is asked for), eq. (5).
 */

/** Where a prototype came from, for the explanation. */
export interface Prototype {
  /** `'kdtree'` (a training row) or `'encoder'` (a mean of encodings). */
  source: 'kdtree' | 'encoder';
  /** The class of the prototype: the class the model predicts for its training rows. */
  class: number;
  /** Its distance to the instance (Euclidean; in the encoding space for the encoder). */
  distance: number;
  /** Indices (into the rows given to `fit`) of the training rows it is made of; empty for the mean of a whole class. */
  rows: number[];
  /** Training rows it is the mean of (1 for a k-d tree prototype). */
  size: number;
  /** Whether the constraints of the search allow reaching it (k-d tree prototypes; encoder prototypes are not checked: true). */
  feasible: boolean;
}

/** A prototype and the point it is, in the space the θ term measures in. */
export interface FoundPrototype {
  prototype: Prototype;
  vector: Float32Array;
}

/** Training rows grouped by predicted class: per class, the rows' indices in the training data. */
export function rowsByClass(classes: ArrayLike<number>): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < classes.length; i++) {
    const group = groups.get(classes[i]);
    if (group === undefined) groups.set(classes[i], [i]);
    else group.push(i);
  }
  return new Map([...groups.entries()].sort((a, b) => a[0] - b[0]));
}

/** Prototypes from k-d trees over the training rows of each predicted class. */
export class TreePrototypes {
  private readonly trees = new Map<number, { tree: KdTree; rows: number[] }>();

  /**
   * @param points the training rows, in the optimiser's space.
   * @param classes the class the model predicts for each.
   */
  constructor(
    private readonly points: readonly Float32Array[],
    classes: ArrayLike<number>,
  ) {
    for (const [c, rows] of rowsByClass(classes)) this.trees.set(c, { tree: new KdTree(rows.map((r) => points[r])), rows });
  }

  /** The classes some training row is predicted as. */
  get classes(): number[] {
    return [...this.trees.keys()];
  }

  /**
   * The nearest prototype of the `candidates` classes to `x`: of each class, the k-th nearest training
   * row that is `feasible` (one the constraints of the search allow it to reach, so that the search is
   * not pulled towards a point it cannot get to). When no row of any candidate class is feasible, the
   * k-th nearest row regardless (`feasible: false` in the prototype): the search still gets as close to
   * it as the constraints allow.
   */
  nearest(x: Float32Array, candidates: readonly number[], k = 1, feasible: (point: Float32Array) => boolean = () => true): FoundPrototype {
    const search = (keep: (point: Float32Array) => boolean) => {
      let best: FoundPrototype | undefined;
      for (const c of candidates) {
        const entry = this.trees.get(c);
        if (entry === undefined) continue;
        const hit = kthKept(entry.tree, (i) => this.points[entry.rows[i]], x, k, (i) => keep(this.points[entry.rows[i]]));
        if (hit === undefined) continue;
        const row = entry.rows[hit.index];
        if (best === undefined || hit.distance < best.prototype.distance) {
          best = { prototype: { source: 'kdtree', class: c, distance: hit.distance, rows: [row], size: 1, feasible: true }, vector: this.points[row] };
        }
      }
      return best;
    };
    const found = search(feasible);
    if (found !== undefined) return found;
    const any = requireFound(search(() => true), candidates, this.classes);
    return { ...any, prototype: { ...any.prototype, feasible: false } };
  }
}

/**
 * The k-th nearest point of `tree` to `x` that passes `keep`: an exact query for the 4k nearest first
 * (enough when most points pass); failing that, every point is checked and the passing ones ranked by
 * distance (ties by index), which costs one pass over the class instead of ever larger tree queries.
 */
function kthKept(tree: KdTree, points: (i: number) => Float32Array, x: Float32Array, k: number, keep: (index: number) => boolean): { index: number; distance: number } | undefined {
  const { indices, distances } = tree.query(x, Math.min(4 * k, tree.size));
  const kept = indices.flatMap((index, j) => (keep(index) ? [{ index, distance: distances[j] }] : []));
  if (kept.length >= k || indices.length === tree.size) return kept[k - 1];
  const all: Array<{ index: number; distance: number }> = [];
  for (let i = 0; i < tree.size; i++) if (keep(i)) all.push({ index: i, distance: Math.sqrt(l2DistanceSquared(points(i), x)) });
  all.sort((a, b) => a.distance - b.distance || a.index - b.index);
  return all[k - 1];
}

/** How a prototype is made of the k nearest encodings: their mean, or the k-th nearest itself. */
export type PrototypeKType = 'mean' | 'point';

/** Prototypes from the encodings of the training rows of each predicted class. */
export class EncoderPrototypes {
  private constructor(
    private readonly encoder: TfjsPredictor,
    /** Per class: the encodings of its rows (row-major), their indices, and their mean. */
    private readonly groups: Map<number, { codes: Float32Array; rows: number[]; mean: Float32Array }>,
    /** Values per encoding. */
    readonly codeSize: number,
    /** Every training row's encoding, in training order (`n × codeSize`), for saving. */
    readonly codes: Float32Array,
  ) {}

  /**
   * Encodes the training rows (flat, `n × d`) in batches and groups them by predicted class.
   *
   * @throws InvalidInputError when the encoder does not take rows of `d` values.
   */
  static async build(encoder: TfjsPredictor, rows: Float32Array, n: number, classes: ArrayLike<number>): Promise<EncoderPrototypes> {
    const { values } = await encodeFlat(encoder, rows, n);
    return EncoderPrototypes.fromCodes(encoder, values, n, classes);
  }

  /** Groups `n` encodings (flat, as {@link EncoderPrototypes.codes} gives them) by predicted class. */
  static fromCodes(encoder: TfjsPredictor, codes: Float32Array, n: number, classes: ArrayLike<number>): EncoderPrototypes {
    const outputs = codes.length / n;
    const groups = new Map<number, { codes: Float32Array; rows: number[]; mean: Float32Array }>();
    for (const [c, members] of rowsByClass(classes)) {
      const own = new Float32Array(members.length * outputs);
      const sum = new Float64Array(outputs);
      members.forEach((r, i) => {
        const code = codes.subarray(r * outputs, (r + 1) * outputs);
        own.set(code, i * outputs);
        for (let j = 0; j < outputs; j++) sum[j] += code[j];
      });
      groups.set(c, { codes: own, rows: members, mean: Float32Array.from(sum, (v) => v / members.length) });
    }
    return new EncoderPrototypes(encoder, groups, outputs, codes);
  }

  get classes(): number[] {
    return [...this.groups.keys()];
  }

  /** The encoding of one instance (flat). */
  async encode(x: Float32Array): Promise<Float32Array> {
    return (await encodeFlat(this.encoder, x, 1)).values;
  }

  /**
   * The nearest prototype of the `candidates` classes to the encoding `code`: per class the mean of
   * all its encodings (`k` undefined), or of the `k` nearest to `code` (`'mean'`), or the k-th nearest
   * (`'point'`).
   */
  nearest(code: Float32Array, candidates: readonly number[], k?: number, kType: PrototypeKType = 'mean'): FoundPrototype {
    const m = this.codeSize;
    let best: FoundPrototype | undefined;
    for (const c of candidates) {
      const group = this.groups.get(c);
      if (group === undefined) continue;
      let vector: Float32Array;
      let rows: number[] = [];
      let size = group.rows.length;
      if (k === undefined) {
        vector = group.mean;
      } else {
        const count = group.rows.length;
        const d2 = Array.from({ length: count }, (_, i) => l2DistanceSquared(code, group.codes.subarray(i * m, (i + 1) * m)));
        const nearest = Array.from(d2.keys())
          .sort((a, b) => d2[a] - d2[b] || a - b)
          .slice(0, k);
        const chosen = kType === 'point' ? nearest.slice(-1) : nearest;
        const sum = new Float64Array(m);
        for (const i of chosen) for (let j = 0; j < m; j++) sum[j] += group.codes[i * m + j];
        vector = Float32Array.from(sum, (s) => s / chosen.length);
        rows = chosen.map((i) => group.rows[i]);
        size = chosen.length;
      }
      const distance = Math.sqrt(l2DistanceSquared(code, vector));
      if (best === undefined || distance < best.prototype.distance) {
        best = { prototype: { source: 'encoder', class: c, distance, rows, size, feasible: true }, vector };
      }
    }
    return requireFound(best, candidates, this.classes);
  }
}

async function encodeFlat(encoder: TfjsPredictor, rows: Float32Array, n: number): Promise<{ values: Float32Array; outputs: number }> {
  const tf = await loadTf();
  const d = encoder.inputSize;
  if (rows.length !== n * d) {
    throw new InvalidInputError(`the encoder takes inputs of shape [${encoder.inputShape.join(', ')}] (${d} values); got rows of ${rows.length / n} values`);
  }
  const chunks: Float32Array[] = [];
  let outputs = 0;
  for (let start = 0; start < n; start += encoder.batchSize) {
    const m = Math.min(encoder.batchSize, n - start);
    const values = tf.tidy(() => {
      const code = encoder.apply(tf, tf.tensor(rows.subarray(start * d, (start + m) * d), [m, ...encoder.inputShape]));
      return (code.reshape([m, -1]) as Tensor).dataSync() as Float32Array;
    });
    outputs = values.length / m;
    chunks.push(values);
  }
  const out = new Float32Array(n * outputs);
  chunks.reduce((offset, c) => (out.set(c, offset), offset + c.length), 0);
  return { values: out, outputs };
}

function requireFound(best: FoundPrototype | undefined, candidates: readonly number[], classes: readonly number[]): FoundPrototype {
  if (best === undefined) {
    throw new InvalidInputError(
      `no training row is predicted as class ${candidates.join(' or ')}, so there is no prototype to guide the search; ` +
        `the model predicts the training rows as ${classes.join(', ')} (fit with rows of more classes, or choose another targetClass)`,
    );
  }
  return best;
}
