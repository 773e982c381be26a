/**
 * glassbox: explanations of black-box model predictions. Everything public is exported from here.
 */
export { VERSION } from './version.js';
export { GlassboxError, InvalidInputError, NotFittedError, PredictorError } from './core/errors.js';
export type { Explanation, ExplanationMeta } from './core/explanation.js';
export { createRng, type Rng } from './core/rng.js';
export { TabularSchema, type CategoryMap, type TabularRowInput } from './core/tabular-schema.js';
export {
  toLabels,
  LabelModel,
  assertPredictor,
  type Predictor,
  type PredictorOutput,
  type ModelUsage,
} from './predictors/predictor.js';
export {
  ANCHOR_SEARCH_DEFAULTS,
  type AnchorSearchOptions,
  type AnchorProgress,
} from './anchors/options.js';
export { klBernoulli, klLowerBound, klUpperBound, lucbExplorationRate } from './anchors/kl-bounds.js';
export { klLucb, type ArmCounts, type PullArms, type KlLucbOptions } from './anchors/kl-lucb.js';
export { searchAnchor, type AnchorSearchResult, type AnchorStep } from './anchors/beam-search.js';
export type { AnchorSampler, SampleBatch, SampleRequest } from './anchors/sampler.js';
export { MaskSampler, type MaskPerturbation, type MaskSamplerOptions } from './anchors/mask-sampler.js';
export {
  AnchorTabular,
  ANCHOR_TABULAR_DEFAULTS,
  type AnchorTabularOptions,
  type AnchorTabularFitOptions,
  type AnchorTabularExplainOptions,
  type AnchorTabularData,
  type AnchorExamples,
} from './anchors/tabular/anchor-tabular.js';
export type { TabularPredicate } from './anchors/tabular/predicates.js';
export {
  AnchorText,
  ANCHOR_TEXT_DEFAULTS,
  ANCHOR_TEXT_SEARCH_DEFAULTS,
  TEXT_SAMPLINGS,
  type AnchorTextOptions,
  type AnchorTextExplainOptions,
  type AnchorTextData,
  type TextAnchorExamples,
  type TextSampling,
} from './anchors/text/anchor-text.js';
export type { FillMask, FillMaskRequest, FillCandidate, WordEmbeddings, Neighbour } from './anchors/text/fill-mask.js';
export {
  UNKNOWN_TOKEN,
  type TextPerturbation,
  type LanguageModelPerturbation,
  type FillMaskUsage,
} from './anchors/text/perturbations.js';
export { DEFAULT_STOPWORDS } from './anchors/text/stopwords.js';
export { tokenize, type Token } from './anchors/text/tokenize.js';
export { WordVectors } from './text/word-vectors.js';
export {
  ContextFillMask,
  CONTEXT_FILL_MASK_DEFAULTS,
  type ContextFillMaskOptions,
  type ContextFillMaskJSON,
} from './text/context-fill-mask.js';
export {
  transformersFillMask,
  type FillMaskPipelineLike,
  type FillMaskPipelinePrediction,
  type TransformersFillMaskOptions,
} from './text/transformers-fill-mask.js';
export { loadAdult, type LoadAdultOptions } from './datasets/adult.js';
export type { TabularDataset, TabularSplit } from './datasets/types.js';
export {
  loadSentiment,
  SENTIMENT_SOURCES,
  type LoadSentimentOptions,
  type TextDataset,
  type TextSplit,
  type SentimentSource,
} from './datasets/sentiment.js';
export { loadGloVe, GloVeVectors, type LoadGloVeOptions } from './datasets/glove.js';
export {
  loadDemoModel,
  listDemoModels,
  type DemoModel,
  type DemoModelName,
  type DemoModelInfo,
  type DemoModelEntry,
} from './models/demo-models.js';
export { GradientBoostedTrees, type GradientBoostedTreesOptions } from './models/gradient-boosted-trees.js';
export { LogisticRegression } from './models/logistic-regression.js';
export {
  BagOfWordsLogisticRegression,
  BAG_OF_WORDS_DEFAULTS,
  type BagOfWordsOptions,
  type BagOfWordsJSON,
} from './models/bag-of-words.js';
export {
  loadSentimentModel,
  loadSentimentFillMask,
  type SentimentModel,
  type SentimentModelInfo,
  type LoadSentimentModelOptions,
} from './models/sentiment-models.js';
export { renderHtml, renderHtmlPage, RENDERABLE_EXPLAINERS, type RenderOptions } from './viz/render.js';
export { renderAnchorTabularHtml, type TabularRenderOptions } from './viz/anchor-tabular-card.js';
export { renderAnchorTextHtml, type TextRenderOptions } from './viz/anchor-text-card.js';
export { escapeHtml } from './viz/html.js';
export { show, tslabDisplay, type NotebookDisplay } from './viz/show.js';
export {
  PngRenderer,
  renderPng,
  chromiumPath,
  CHROMIUM_ARGS,
  CHROMIUM_PATH_ENV,
  DEFAULT_CHROMIUM_PATH,
  type PngOptions,
  type RenderedPicture,
} from './viz/png.js';
