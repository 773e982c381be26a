import type { Rng } from '../../core/rng.js';
import type { LabelModel } from '../../predictors/predictor.js';
import type { AnchorSampler, SampleBatch, SampleRequest } from '../sampler.js';
import type { PredicateSpec } from './predicates.js';
import type { CoverageSample, TrainingData } from './training-data.js';

/**
 * Perturbation distribution of a tabular instance (Ribeiro et al., AAAI 2018, §3.2): a sample is a random
 * training row whose anchored features are made to satisfy the anchor: categorical features take the
 * instance's value, and a numeric feature outside its anchored range takes a training value drawn from
 * inside the range. Coverage is the fraction of a {@link CoverageSample} of training rows satisfying the
 * anchor, counted with one bitset per predicate.
 */
export class TabularSampler implements AnchorSampler<number[]> {
  readonly numPredicates: number;
  private readonly instanceCodes: Int32Array;
  /** The predicates as parallel typed arrays, for the hot loops: feature, kind and code bound. */
  private readonly predFeature: Int32Array;
  private readonly predKind: Uint8Array;
  private readonly predBound: Int32Array;
  private readonly coverageBits: Uint32Array[];
  private readonly coverageCount: number;

  constructor(
    private readonly data: TrainingData,
    private readonly instance: readonly number[],
    private readonly predicates: readonly PredicateSpec[],
    private readonly model: LabelModel<number[]>,
    private readonly target: number,
    private readonly rng: Rng,
    coverage: CoverageSample,
  ) {
    const P = predicates.length;
    this.numPredicates = P;
    this.instanceCodes = Int32Array.from(instance, (x, f) => data.codeOf(f, x));
    this.predFeature = Int32Array.from(predicates, (p) => p.feature);
    this.predKind = Uint8Array.from(predicates, (p) => KIND[p.kind]);
    this.predBound = Int32Array.from(predicates, (p) => (p.kind === 'eq' ? p.value : p.bin));

    this.coverageBits = predicates.map((p) => {
      const f = p.feature;
      if (p.kind === 'eq') return coverage.codesBetween(f, p.value, p.value);
      return p.kind === 'upper' ? coverage.codesBetween(f, 0, p.bin) : coverage.codesBetween(f, p.bin + 1, data.numCodes[f] - 1);
    });
    this.coverageCount = coverage.size;
  }

  coverage(anchor: readonly number[]): number {
    if (anchor.length === 0) return 1;
    const words = this.coverageBits[anchor[0]].length;
    let count = 0;
    for (let w = 0; w < words; w++) {
      let bits = 0xffffffff;
      for (let a = 0; a < anchor.length; a++) bits &= this.coverageBits[anchor[a]][w];
      count += popcount(bits);
    }
    return count / this.coverageCount;
  }

  canExtend(anchor: readonly number[], predicate: number): boolean {
    for (const q of anchor) {
      if (this.predFeature[q] === this.predFeature[predicate] && this.predKind[q] === this.predKind[predicate]) return false;
    }
    return true;
  }

  async sample(requests: readonly SampleRequest[]): Promise<SampleBatch<number[]>[]> {
    const drawn = requests.map((r) => this.draw(r));
    const labels = await this.model.labels(drawn.length === 1 ? drawn[0].inputs : drawn.flatMap((b) => b.inputs));
    let offset = 0;
    for (const batch of drawn) {
      for (let k = 0; k < batch.agrees.length; k++) batch.agrees[k] = labels[offset + k] === this.target ? 1 : 0;
      offset += batch.agrees.length;
    }
    return drawn;
  }

  private draw({ anchor, count }: SampleRequest): SampleBatch<number[]> {
    const { d, n, values, codes, bins } = this.data;
    const { numPredicates: P, predFeature, predKind, predBound, rng } = this;
    // The anchored features and the code range [lo, hi] each must stay in.
    const anchored = [...new Set(anchor.map((j) => this.predFeature[j]))];
    const A = anchored.length;
    const lo = Int32Array.from(anchored, (f) => this.instanceCodes[f]);
    const hi = Int32Array.from(lo);
    for (let a = 0; a < A; a++) {
      const fb = bins[anchored[a]];
      if (fb === undefined) continue;
      lo[a] = 0;
      hi[a] = fb.numBins - 1;
      for (const j of anchor) {
        if (this.predFeature[j] !== anchored[a]) continue;
        if (this.predKind[j] === UPPER) hi[a] = Math.min(hi[a], this.predBound[j]);
        else if (this.predKind[j] === LOWER) lo[a] = Math.max(lo[a], this.predBound[j] + 1);
      }
    }

    const inputs: number[][] = new Array(count);
    const satisfiesOut = new Uint8Array(count * P);
    const rowCodes = new Int32Array(d);
    for (let k = 0; k < count; k++) {
      const base = rng.int(n) * d;
      const row = new Array<number>(d);
      for (let f = 0; f < d; f++) {
        row[f] = values[base + f];
        rowCodes[f] = codes[base + f];
      }
      for (let a = 0; a < A; a++) {
        const f = anchored[a];
        if (rowCodes[f] >= lo[a] && rowCodes[f] <= hi[a]) continue;
        const fb = bins[f];
        const available = fb === undefined ? 0 : fb.countInBins(lo[a], hi[a]);
        if (fb === undefined || available === 0) {
          row[f] = this.instance[f];
          rowCodes[f] = this.instanceCodes[f];
        } else {
          row[f] = fb.valueInBins(lo[a], hi[a], rng.int(available));
          rowCodes[f] = fb.bin(row[f]);
        }
      }
      for (let j = 0; j < P; j++) satisfiesOut[k * P + j] = holds(predKind[j], predBound[j], rowCodes[predFeature[j]]) ? 1 : 0;
      inputs[k] = row;
    }
    return { satisfies: satisfiesOut, agrees: new Uint8Array(count), inputs };
  }
}

const EQ = 0;
const UPPER = 1;
const LOWER = 2;
const KIND = { eq: EQ, upper: UPPER, lower: LOWER } as const;

/** Whether a value with code `code` satisfies a predicate of `kind` with code bound `bound`. */
function holds(kind: number, bound: number, code: number): boolean {
  return kind === EQ ? code === bound : kind === UPPER ? code <= bound : code > bound;
}

/** Number of set bits in a 32-bit word (Hacker's Delight, §5-1). */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
