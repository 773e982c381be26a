import { emptyBitset, setBit } from '../../core/bitset.js';
import type { Rng } from '../../core/rng.js';
import type { TabularSchema } from '../../core/tabular-schema.js';
import { FeatureBins, percentileEdges } from './discretizer.js';

/**
 * What AnchorTabular keeps of its training rows: the values in one flat array, and every value's code
 * (its category code, or its bin for numeric features) precomputed, so that sampling and coverage work
 * on typed arrays without re-discretising.
 */
export class TrainingData {
  readonly n: number;
  readonly d: number;
  /** Row-major values, `n × d`. */
  readonly values: Float64Array;
  /** Row-major codes, `n × d`. */
  readonly codes: Uint16Array;
  /** Per feature, its bins, or `undefined` for a categorical feature. */
  readonly bins: ReadonlyArray<FeatureBins | undefined>;
  /** Per feature, how many codes it has (categories, or bins). */
  readonly numCodes: Int32Array;
  /** Every training row, indexed by code. */
  readonly index: CodeIndex;

  /**
   * @param rows the rows to keep, encoded.
   * @param edges per feature, the bin edges of a numeric feature (see {@link binEdges}), `undefined` for
   *   a categorical one.
   */
  constructor(schema: TabularSchema, rows: readonly ArrayLike<number>[], edges: ReadonlyArray<ArrayLike<number> | undefined>) {
    this.n = rows.length;
    this.d = schema.numFeatures;
    const { n, d } = this;
    this.values = new Float64Array(n * d);
    rows.forEach((row, i) => this.values.set(row, i * d));
    this.bins = schema.featureNames.map((_, f) => {
      const featureEdges = edges[f];
      return featureEdges === undefined ? undefined : new FeatureBins(column(this.values, d, f), { edges: featureEdges });
    });
    this.numCodes = Int32Array.from(schema.categories, (cats, f) => cats?.length ?? (this.bins[f] as FeatureBins).numBins);
    this.codes = new Uint16Array(n * d);
    for (let i = 0; i < n * d; i++) this.codes[i] = this.codeOf(i % d, this.values[i]);
    this.index = new CodeIndex(this, Int32Array.from({ length: n }, (_, i) => i));
  }

  /** The code of value `x` of feature `f`. */
  codeOf(f: number, x: number): number {
    const fb = this.bins[f];
    return fb === undefined ? x : fb.bin(x);
  }
}

/** Column `f` of row-major values with `d` columns. */
function column(values: ArrayLike<number>, d: number, f: number): Float64Array {
  const col = new Float64Array(values.length / d);
  for (let i = 0; i < col.length; i++) col[i] = values[i * d + f];
  return col;
}

/**
 * The bin edges of every numeric feature of `rows` at `percentiles` (see `percentileEdges`), and
 * `undefined` for categorical features.
 */
export function binEdges(schema: TabularSchema, rows: readonly number[][], percentiles: readonly number[]): (Float64Array | undefined)[] {
  const d = schema.numFeatures;
  const values = new Float64Array(rows.length * d);
  rows.forEach((row, i) => values.set(row, i * d));
  return schema.featureNames.map((_, f) => (schema.isCategorical(f) ? undefined : percentileEdges(column(values, d, f), percentiles)));
}

/**
 * A seeded random sample of `size` of the indices `0..n−1`, without repeats, ascending (a partial
 * Fisher–Yates shuffle, Knuth TAOCP vol. 2, Algorithm 3.4.2P).
 */
export function sampleIndices(n: number, size: number, rng: Rng): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + rng.int(n - i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, size).sort();
}

/**
 * Which of a list of training rows have which code, as one bitset per feature and code: the rows
 * satisfying a condition on a feature are then an OR of a few bitsets, and those satisfying an anchor an
 * AND of those.
 */
export class CodeIndex {
  /** `bitsets[f][c]`: bit i is set when row `rows[i]` has code c for feature f. */
  private readonly bitsets: Uint32Array[][];

  constructor(
    data: Pick<TrainingData, 'codes' | 'd' | 'numCodes'>,
    /** The indexed training rows; bit i of every bitset stands for row `rows[i]`. */
    readonly rows: Int32Array,
  ) {
    const { codes, d } = data;
    this.bitsets = Array.from(data.numCodes, (k) => Array.from({ length: k }, () => emptyBitset(rows.length)));
    for (let i = 0; i < rows.length; i++) {
      const base = rows[i] * d;
      for (let f = 0; f < d; f++) setBit(this.bitsets[f][codes[base + f]], i);
    }
  }

  get size(): number {
    return this.rows.length;
  }

  /** Bytes the index holds: its rows and bitsets. */
  get byteLength(): number {
    return this.bitsets.reduce((sum, sets) => sets.reduce((s, b) => s + b.byteLength, sum), this.rows.byteLength);
  }

  /** The rows whose code for feature `f` lies in `lo..hi` (inclusive), as a new bitset. */
  codesBetween(f: number, lo: number, hi: number): Uint32Array {
    const out = emptyBitset(this.rows.length);
    for (let c = lo; c <= hi; c++) {
      const bits = this.bitsets[f][c];
      for (let w = 0; w < out.length; w++) out[w] |= bits[w];
    }
    return out;
  }
}

/**
 * The random sample of training rows on which coverage is measured. It is drawn once per explainer and
 * sample size, so that all of an explainer's explanations share one yardstick.
 */
export function drawCoverageSample(data: TrainingData, size: number, rng: Rng): CodeIndex {
  const rows = new Int32Array(size);
  for (let i = 0; i < size; i++) rows[i] = rng.int(data.n);
  return new CodeIndex(data, rows);
}
