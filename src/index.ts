/**
 * glassbox: explanations of black-box model predictions. The root export is the user-facing API: the
 * explainers, predictors, errors, the explanation type, saving and loading, rendering, summaries and
 * audits. It loads no server, HTTP client, worker pool, ONNX Runtime, TensorFlow.js or browser: those
 * load at first use. The rest lives in subpath exports (src/entries/*.ts): `glassbox/anchors`,
 * `glassbox/counterfactuals`, `glassbox/text`, `glassbox/image`, `glassbox/predictors`,
 * `glassbox/persistence`, `glassbox/audit`, `glassbox/viz`, `glassbox/batch`, `glassbox/server`,
 * `glassbox/data`, `glassbox/core` and `glassbox/demo` (the bundled data sets and demo models).
 */
export { VERSION } from './version.js';

// Errors.
export {
  GlassboxError,
  InvalidInputError,
  NotFittedError,
  PredictorError,
  ExplainerFileError,
  UnsupportedModelError,
  MissingDependencyError,
  ExplanationTypeError,
  HeldOutColumnsError,
} from './core/errors.js';
export { RemoteModelError } from './predictors/remote/errors.js';

// The explanation, and the inputs every explainer takes.
export type { Explanation } from './core/explanation.js';
export type { CategoryMap, TabularRowInput } from './core/tabular-schema.js';
export type { InstanceInput } from './counterfactuals/instance.js';

// Predictors: your model in-process, as ONNX or TensorFlow.js, or behind a URL.
export type { Predictor, Task } from './predictors/predictor.js';
export { remotePredictor, type RemotePredictor, type RemoteCallOptions } from './predictors/remote/remote-predictor.js';
export type { RemotePredictorOptions, RemoteProtocol } from './predictors/remote/options.js';
export { onnxPredictor, type OnnxPredictor, type OnnxPredictorOptions } from './predictors/onnx.js';
export { tfjsModel, tfjsPredictor, type TfjsPredictor } from './predictors/tfjs.js';
export { loadTfModel, type TfModel } from './tf/models.js';

// Anchors.
export {
  AnchorTabular,
  type AnchorTabularOptions,
  type AnchorTabularFitOptions,
  type AnchorTabularExplainOptions,
  type AnchorTabularData,
} from './anchors/tabular/anchor-tabular.js';
export {
  AnchorText,
  type AnchorTextOptions,
  type AnchorTextExplainOptions,
  type AnchorTextData,
} from './anchors/text/anchor-text.js';
export type { FillMask, WordEmbeddings } from './anchors/text/fill-mask.js';
export { AnchorImage, type AnchorImageOptions, type AnchorImageExplainOptions, type AnchorImageData } from './anchors/image/anchor-image.js';
export type { Image, ImageInput } from './image/image.js';

// Counterfactuals.
export { Counterfactual, type CounterfactualOptions, type CounterfactualData } from './counterfactuals/counterfactual.js';
export { CEM, type CEMOptions, type CEMFitOptions, type CEMData } from './counterfactuals/cem.js';
export {
  CounterfactualProto,
  type CounterfactualProtoOptions,
  type CounterfactualProtoData,
  type ProtoFitOptions,
  type ProtoExplainOptions,
} from './counterfactuals/proto/counterfactual-proto.js';
export {
  DiverseCounterfactuals,
  type DiverseCounterfactualsOptions,
  type DiverseFitOptions,
  type DiverseExplainOptions,
  type DiverseCounterfactualsData,
} from './counterfactuals/diverse/diverse-counterfactuals.js';
export type { FeatureConstraints } from './counterfactuals/constraints.js';

// Saving and loading.
export {
  saveExplainer,
  loadExplainer,
  type LoadedExplainer,
  type SaveExplainerOptions,
  type LoadExplainerOptions,
} from './persistence/explainer-dir.js';

// Rendering (PNG pictures, which need a browser, are in glassbox/viz).
export { renderHtml, renderHtmlPage, type RenderOptions } from './viz/render.js';
export { show } from './viz/show.js';

// Summaries, audits, and anchors with counterfactuals.
export { summarizeAnchors, type SummarizeAnchorsOptions, type AnchorSummaryData } from './summary/anchor-summary.js';
export { auditAnchors, type AuditOptions, type AuditReport } from './audit/audit.js';
export { explainWithCounterfactual, type AnchorCounterfactualData } from './keeps-and-flips/anchor-counterfactual.js';
