import type { Rng } from '../../core/rng.js';
import type { TabularSchema } from '../../core/tabular-schema.js';
import { FeatureBins } from './discretizer.js';

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

  constructor(schema: TabularSchema, rows: readonly number[][], percentiles: readonly number[]) {
    this.n = rows.length;
    this.d = schema.numFeatures;
    const { n, d } = this;
    this.values = new Float64Array(n * d);
    rows.forEach((row, i) => this.values.set(row, i * d));
    const column = (f: number) => {
      const col = new Float64Array(n);
      for (let i = 0; i < n; i++) col[i] = this.values[i * d + f];
      return col;
    };
    this.bins = schema.featureNames.map((_, f) => (schema.isCategorical(f) ? undefined : new FeatureBins(column(f), percentiles)));
    this.numCodes = Int32Array.from(schema.categories, (cats, f) => cats?.length ?? (this.bins[f] as FeatureBins).numBins);
    this.codes = new Uint16Array(n * d);
    for (let i = 0; i < n * d; i++) this.codes[i] = this.codeOf(i % d, this.values[i]);
  }

  /** The code of value `x` of feature `f`. */
  codeOf(f: number, x: number): number {
    const fb = this.bins[f];
    return fb === undefined ? x : fb.bin(x);
  }
}

/**
 * A fixed random sample of training rows on which coverage is measured, indexed as one bitset per
 * feature and code. The coverage of an anchor is then the popcount of an AND of a few bitsets. The
 * sample is drawn once per explainer and sample size, so all its explanations share one yardstick.
 */
export class CoverageSample {
  /** `bitsets[f][c]`: bit s is set when sample s has code c for feature f. */
  private readonly bitsets: Uint32Array[][];

  constructor(
    data: TrainingData,
    readonly size: number,
    rng: Rng,
  ) {
    const words = Math.ceil(size / 32);
    this.bitsets = Array.from(data.numCodes, (k) => Array.from({ length: k }, () => new Uint32Array(words)));
    const { codes, d, n } = data;
    for (let s = 0; s < size; s++) {
      const base = rng.int(n) * d;
      const word = s >>> 5;
      const bit = 1 << (s & 31);
      for (let f = 0; f < d; f++) this.bitsets[f][codes[base + f]][word] |= bit;
    }
  }

  /** The samples whose code for feature `f` lies in `lo..hi` (inclusive), as a new bitset. */
  codesBetween(f: number, lo: number, hi: number): Uint32Array {
    const out = new Uint32Array(Math.ceil(this.size / 32));
    for (let c = lo; c <= hi; c++) {
      const bits = this.bitsets[f][c];
      for (let w = 0; w < out.length; w++) out[w] |= bits[w];
    }
    return out;
  }
}
