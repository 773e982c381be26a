import { EventLoopYielder } from '../core/yield.js';
import { klLowerBound, klUpperBound } from './kl-bounds.js';
import { klLucb } from './kl-lucb.js';
import type { AnchorSearchOptions } from './options.js';
import type { AnchorSampler, SampleBatch } from './sampler.js';

/**
 * Tolerance of the final precision check: an anchor is accepted when its mean precision is at least the
 * threshold and its lower bound exceeds `threshold − 0.05`; samples are added until the bounds decide
 * one way or the other. The value is the `epsilon_stop` default of Alibi Explain's anchor search.
 */
const EPSILON_STOP = 0.05;

/** One prefix of the returned anchor: its precision, coverage and example samples. */
export interface AnchorStep<Input> {
  predicates: number[];
  precision: number;
  coverage: number;
  numSamples: number;
  coveredTrue: Input[];
  coveredFalse: Input[];
}

/**
 * What the anchors beam search found: the anchor's predicates, its precision and coverage, the search's steps
 * with their examples, and its sample counts.
 */
export interface AnchorSearchResult<Input> {
  /** Predicate numbers of the anchor, in the order the search added them. */
  anchor: number[];
  precision: number;
  coverage: number;
  /** Whether the anchor meets the precision threshold with the requested confidence. */
  success: boolean;
  /** One entry per predicate of `anchor`, for the anchor's prefixes. */
  steps: AnchorStep<Input>[];
  /** Precision of the empty anchor: how often perturbed inputs keep the prediction at all. */
  emptyAnchorPrecision: number;
  /** Samples drawn from the perturbation distribution, over the whole search. */
  numSamples: number;
}

/** Every sample drawn during one search, in a flat store that anchors refer to by index. */
class SampleStore<Input> {
  private satisfiesBuf: Uint8Array;
  private agreesBuf: Uint8Array;
  readonly inputs: Input[] = [];
  size = 0;

  constructor(private readonly numPredicates: number) {
    this.satisfiesBuf = new Uint8Array(1024 * Math.max(1, numPredicates));
    this.agreesBuf = new Uint8Array(1024);
  }

  /** Appends a batch and returns the index of its first sample. */
  add(batch: SampleBatch<Input>): number {
    const start = this.size;
    const count = batch.agrees.length;
    this.reserve(start + count);
    this.satisfiesBuf.set(batch.satisfies, start * this.numPredicates);
    this.agreesBuf.set(batch.agrees, start);
    for (const input of batch.inputs) this.inputs.push(input);
    this.size += count;
    return start;
  }

  satisfies(sample: number, predicate: number): boolean {
    return this.satisfiesBuf[sample * this.numPredicates + predicate] === 1;
  }

  agrees(sample: number): boolean {
    return this.agreesBuf[sample] === 1;
  }

  private reserve(n: number): void {
    if (n <= this.agreesBuf.length) return;
    let capacity = this.agreesBuf.length;
    while (capacity < n) capacity *= 2;
    const satisfies = new Uint8Array(capacity * Math.max(1, this.numPredicates));
    satisfies.set(this.satisfiesBuf);
    const agrees = new Uint8Array(capacity);
    agrees.set(this.agreesBuf);
    this.satisfiesBuf = satisfies;
    this.agreesBuf = agrees;
  }
}

/** A candidate anchor with the samples known to satisfy it. It doubles as a KL-LUCB arm. */
interface Candidate {
  /** Predicates in the order they were added. */
  predicates: number[];
  samples: number[];
  positives: number;
  coverage: number;
  readonly n: number;
}

function newCandidate(predicates: number[], coverage: number): Candidate {
  return {
    predicates,
    samples: [],
    positives: 0,
    coverage,
    get n() {
      return this.samples.length;
    },
  };
}

const keyOf = (predicates: readonly number[]) => [...predicates].sort((a, b) => a - b).join(',');
const meanOf = (c: Candidate) => (c.n > 0 ? c.positives / c.n : 0);

/**
 * The anchor search of Ribeiro et al. (AAAI 2018, Algorithm 3, "BeamAnchor"): starting from the empty
 * anchor, each round extends the anchors in the beam by one predicate, keeps only candidates whose
 * coverage exceeds that of the best valid anchor so far, lets KL-LUCB pick the `beamSize` of highest
 * precision, and then samples each of those until its precision bounds say whether it clears the
 * threshold. The valid anchor of highest coverage wins. With beamSize 1 this stops at the first anchor
 * size that has a valid anchor.
 *
 * Samples drawn for an anchor that also satisfy a new predicate are reused for the extended anchor, as
 * the reference implementation does, so most candidates start with a precision estimate for free.
 * When no anchor clears the threshold, the most precise anchor found is returned with `success: false`.
 */
