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
    this.codes = new Uint16Array(n * d);
    for (let i = 0; i < n * d; i++) this.codes[i] = this.codeOf(i % d, this.values[i]);
  }

  /** The code of value `x` of feature `f`. */
  codeOf(f: number, x: number): number {
    const fb = this.bins[f];
    return fb === undefined ? x : fb.bin(x);
  }
}
