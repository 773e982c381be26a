/**
 * The contracts through which text anchors use language resources: a masked-word model for the
 * `language_model` sampler and word vectors for the `similarity` sampler. Both are plain interfaces,
 * so that any model can serve (the bundled ones, a transformers.js pipeline, a remote service), and the
 * anchor code stays free of I/O.
 */

/** A sentence with some of its tokens masked, for a {@link FillMask} to fill. */
export interface FillMaskRequest {
  /** The sentence's tokens (words and punctuation) in order, as the text tokeniser cut them. */
  readonly tokens: readonly string[];
  /** The masked positions (indices into `tokens`), ascending. */
  readonly masked: readonly number[];
}

/** One candidate word for a masked position. */
export interface FillCandidate {
  readonly word: string;
  /** The model's probability (or any positive score) for the word at that position. */
  readonly score: number;
}

/**
 * A masked-word model ("fill-mask"): given sentences with masked positions, it proposes words for each
 * masked position, most likely first — as a masked language model such as BERT does (Devlin et al.,
 * NAACL 2019). The `language_model` sampler of `AnchorText` replaces masked words by words drawn from
 * these candidates.
 */
export interface FillMask {
  /** A short name for explanation metadata, e.g. `context-fill-mask`. */
  readonly name: string;
  /**
   * For each request, for each of its masked positions in order, up to `topN` candidates, most likely
   * first. The answer must have one entry per request and, in each, one list per masked position.
   */
  fill(requests: readonly FillMaskRequest[], topN: number): FillCandidate[][][] | Promise<FillCandidate[][][]>;
}

/** A word and its cosine similarity to the word it is a neighbour of. */
export interface Neighbour {
  readonly word: string;
  readonly similarity: number;
}

/**
 * Word vectors, as the `similarity` sampler needs them: the nearest words of a word (Ribeiro et al.,
 * AAAI 2018, §4 replace words by neighbours in an embedding space).
 */
export interface WordEmbeddings {
  /** A short name for explanation metadata, e.g. `glove-100d-top20k`. */
  readonly name: string;
  /**
   * The `topN` words nearest to `word` (looked up lowercase), nearest first, without `word` itself; or
   * `undefined` when `word` has no vector.
   */
  neighbours(word: string, topN: number): readonly Neighbour[] | undefined | Promise<readonly Neighbour[] | undefined>;
}
