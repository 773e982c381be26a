import { intersect, intersectionSize, members } from '../../core/bitset.js';
import type { Rng } from '../../core/rng.js';
import type { LabelModel } from '../../predictors/predictor.js';
import type { AnchorSampler, SampleBatch, SampleRequest } from '../sampler.js';
import { agreement, type AnchorTarget } from '../target.js';
import type { PredicateSpec } from './predicates.js';
import type { CodeIndex, TrainingData } from './training-data.js';

/**
 * Fewest training rows an anchor must hold on for its samples to be drawn from those rows alone; the
 * size of one of Alibi Explain's default sample batches.
 */
export const MIN_CONDITIONAL_ROWS = 100;

/**
 * The perturbation distribution D(· | A) of a tabular instance (Ribeiro et al., AAAI 2018, §3.2): the
 * training distribution conditioned on the anchor. Samples are training rows drawn uniformly from those
 * on which the anchor holds, so that they are realistic rows (a "Husband" stays married). When fewer
 * than {@link MIN_CONDITIONAL_ROWS} training rows satisfy the anchor, samples are random training rows
 * made to satisfy it instead, as in the anchors reference implementation: anchored categorical features
 * take the instance's value, and a numeric feature outside its anchored range takes a training value
 * drawn from inside the range.
 *
 * Coverage is the fraction of a fixed coverage sample of training rows satisfying the anchor.
 */
export class TabularSampler implements AnchorSampler<number[]> {
  readonly numPredicates: number;
  private readonly instanceCodes: Int32Array;
  /** The predicates as parallel typed arrays, for the hot loops: feature, kind and code bound. */
  private readonly predFeature: Int32Array;
  private readonly predKind: Uint8Array;
  private readonly predBound: Int32Array;
  /** Per predicate, the training rows and the coverage rows on which it holds. */
  private readonly trainingBits: Uint32Array[];
  private readonly coverageBits: Uint32Array[];
  private readonly coverageSize: number;
  /** Per anchor (by sorted predicates), the training rows to draw from, or `null` if too few. */
  private readonly conditionalRows = new Map<string, Int32Array | null>();

  constructor(
    private readonly data: TrainingData,
    private readonly instance: readonly number[],
    private readonly predicates: readonly PredicateSpec[],
    private readonly model: LabelModel<number[]>,
    /** The explained class, or the interval the predicted value must stay in; read after each batch is answered (the first batch may bring it). */
    private readonly target: () => AnchorTarget,
    private readonly rng: Rng,
    coverage: CodeIndex,
  ) {
    this.numPredicates = predicates.length;
    this.instanceCodes = Int32Array.from(instance, (x, f) => data.codeOf(f, x));
    this.predFeature = Int32Array.from(predicates, (p) => p.feature);
    this.predKind = Uint8Array.from(predicates, (p) => KIND[p.kind]);
    this.predBound = Int32Array.from(predicates, (p) => (p.kind === 'eq' ? p.value : p.bin));
    this.trainingBits = predicates.map((p) => rowsSatisfying(data.index, p, data.numCodes[p.feature]));
    this.coverageBits = predicates.map((p) => rowsSatisfying(coverage, p, data.numCodes[p.feature]));
    this.coverageSize = coverage.size;
  }

  coverage(anchor: readonly number[]): number {
    if (anchor.length === 0) return 1;
    return intersectionSize(anchor.map((j) => this.coverageBits[j])) / this.coverageSize;
  }

  canExtend(anchor: readonly number[], predicate: number): boolean {
    for (const q of anchor) {
      if (this.predFeature[q] === this.predFeature[predicate] && this.predKind[q] === this.predKind[predicate]) return false;
    }
    return true;
  }

  async sample(requests: readonly SampleRequest[]): Promise<SampleBatch<number[]>[]> {
    const drawn = requests.map((r) => this.draw(r));
    const agrees = await agreement(this.model, drawn.length === 1 ? drawn[0].inputs : drawn.flatMap((b) => b.inputs), this.target);
    let offset = 0;
    for (const batch of drawn) {
      batch.agrees.set(agrees.subarray(offset, offset + batch.agrees.length));
      offset += batch.agrees.length;
    }
    return drawn;
  }

