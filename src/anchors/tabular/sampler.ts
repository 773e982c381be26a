import type { Rng } from '../../core/rng.js';
import type { LabelModel } from '../../predictors/predictor.js';
import type { AnchorSampler, SampleBatch, SampleRequest } from '../sampler.js';
import { satisfies, type PredicateSpec } from './predicates.js';
import type { TrainingData } from './training-data.js';

/**
 * Perturbation distribution of a tabular instance (Ribeiro et al., AAAI 2018, §3.2): a sample is a random
 * training row whose anchored features are made to satisfy the anchor: categorical features take the
 * instance's value, and a numeric feature outside its anchored range takes a training value drawn from
 * inside the range. Coverage is the fraction of `coverageSamples` random training rows satisfying the
 * anchor, counted with one bitset per predicate.
 */
export class TabularSampler implements AnchorSampler<number[]> {
  readonly numPredicates: number;
  private readonly instanceCodes: Int32Array;
  private readonly coverageBits: Uint32Array[];
  private readonly coverageCount: number;

  constructor(
    private readonly data: TrainingData,
    private readonly instance: readonly number[],
    private readonly predicates: readonly PredicateSpec[],
    private readonly model: LabelModel<number[]>,
    private readonly target: number,
    private readonly rng: Rng,
    coverageSamples: number,
  ) {
    this.numPredicates = predicates.length;
    this.instanceCodes = Int32Array.from(instance, (x, f) => data.codeOf(f, x));
    this.coverageCount = coverageSamples;
    const words = Math.ceil(coverageSamples / 32);
    this.coverageBits = predicates.map(() => new Uint32Array(words));
    for (let s = 0; s < coverageSamples; s++) {
      const base = rng.int(data.n) * data.d;
      predicates.forEach((p, j) => {
        if (satisfies(p, data.codes[base + p.feature])) this.coverageBits[j][s >>> 5] |= 1 << (s & 31);
      });
    }
  }

  coverage(anchor: readonly number[]): number {
    if (anchor.length === 0) return 1;
    const words = this.coverageBits[anchor[0]].length;
    let count = 0;
    for (let w = 0; w < words; w++) {
      let bits = 0xffffffff;
      for (const p of anchor) bits &= this.coverageBits[p][w];
      count += popcount(bits);
    }
    return count / this.coverageCount;
  }

  canExtend(anchor: readonly number[], predicate: number): boolean {
    const p = this.predicates[predicate];
    return anchor.every((q) => this.predicates[q].feature !== p.feature || this.predicates[q].kind !== p.kind);
  }

  async sample(requests: readonly SampleRequest[]): Promise<SampleBatch<number[]>[]> {
    const drawn = requests.map((r) => this.draw(r));
    const labels = await this.model.labels(drawn.flatMap((b) => b.inputs));
    let offset = 0;
    for (const batch of drawn) {
      for (let k = 0; k < batch.agrees.length; k++) batch.agrees[k] = labels[offset + k] === this.target ? 1 : 0;
      offset += batch.agrees.length;
    }
    return drawn;
  }

  private draw({ anchor, count }: SampleRequest): SampleBatch<number[]> {
    const { d, n, values, codes, bins } = this.data;
    const P = this.numPredicates;
    // The allowed code range per anchored feature: [lo, hi].
    const anchored = [...new Set(anchor.map((p) => this.predicates[p].feature))];
    const lo = anchored.map((f) => this.instanceCodes[f]);
    const hi = lo.slice();
    anchored.forEach((f, a) => {
      if (bins[f] === undefined) return;
      lo[a] = 0;
      hi[a] = (bins[f]?.numBins ?? 1) - 1;
      for (const j of anchor) {
        const p = this.predicates[j];
        if (p.feature !== f) continue;
        if (p.kind === 'upper') hi[a] = Math.min(hi[a], p.bin);
        if (p.kind === 'lower') lo[a] = Math.max(lo[a], p.bin + 1);
      }
    });

    const inputs: number[][] = new Array(count);
    const satisfiesOut = new Uint8Array(count * P);
    const rowCodes = new Int32Array(d);
    for (let k = 0; k < count; k++) {
      const base = this.rng.int(n) * d;
      const row = new Array<number>(d);
      for (let f = 0; f < d; f++) {
        row[f] = values[base + f];
        rowCodes[f] = codes[base + f];
      }
      anchored.forEach((f, a) => {
        if (rowCodes[f] >= lo[a] && rowCodes[f] <= hi[a]) return;
        const fb = bins[f];
        const available = fb === undefined ? 0 : fb.countInBins(lo[a], hi[a]);
        if (fb === undefined || available === 0) {
          row[f] = this.instance[f];
          rowCodes[f] = this.instanceCodes[f];
        } else {
          row[f] = fb.valueInBins(lo[a], hi[a], this.rng.int(available));
          rowCodes[f] = fb.bin(row[f]);
        }
      });
      for (let j = 0; j < P; j++) {
        const p = this.predicates[j];
        satisfiesOut[k * P + j] = satisfies(p, rowCodes[p.feature]) ? 1 : 0;
      }
      inputs[k] = row;
    }
    return { satisfies: satisfiesOut, agrees: new Uint8Array(count), inputs };
  }
}

/** Number of set bits in a 32-bit word (Hacker's Delight, §5-1). */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