export async function searchAnchor<Input>(
  sampler: AnchorSampler<Input>,
  options: AnchorSearchOptions,
): Promise<AnchorSearchResult<Input>> {
  const { threshold, delta, tau, batchSize, beamSize, stopOnFirst, minSamplesStart, nCoveredEx, onProgress } =
    options;
  const numPredicates = sampler.numPredicates;
  const maxSize = Math.min(options.maxAnchorSize ?? numPredicates, numPredicates);
  const store = new SampleStore<Input>(numPredicates);
  const candidates = new Map<string, Candidate>();
  const beta = Math.log(1 / delta);

  const yielder = new EventLoopYielder();
  const draw = async (targets: readonly Candidate[], count: number) => {
    await yielder.maybeYield();
    const batches = await sampler.sample(targets.map((c) => ({ anchor: c.predicates, count })));
    batches.forEach((batch, j) => {
      const start = store.add(batch);
      const c = targets[j];
      for (let s = start; s < store.size; s++) {
        c.samples.push(s);
        if (store.agrees(s)) c.positives += 1;
      }
    });
  };
  const bounds = (c: Candidate) => {
    const mean = meanOf(c);
    return { mean, lb: klLowerBound(mean, beta / c.n), ub: klUpperBound(mean, beta / c.n) };
  };

  const empty = newCandidate([], 1);
  candidates.set('', empty);
  await draw([empty], minSamplesStart);
  for (let b = bounds(empty); b.mean > threshold && b.lb < threshold - tau; b = bounds(empty)) {
    await draw([empty], batchSize);
  }
  onProgress?.({ stage: 'start', anchorSize: 0, candidates: 1, samples: store.size, bestPrecision: meanOf(empty) });
  if (bounds(empty).lb > threshold) return result(empty, true);

  let beam: Candidate[] = [empty];
  let best: Candidate | undefined;
  let mostPrecise: Candidate | undefined;
  for (let size = 1; size <= maxSize; size++) {
    const fresh = extend(beam, best?.coverage ?? -1);
    if (fresh.length === 0) break;
    const chosen = await klLucb(fresh, (arms, count) => draw(arms.map((i) => fresh[i]), count), {
      topN: beamSize,
      epsilon: tau,
      delta,
      batchSize,
    }).then((indices) => indices.map((i) => fresh[i]));

    const undecided = (c: Candidate) => {
      const { mean, lb, ub } = bounds(c);
      return (mean >= threshold && lb < threshold - EPSILON_STOP) || (mean < threshold && ub >= threshold + EPSILON_STOP);
    };
    for (let pending = chosen.filter(undecided); pending.length > 0; pending = pending.filter(undecided)) {
      await draw(pending, batchSize);
    }

    let stop = false;
    for (const c of chosen) {
      const { mean, lb } = bounds(c);
      if (mostPrecise === undefined || mean > meanOf(mostPrecise)) mostPrecise = c;
      if (mean >= threshold && lb > threshold - EPSILON_STOP && c.coverage > (best?.coverage ?? -1)) {
        best = c;
        if (stopOnFirst || c.coverage === 1) stop = true;
      }
      if (stop) break;
    }
    onProgress?.({
      stage: 'size',
      anchorSize: size,
      candidates: fresh.length,
      samples: store.size,
      bestPrecision: Math.max(...chosen.map(meanOf)),
    });
    if (stop) break;
    beam = chosen;
  }
  if (best) return result(best, true);
  return result(mostPrecise ?? empty, false);

  /** New candidates one predicate larger than the beam's anchors, seeded with their parents' samples. */
  function extend(from: readonly Candidate[], minCoverage: number): Candidate[] {
    const out: Candidate[] = [];
    for (const parent of from) {
      for (let p = 0; p < numPredicates; p++) {
        if (parent.predicates.includes(p) || !sampler.canExtend(parent.predicates, p)) continue;
        const predicates = [...parent.predicates, p];
        const key = keyOf(predicates);
        if (candidates.has(key)) continue;
        const c = newCandidate(predicates, sampler.coverage(predicates));
        candidates.set(key, c);
        if (c.coverage <= minCoverage) continue;
        for (const s of parent.samples) {
          if (!store.satisfies(s, p)) continue;
          c.samples.push(s);
          if (store.agrees(s)) c.positives += 1;
        }
        out.push(c);
      }
    }
    return out;
  }

  function result(anchor: Candidate, success: boolean): AnchorSearchResult<Input> {
    const steps = anchor.predicates.map((_, i) => {
      const prefix = candidates.get(keyOf(anchor.predicates.slice(0, i + 1)));
      if (prefix === undefined) throw new Error(`internal: anchor prefix ${i + 1} was never evaluated`);
      const coveredTrue: Input[] = [];
      const coveredFalse: Input[] = [];
      for (const s of prefix.samples) {
        const into = store.agrees(s) ? coveredTrue : coveredFalse;
        if (into.length < nCoveredEx) into.push(store.inputs[s]);
      }
      return {
        predicates: prefix.predicates,
        precision: meanOf(prefix),
        coverage: prefix.coverage,
        numSamples: prefix.n,
        coveredTrue,
        coveredFalse,
      };
    });
    return {
      anchor: anchor.predicates,
      precision: meanOf(anchor),
      coverage: anchor.coverage,
      success,
      steps,
      emptyAnchorPrecision: meanOf(empty),
      numSamples: store.size,
    };
  }
}
