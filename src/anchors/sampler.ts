/**
 * The boundary between the modality-independent anchor search and a modality (tabular rows, text,
 * images). The search only sees predicates by number; a sampler knows what predicate `p` means, how to
 * draw perturbed inputs that satisfy an anchor, and how to ask the model about them.
 */

/** A request for `count` perturbed inputs drawn from D(· | anchor), the perturbation distribution
 * conditioned on every predicate of `anchor` holding (Ribeiro et al., AAAI 2018, §2). */
export interface SampleRequest {
  readonly anchor: readonly number[];
  readonly count: number;
}

/** The samples drawn for one {@link SampleRequest}. */
export interface SampleBatch<Input> {
  /** Which predicates each sample satisfies: `count × numPredicates`, row-major, 1 where satisfied. */
  readonly satisfies: Uint8Array;
  /** 1 where the model predicts the explained class for the sample, else 0. */
  readonly agrees: Uint8Array;
  /** The perturbed inputs, kept for the examples an explanation shows. */
  readonly inputs: Input[];
}

/**
 * The sampler contract of the anchors search: draws samples on which candidate anchors hold, asks the model
 * about them in one call, and measures coverage. Each modality brings its own.
 */
export interface AnchorSampler<Input> {
  /** How many candidate predicates the explained instance has. */
  readonly numPredicates: number;
  /** Draws the samples of every request, asking the model about all of them in one call. */
  sample(requests: readonly SampleRequest[]): Promise<SampleBatch<Input>[]>;
  /** The fraction of inputs from the unconditioned perturbation distribution that satisfy `anchor`. */
  coverage(anchor: readonly number[]): number;
  /** Whether `predicate` may extend `anchor` (a sampler may forbid redundant combinations). */
  canExtend(anchor: readonly number[], predicate: number): boolean;
}
