/**
 * glassbox/text: AnchorText's defaults, state and perturbations, and the masked-word models and word
 * vectors it samples with.
 */
export {
  ANCHOR_TEXT_DEFAULTS,
  ANCHOR_TEXT_SEARCH_DEFAULTS,
  TEXT_SAMPLINGS,
  type AnchorTextState,
  type TextResources,
  type TextAnchorExamples,
  type TextSampling,
} from '../anchors/text/anchor-text.js';
export type { FillMaskRequest, FillCandidate, Neighbour } from '../anchors/text/fill-mask.js';
export { UNKNOWN_TOKEN, type TextPerturbation, type LanguageModelPerturbation, type FillMaskUsage } from '../anchors/text/perturbations.js';
export { DEFAULT_STOPWORDS } from '../anchors/text/stopwords.js';
export { tokenize, type Token } from '../anchors/text/tokenize.js';
export { WordVectors } from '../text/word-vectors.js';
export { ContextFillMask, CONTEXT_FILL_MASK_DEFAULTS, type ContextFillMaskOptions, type ContextFillMaskJSON } from '../text/context-fill-mask.js';
export {
  transformersFillMask,
  type FillMaskPipelineLike,
  type FillMaskPipelinePrediction,
  type TransformersFillMaskOptions,
} from '../text/transformers-fill-mask.js';
