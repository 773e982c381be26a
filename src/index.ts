/**
 * glassbox: explanations of black-box model predictions. Everything public is exported from here.
 */
export { VERSION } from './version.js';
export { GlassboxError, InvalidInputError, NotFittedError, PredictorError, ExplainerFileError } from './core/errors.js';
export type { Explanation, ExplanationMeta } from './core/explanation.js';
export { createRng, type Rng } from './core/rng.js';
export { TabularSchema, type CategoryMap, type TabularRowInput } from './core/tabular-schema.js';
export { MinMaxScaling, type MinMaxScalingState, type MinMaxScalingFitOptions } from './core/min-max-scaling.js';
export {
  toLabels,
  LabelModel,
  assertPredictor,
  type Predictor,
  type PredictorOutput,
  type ModelUsage,
} from './predictors/predictor.js';
export { remotePredictor, type RemotePredictor, type RemoteCallOptions } from './predictors/remote/remote-predictor.js';
export {
  REMOTE_PREDICTOR_DEFAULTS,
  V2_INPUT_DATATYPES,
  type RemotePredictorOptions,
  type RemoteProtocol,
  type V2InputDatatype,
  type RemoteTlsOptions,
} from './predictors/remote/options.js';
export { RemoteModelError, type RemoteFailureKind } from './predictors/remote/errors.js';
export type { RemotePredictorStats, RemoteLatency } from './predictors/remote/stats.js';
export type { InstanceShape, RemoteInstance, TensorLayout } from './predictors/remote/instances.js';
export {
  createModelServer,
  type ModelServer,
  type ListeningModelServer,
} from './model-server/server.js';
export { listenGrpcModelServer, type GrpcModelServerOptions, type ListeningGrpcModelServer } from './model-server/grpc.js';
export {
  MODEL_SERVER_DEFAULTS,
  type ModelServerOptions,
  type ServedPredictor,
} from './model-server/model.js';
export {
  tfjsModel,
  tfjsPredictor,
  isTfjsPredictor,
  TFJS_DEFAULT_BATCH_SIZE,
  type TfjsPredictor,
  type TfjsModelOptions,
} from './predictors/tfjs.js';
export { onnxPredictor, type OnnxPredictor, type OnnxPredictorOptions, type OnnxOutputKind } from './predictors/onnx.js';
export type { ClassLabel } from './predictors/onnx-graph.js';
export { loadTf, tfBackendInfo, type Tf, type TfBackendInfo } from './tf/tf.js';
export { fileSystemIO } from './tf/fs-io.js';
export {
  loadLayersModel,
  loadGraphModel,
  loadTfModel,
  loadBundledModel,
  bundledModelPath,
  type TfModel,
  type BundledTfModelName,
} from './tf/models.js';
export {
  Counterfactual,
  COUNTERFACTUAL_DEFAULTS,
  type CounterfactualOptions,
  type CounterfactualData,
  type CounterfactualState,
  type CounterfactualCandidate,
  type CounterfactualStep,
  type CounterfactualProgress,
  type TargetClass,
} from './counterfactuals/counterfactual.js';
export {
  CEM,
  CEM_DEFAULTS,
  type CEMOptions,
  type CEMFitOptions,
  type CEMData,
  type CEMState,
  type CEMCandidate,
  type CEMStep,
  type CEMProgress,
  type CEMMode,
} from './counterfactuals/cem.js';
export { shrink, polynomialDecay, fistaMomentum, AttackWeightSearch, type WeightSearchProgress } from './counterfactuals/fista.js';
export type { FistaOptions } from './counterfactuals/setup.js';
export {
  CounterfactualProto,
  COUNTERFACTUAL_PROTO_DEFAULTS,
  type CounterfactualProtoOptions,
  type CounterfactualProtoData,
  type ProtoConstraints,
  type ProtoFitOptions,
  type ProtoExplainOptions,
  type ProtoProgress,
  type ProtoCandidate,
  type ProtoStep,
  type FeatureChange,
} from './counterfactuals/proto/counterfactual-proto.js';
export { KdTree, KD_TREE_LEAF_SIZE, type Neighbours } from './counterfactuals/proto/kd-tree.js';
export {
  DiverseCounterfactuals,
  DIVERSE_DEFAULTS,
  DIVERSE_METHODS,
  type DiverseCounterfactualsOptions,
  type DiverseFitOptions,
  type DiverseExplainOptions,
  type DiverseConstraints,
  type DiverseMethod,
  type DiverseCounterfactual,
  type DiverseCounterfactualsData,
  type DiverseCounterfactualsState,
} from './counterfactuals/diverse/diverse-counterfactuals.js';
export { cutEncoder } from './counterfactuals/proto/encoder.js';
export { TreePrototypes, EncoderPrototypes, type Prototype, type PrototypeKType } from './counterfactuals/proto/prototypes.js';
export {
  adultCounterfactualTask,
  ADULT_EDUCATION_ORDER,
  ADULT_COUNTERFACTUAL_CONSTRAINTS,
  type AdultCounterfactualTask,
} from './datasets/adult-counterfactual.js';
export {
  gradientSource,
  autodiffGradients,
  finiteDifferenceGradients,
  centralDifferences,
  type GradientSource,
  type GradientSourceOptions,
  type GradientsOption,
  type GradientMethod,
  type GradientAt,
  type GradientRequest,
  type ProbaObjective,
} from './counterfactuals/gradients.js';
export { ProbabilityModel } from './counterfactuals/probabilities.js';
export {
  checkConstraints,
  constraintBox,
  resolveFeatureRange,
  project,
  mutableFeatures,
  UNBOUNDED_RANGE,
  type FeatureConstraints,
  type ResolvedConstraints,
  type Direction,
  type FeatureRange,
  type Bound,
  type Box,
} from './counterfactuals/constraints.js';
export type { InstanceInput, NestedNumbers } from './counterfactuals/instance.js';
export { l1Distance, l2DistanceSquared, l0Distance } from './counterfactuals/distances.js';
export { abdmDistances, ABDM_DEFAULTS, type AbdmOptions } from './counterfactuals/categorical/abdm.js';
export { mvdmDistances, type RowPredictions } from './counterfactuals/categorical/mvdm.js';
export { mdsEmbedding } from './counterfactuals/categorical/mds.js';
export type { CategoryDistances } from './counterfactuals/categorical/category-rows.js';
export { CategoricalLayout, CATEGORICAL_ENCODINGS, type CategoricalEncoding } from './counterfactuals/categorical/layout.js';
export {
  CategoricalSpace,
  CATEGORICAL_SPACE_DEFAULTS,
  CATEGORY_DISTANCE_METHODS,
  type CategoricalSpaceOptions,
  type CategoricalSpaceFitOptions,
  type CategoryDistanceMethod,
  type CategoryInterval,
} from './counterfactuals/categorical/space.js';
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
  type AnchorTabularState,
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
  type AnchorTextState,
  type TextResources,
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
export { loadCsv, parseCsv, encodeCsvRecord, csvModelRows, type CsvTable, type CsvOptions } from './datasets/csv.js';
export { loadMnist, MNIST_SHAPE, type MnistDataset, type MnistSplit, type LoadMnistOptions } from './datasets/mnist.js';
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
export { renderAnchorImageHtml, type ImageRenderOptions } from './viz/anchor-image-card.js';
export { renderCounterfactualHtml, renderCemHtml, type CounterfactualRenderOptions } from './viz/counterfactual-card.js';
export { renderCounterfactualProtoHtml, type CounterfactualProtoRenderOptions } from './viz/counterfactual-proto-card.js';
export { renderDiverseCounterfactualsHtml, type DiverseCounterfactualsRenderOptions } from './viz/diverse-counterfactuals-card.js';
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
export {
  AnchorImage,
  ANCHOR_IMAGE_DEFAULTS,
  type AnchorImageOptions,
  type AnchorImageExplainOptions,
  type AnchorImageData,
  type AnchorImageState,
  type ImageAnchorExamples,
  type ImageExample,
} from './anchors/image/anchor-image.js';
export {
  SuperpixelPerturbation,
  maskImage,
  meanFillImage,
  constantFillImage,
  segmentPixels,
  type ImageFill,
  type ImageSample,
  type SegmentPixels,
} from './anchors/image/superpixels.js';
export {
  toImage,
  createImage,
  imageToNested,
  imagesToBatch,
  checkShape,
  valueRange,
  type Image,
  type ImageShape,
  type ImageInput,
  type TensorLike,
} from './image/image.js';
export { decodePng, decodeJpeg, decodeImage, readImage, encodePng, writePng, type EncodePngOptions } from './image/codecs.js';
export { rgbToLab } from './image/colour.js';
export { gaussianFilter } from './image/gaussian.js';
export { slic, resolveSlicOptions, SLIC_DEFAULTS, type SlicOptions } from './image/segmentation/slic.js';
export { quickshift, resolveQuickshiftOptions, QUICKSHIFT_DEFAULTS, type QuickshiftOptions } from './image/segmentation/quickshift.js';
export { felzenszwalb, resolveFelzenszwalbOptions, FELZENSZWALB_DEFAULTS, type FelzenszwalbOptions } from './image/segmentation/felzenszwalb.js';
export {
  segmentImage,
  resolveSegmentation,
  SEGMENTATION_METHODS,
  type Segmentation,
  type SegmentationMethod,
  type SegmentationFunction,
  type SegmentationOptions,
  type SegmentationOptionsByMethod,
  type ResolvedSegmentation,
} from './image/segmentation/segment.js';
export {
  checkLabelImage,
  relabelSequential,
  connectedComponents,
  enforceConnectivity,
  splitDisconnected,
  type Segments,
  type LabelImageInput,
} from './image/segmentation/segments.js';
export { renderAnchor, renderAnchorPng, ANCHOR_RENDER_DEFAULTS, type AnchorRenderOptions, type Rgb } from './image/render.js';
export { loadPhoto, PHOTOS, type PhotoName } from './datasets/photos.js';
export {
  saveExplainer,
  loadExplainer,
  readExplainerManifest,
  readSavedExplainer,
  EXPLAINER_FORMAT_VERSION,
  type LoadedExplainer,
  type SaveExplainerOptions,
  type LoadExplainerOptions,
  type SaveableExplainer,
  type ExplainerManifest,
  type ExplainerType,
} from './persistence/explainer-dir.js';
export {
  explainBatch,
  BatchWorkerError,
  type ExplainBatchOptions,
  type BatchProgress,
  type BatchSummary,
} from './batch/explain-batch.js';
export type {
  BatchJob,
  BatchSource,
  BundledSource,
  SavedSource,
  BatchModel,
  DemoBatchModel,
  RemoteBatchModel,
  BatchExplainOptions,
} from './batch/job.js';
export type { RowRange, Shard } from './batch/rows.js';
export { createExplainerServer, type ExplainerServer, type ListeningExplainerServer } from './server/server.js';
export { EXPLAINER_SERVER_DEFAULTS, type ExplainerServerOptions, type LogLevel } from './server/options.js';
export type { ServableExplainer, ExplainerFactory } from './server/explainer.js';
export { loadServableExplainer, SERVABLE_TYPES } from './server/servable-explainer.js';
export { UnsupportedModelError, MissingDependencyError } from './core/errors.js';
export type { OnnxInputLayout, OnnxInputType, OnnxValue } from './predictors/onnx.js';
export type { OnnxSession } from './predictors/onnx.js';
export { ExplanationTypeError, HeldOutColumnsError } from './core/errors.js';
export { satisfiesAnchor } from './anchors/tabular/predicates.js';
export {
  summarizeAnchors,
  pickAnchors,
  MAX_SUMMARY_BUDGET,
  type SummaryOptions,
  type SummarizeAnchorsOptions,
  type RowAnchorExplainer,
  type ExplainedRow,
  type PickedAnchor,
  type SummaryGroup,
  type AnchorSummaryData,
} from './summary/anchor-summary.js';
export { summarizeBatch, summarizeBatchFile } from './summary/batch-summary.js';
export { greedyCover, type GreedyCover } from './summary/greedy-cover.js';
export { readExplanationFile, MAX_EXPLANATION_FILE_BYTES, type ExplanationFile, type ExplanationLine } from './summary/explanation-file.js';
export {
  auditAnchors,
  AUDIT_DEFAULTS,
  AUDITED_EXPLAINERS,
  type AuditOptions,
  type AuditReport,
  type AuditFinding,
  type AnchorFinding,
  type CounterfactualFinding,
  type AuditStatus,
  type AuditReason,
} from './audit/audit.js';
export { wilsonInterval, klInterval, normalQuantile, type Interval, type IntervalMethod } from './audit/intervals.js';
export { heldOutFromRecords, type HeldOutSet } from './audit/held-out.js';
export {
  explainWithCounterfactual,
  pairAnchorCounterfactual,
  type AnchorCounterfactualData,
  type CounterfactualLikeData,
  type CounterfactualSearch,
} from './keeps-and-flips/anchor-counterfactual.js';
// Limits (issue 14, docs/limits.md): the bounds of options, caches and reads, and their helpers.
export { ANCHOR_SEARCH_LIMITS, COVERAGE_SAMPLES_MAX } from './anchors/options.js';
export { COUNTERFACTUAL_LIMITS } from './counterfactuals/setup.js';
export { ByteBudgetCache } from './core/byte-budget-cache.js';
export { responseByteLimit } from './predictors/remote/options.js';
export { redactUrl, splitUrlCredentials } from './predictors/remote/credentials.js';
export { MAX_TENSOR_ELEMENTS, MAX_TENSOR_RANK } from './predictors/remote/tensor.js';
export { MAX_EXPLAINER_FILE_BYTES, MAX_JSON_DEPTH, MAX_MANIFEST_BYTES } from './persistence/folder-files.js';
export { REQUEST_OPTION_LIMITS } from './server/options.js';
export { ListenError } from './http/listening-url.js';
