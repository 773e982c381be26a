/**
 * glassbox/anchors: the anchor search beneath AnchorTabular, AnchorText and AnchorImage, for a sampler
 * of your own, with their defaults, limits and states, and the parts of anchor summaries.
 * The KL-LUCB bounds (klBernoulli, lucbExplorationRate ...) are internals and exported from no entry.
 */
export {
  ANCHOR_SEARCH_DEFAULTS,
  ANCHOR_SEARCH_LIMITS,
  COVERAGE_SAMPLES_MAX,
  type AnchorSearchOptions,
  type AnchorProgress,
} from '../anchors/options.js';
export { searchAnchor, type AnchorSearchResult, type AnchorStep } from '../anchors/beam-search.js';
export type { AnchorSampler, SampleBatch, SampleRequest } from '../anchors/sampler.js';
export type { AnchorRaw, AnchorStepExamples } from '../anchors/explanation.js';
export { MaskSampler, type MaskPerturbation, type MaskSamplerOptions } from '../anchors/mask-sampler.js';
export { ANCHOR_TABULAR_DEFAULTS, type AnchorTabularState, type AnchorExamples } from '../anchors/tabular/anchor-tabular.js';
export { satisfiesAnchor, type TabularPredicate } from '../anchors/tabular/predicates.js';
export {
  pickAnchors,
  MAX_SUMMARY_BUDGET,
  type SummaryOptions,
  type RowAnchorExplainer,
  type ExplainedRow,
  type PickedAnchor,
  type SummaryGroup,
} from '../summary/anchor-summary.js';
export { greedyCover, type GreedyCover } from '../summary/greedy-cover.js';
// Regression anchors (issue 19): the interval a predicted value must stay in.
export {
  AUTO_INTERVAL_FRACTION,
  AUTO_INTERVAL_ROWS,
  type IntervalOption,
  type IntervalRule,
  type PredictionInterval,
  type AnchorTarget,
} from '../anchors/target.js';
