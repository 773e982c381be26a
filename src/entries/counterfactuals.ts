/**
 * glassbox/counterfactuals: the defaults, limits, states and progress reports of Counterfactual, CEM,
 * CounterfactualProto and DiverseCounterfactuals; gradient sources, constraints, prototypes, input
 * scaling and categorical distances. The optimiser's steps (shrink, fistaMomentum, polynomialDecay, the
 * weight search), the k-d tree, and the distance functions are internals, exported from no entry.
 */
export {
  COUNTERFACTUAL_DEFAULTS,
  type CounterfactualState,
  type CounterfactualCandidate,
  type CounterfactualStep,
  type CounterfactualProgress,
  type TargetClass,
} from '../counterfactuals/counterfactual.js';
export { COUNTERFACTUAL_LIMITS, type FistaOptions } from '../counterfactuals/setup.js';
export { CEM_DEFAULTS, type CEMState, type CEMCandidate, type CEMStep, type CEMProgress, type CEMMode } from '../counterfactuals/cem.js';
export type { WeightSearchProgress } from '../counterfactuals/fista.js';
export {
  COUNTERFACTUAL_PROTO_DEFAULTS,
  type ProtoConstraints,
  type ProtoProgress,
  type ProtoCandidate,
  type ProtoStep,
  type FeatureChange,
} from '../counterfactuals/proto/counterfactual-proto.js';
export {
  DIVERSE_DEFAULTS,
  DIVERSE_METHODS,
  type DiverseConstraints,
  type DiverseCounterfactual,
  type DiverseCounterfactualsState,
  type DiverseMethod,
} from '../counterfactuals/diverse/diverse-counterfactuals.js';
export { cutEncoder } from '../counterfactuals/proto/encoder.js';
export { TreePrototypes, EncoderPrototypes, type Prototype, type PrototypeKType } from '../counterfactuals/proto/prototypes.js';
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
} from '../counterfactuals/gradients.js';
export {
  checkConstraints,
  UNBOUNDED_RANGE,
  type ResolvedConstraints,
  type Direction,
  type FeatureRange,
  type Bound,
  type Box,
} from '../counterfactuals/constraints.js';
export type { NestedNumbers } from '../counterfactuals/instance.js';
export { MinMaxScaling, type MinMaxScalingState, type MinMaxScalingFitOptions } from '../core/min-max-scaling.js';
export { abdmDistances, ABDM_DEFAULTS, type AbdmOptions } from '../counterfactuals/categorical/abdm.js';
export { mvdmDistances, type RowPredictions } from '../counterfactuals/categorical/mvdm.js';
export { mdsEmbedding } from '../counterfactuals/categorical/mds.js';
export type { CategoryDistances } from '../counterfactuals/categorical/category-rows.js';
export { CategoricalLayout, CATEGORICAL_ENCODINGS, type CategoricalEncoding } from '../counterfactuals/categorical/layout.js';
export {
  CategoricalSpace,
  CATEGORICAL_SPACE_DEFAULTS,
  CATEGORY_DISTANCE_METHODS,
  type CategoricalSpaceOptions,
  type CategoricalSpaceFitOptions,
  type CategoryDistanceMethod,
  type CategoryInterval,
} from '../counterfactuals/categorical/space.js';
