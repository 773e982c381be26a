import { emptyBitset, intersectionSize, setBit } from '../core/bitset.js';
import type { Rng } from '../core/rng.js';
import type { LabelModel } from '../predictors/predictor.js';
import type { AnchorSampler, SampleBatch, SampleRequest } from './sampler.js';
import { agreement, type AnchorTarget } from './target.js';

/**
 * How a modality perturbs an instance whose features can each be kept or perturbed: the words of a
 * sentence, the superpixels of an image. Predicate `j` of an anchor is "feature j is kept".
 */
export interface MaskPerturbation<Input> {
  /** Number of features (words, superpixels). */
  readonly numFeatures: number;
  /**
   * The perturbed inputs for `count` masks, given row-major as `count × numFeatures` with 1 where the
   * feature keeps the instance's value and 0 where it is perturbed (a word replaced, a superpixel
   * blanked). Random choices use `rng`.
   */
  perturb(masks: Uint8Array, count: number, rng: Rng): Input[] | Promise<Input[]>;
}

/**
 * Options of the mask sampler that text and image anchors share: how likely a feature outside the anchor is
 * perturbed, and the coverage sample.
 */
export interface MaskSamplerOptions {
  /** Probability that a feature outside the anchor is perturbed in a sample. */
  perturbProbability: number;
  /** Masks of the unconditioned distribution on which coverage is measured. */
  coverageSamples: number;
  /**
   * Fraction of a request's samples that get a mask of their own, in (0, 1] (default 1: every sample).
   * With a smaller fraction, `ceil(fraction × count)` masks ("templates") are drawn and repeated in turn
   * over the request's samples, so that a perturbation can share costly work between the samples of one
   * template — a language model fills a masked sentence once and several samples are drawn from its
   * predictions. This is Alibi Explain's `frac_mask_templates` of its language-model text sampler.
   */
  templateFraction?: number;
}

/**
 * The perturbation distribution of text and image anchors (Ribeiro et al., AAAI 2018, §3.2–3.3): in a
 * sample, every feature of the anchor is kept and every other feature is perturbed independently with
 * probability `perturbProbability`. Coverage is the fraction of unconditioned masks (no feature forced)
 * that keep every feature of the anchor, counted on a fixed sample of masks with one bitset per feature.
 */
export class MaskSampler<Input> implements AnchorSampler<Input> {
  readonly numPredicates: number;
  private readonly keptBits: Uint32Array[];
  private readonly coverageSize: number;

  constructor(
    private readonly perturbation: MaskPerturbation<Input>,
    private readonly model: LabelModel<Input>,
    /** The explained class, or the interval the predicted value must stay in; read after each batch is answered (the first batch may bring it). */
    private readonly target: () => AnchorTarget,
    private readonly rng: Rng,
    private readonly options: MaskSamplerOptions,
  ) {
    const F = perturbation.numFeatures;
    this.numPredicates = F;
    this.coverageSize = options.coverageSamples;
    this.keptBits = Array.from({ length: F }, () => emptyBitset(options.coverageSamples));
    for (let s = 0; s < options.coverageSamples; s++) {
      for (let j = 0; j < F; j++) if (rng.next() >= options.perturbProbability) setBit(this.keptBits[j], s);
    }
  }

  coverage(anchor: readonly number[]): number {
    if (anchor.length === 0) return 1;
    return intersectionSize(anchor.map((j) => this.keptBits[j])) / this.coverageSize;
  }

  canExtend(): boolean {
    return true;
  }

  async sample(requests: readonly SampleRequest[]): Promise<SampleBatch<Input>[]> {
    const F = this.numPredicates;
    const p = this.options.perturbProbability;
    const fraction = this.options.templateFraction ?? 1;
    const batches: Array<{ satisfies: Uint8Array; agrees: Uint8Array; inputs: Input[] }> = [];
    for (const { anchor, count } of requests) {
      const masks = new Uint8Array(count * F);
      const templates = Math.max(1, Math.ceil(fraction * count));
      for (let k = 0; k < count; k++) {
        if (k >= templates) {
          masks.copyWithin(k * F, (k % templates) * F, (k % templates + 1) * F);
          continue;
        }
        for (let j = 0; j < F; j++) masks[k * F + j] = this.rng.next() >= p ? 1 : 0;
        for (const j of anchor) masks[k * F + j] = 1;
      }
      const inputs = await this.perturbation.perturb(masks, count, this.rng);
      batches.push({ satisfies: masks, agrees: new Uint8Array(count), inputs });
    }
    const agrees = await agreement(this.model, batches.length === 1 ? batches[0].inputs : batches.flatMap((b) => b.inputs), this.target);
    let offset = 0;
    for (const batch of batches) {
      batch.agrees.set(agrees.subarray(offset, offset + batch.agrees.length));
      offset += batch.agrees.length;
    }
    return batches;
  }
}