  /** The training rows on which `anchor` holds, or `null` when there are too few to draw from. */
  private rowsFor(anchor: readonly number[]): Int32Array | null {
    if (anchor.length === 0) return null;
    const key = [...anchor].sort((a, b) => a - b).join(',');
    let rows = this.conditionalRows.get(key);
    if (rows === undefined) {
      const sets = anchor.map((j) => this.trainingBits[j]);
      rows = intersectionSize(sets) >= MIN_CONDITIONAL_ROWS ? members(intersect(sets)) : null;
      this.conditionalRows.set(key, rows);
    }
    return rows;
  }

  private draw({ anchor, count }: SampleRequest): SampleBatch<number[]> {
    const { d, n, values, codes } = this.data;
    const { numPredicates: P, predFeature, predKind, predBound, rng } = this;
    const rows = this.rowsFor(anchor);
    const force = rows === null && anchor.length > 0 ? this.forcing(anchor) : undefined;

    const inputs: number[][] = new Array(count);
    const satisfiesOut = new Uint8Array(count * P);
    const rowCodes = new Int32Array(d);
    for (let k = 0; k < count; k++) {
      const base = (rows === null ? rng.int(n) : rows[rng.int(rows.length)]) * d;
      const row = new Array<number>(d);
      for (let f = 0; f < d; f++) {
        row[f] = values[base + f];
        rowCodes[f] = codes[base + f];
      }
      force?.(row, rowCodes);
      for (let j = 0; j < P; j++) satisfiesOut[k * P + j] = holds(predKind[j], predBound[j], rowCodes[predFeature[j]]) ? 1 : 0;
      inputs[k] = row;
    }
    return { satisfies: satisfiesOut, agrees: new Uint8Array(count), inputs };
  }

  /** Makes a row (and its codes) satisfy `anchor` by changing only the anchored features that violate it. */
  private forcing(anchor: readonly number[]): (row: number[], rowCodes: Int32Array) => void {
    const { bins } = this.data;
    const { predFeature, predKind, predBound, rng, instance, instanceCodes } = this;
    const anchored = [...new Set(anchor.map((j) => predFeature[j]))];
    // The code range [lo, hi] each anchored feature must stay in.
    const lo = Int32Array.from(anchored, (f) => instanceCodes[f]);
    const hi = Int32Array.from(lo);
    anchored.forEach((f, a) => {
      const fb = bins[f];
      if (fb === undefined) return;
      lo[a] = 0;
      hi[a] = fb.numBins - 1;
      for (const j of anchor) {
        if (predFeature[j] !== f) continue;
        if (predKind[j] === UPPER) hi[a] = Math.min(hi[a], predBound[j]);
        else if (predKind[j] === LOWER) lo[a] = Math.max(lo[a], predBound[j] + 1);
      }
    });
    return (row, rowCodes) => {
      for (let a = 0; a < anchored.length; a++) {
        const f = anchored[a];
        if (rowCodes[f] >= lo[a] && rowCodes[f] <= hi[a]) continue;
        const fb = bins[f];
        const available = fb === undefined ? 0 : fb.countInBins(lo[a], hi[a]);
        if (fb === undefined || available === 0) {
          row[f] = instance[f];
          rowCodes[f] = instanceCodes[f];
        } else {
          row[f] = fb.valueInBins(lo[a], hi[a], rng.int(available));
          rowCodes[f] = fb.bin(row[f]);
        }
      }
    };
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

/** The rows of `index` on which predicate `p` holds; `numCodes` is the number of codes of its feature. */
function rowsSatisfying(index: CodeIndex, p: PredicateSpec, numCodes: number): Uint32Array {
  if (p.kind === 'eq') return index.codesBetween(p.feature, p.value, p.value);
  return p.kind === 'upper' ? index.codesBetween(p.feature, 0, p.bin) : index.codesBetween(p.feature, p.bin + 1, numCodes - 1);
}
