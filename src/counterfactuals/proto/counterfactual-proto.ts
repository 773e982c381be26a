import { checkInteger, checkNumber, rejectUnknownOptions, stripUndefined } from '../../anchors/options.js';
import { InvalidInputError, NotFittedError } from '../../core/errors.js';
import type { Explanation } from '../../core/explanation.js';
import type { CategoryMap } from '../../core/tabular-schema.js';
import type { Predictor } from '../../predictors/predictor.js';
import type { TfjsPredictor } from '../../predictors/tfjs.js';
import type { TfModel } from '../../tf/models.js';
import { CategoricalLayout, type CategoricalEncoding } from '../categorical/layout.js';
import type { CategoryDistances } from '../categorical/category-rows.js';
import { CategoricalSpace, type CategoricalSpaceOptions, type CategoryDistanceMethod } from '../categorical/space.js';
import type { AbdmOptions } from '../categorical/abdm.js';
import { checkConstraints, mutableFeatures, resolveFeatureRange, UNBOUNDED_RANGE, type FeatureConstraints, type FeatureRange, type ResolvedConstraints } from '../constraints.js';
import { l1Distance, l2DistanceSquared } from '../distances.js';
import { fistaStep, polynomialDecay, searchAttackWeight, type WeightSearchProgress } from '../fista.js';
import { gradientSource, type GradientMethod, type GradientSource, type GradientsOption } from '../gradients.js';
import { flattenInstance, nest, type InstanceInput, type NestedNumbers } from '../instance.js';
import { counterfactualMeta, rangeParams } from '../params.js';
import { argmax, ProbabilityModel } from '../probabilities.js';
import { arrayParams, autoencoderOption, checkExplainerOptions, checkFistaOptions, modelUsage, predictInstance, tfjsOption, type FistaOptions } from '../setup.js';
import { auxiliaryGradient, predictionLoss, type PredictionLoss } from './loss.js';
import { EncoderPrototypes, TreePrototypes, type FoundPrototype, type Prototype, type PrototypeKType } from './prototypes.js';
import { categoricalSpace, numericSpace, type InstanceSpace, type SearchSpace } from './search-space.js';

/**
 * Prototype-guided counterfactuals after Van Looveren & Klaise, "Interpretable Counterfactual
 * Explanations Guided by Prototypes" (ECML PKDD 2021; arXiv:1907.02584, 2019), with the options of
 * Alibi Explain's `CounterfactualProto`. For an instance x predicted as class t₀, it looks for x′ = x + δ
 * predicted as another class by minimising
 *
 *   c·L_pred + β·‖δ‖₁ + ‖δ‖₂² + γ·‖x′ − AE(x′)‖₂² + θ·L_proto
 *
 * where L_pred = max(0, p_t₀(x′) − max_{i≠t₀} p_i(x′) + κ) (see `loss.ts`) and L_proto pulls x′ towards
 * the prototype of the nearest other class: ‖ENC(x′) − proto‖₂² with an encoder, ‖x′ − proto‖₂² with
 * k-d trees over the training rows (see `prototypes.ts`). The prototype makes the search faster and its
 * answers closer to the data; `cInit: 0` drops L_pred altogether (prototype only), so a black-box model
 * is only asked for the class of each iterate.
 *
 * The elastic-net problem is solved by FISTA with shrinkage-thresholding and projection onto the
 * feature range and constraints (`../fista.ts`, as CEM), for `cSteps` values of c searched as Carlini &
 * Wagner (2017). Gradients of L_pred are by autodiff for a TensorFlow.js model in a numeric space, by
 * central finite differences otherwise; the encoder and autoencoder terms always by autodiff.
 *
 * Categorical features (`categoryMap`, ordinal or one-hot rows) are embedded on a line per feature from
 * pairwise category distances (ABDM from the data or MVDM from the model, `fit`'s `distance`; see
 * `../categorical/space.ts`); the optimiser moves in that numeric space and every point is snapped to
 * the nearest allowed category before the model sees it, so every iterate the model judges, and every
 * counterfactual returned, is a valid row. Since snapping is piecewise constant, the model's gradient
 * along a categorical dimension is mostly 0: the prototype term moves categories.
 */

/**
 * Constraints of a counterfactual, by feature index or (with `featureNames`) by name: an immutable
 * categorical feature keeps its category; a direction (`direction`, `increaseOnly`, `decreaseOnly`) on
 * a categorical feature follows its `order` (see `fit`); ranges are for numeric features only.
 */
export type ProtoConstraints = FeatureConstraints<number | string>;

/**
 * Options of {@link CounterfactualProto} (Van Looveren & Klaise 2019), with Alibi Explain's defaults: the
 * instance shape and feature range, categories and feature names, constraints, the prototype loss weight θ,
 * the encoder or autoencoder, and the FISTA search's.
 */
export interface CounterfactualProtoOptions extends FistaOptions {
  /** θ: the weight of the prototype term. */
  theta?: number;
  /** An encoder (TensorFlow.js model) for prototypes in its code space; else k-d trees. Numeric inputs only. */
  encoder?: TfModel | TfjsPredictor;
  /** Categories of the categorical features, keyed by column (for one-hot, the first column of a group). */
  categoryMap?: CategoryMap;
  /** How rows hold categorical features: `'ordinal'` codes or `'onehot'` groups. */
  encoding?: CategoricalEncoding;
  /** One name per feature (for readable changes, and to name features in `constraints`). */
  featureNames?: readonly string[];
  /** The first c, the weight of L_pred; 0 drops L_pred (prototype only). */
  cInit?: number;
  constraints?: ProtoConstraints;
  /** Called after each value of c. */
  onProgress?: (progress: ProtoProgress) => void;
}

/**
 * Defaults: Alibi Explain's `CounterfactualProto` (kappa 0, beta 0.1, gamma 0, theta 0,
 * feature_range (-1e10, 1e10), learning_rate_init 1e-2, max_iterations 1000, c_init 10, c_steps 10,
 * eps 1e-3, clip (-1000, 1000)). With categorical features the feature range defaults to `[-1, 1]`
 * (see `CATEGORICAL_SPACE_DEFAULTS`). θ = 0 leaves the prototype without effect: Alibi's examples use
 * θ = 10 (tabular) to 100 (MNIST).
 */
export const COUNTERFACTUAL_PROTO_DEFAULTS = Object.freeze({
  kappa: 0,
  beta: 0.1,
  gamma: 0,
  theta: 0,
  learningRateInit: 1e-2,
  maxIterations: 1000,
  cInit: 10,
  cSteps: 10,
  eps: 1e-3 as number | readonly number[],
  clip: [-1000, 1000] as readonly [number, number],
  gradients: 'auto' as GradientsOption,
});

/**
 * Options of {@link CounterfactualProto.fit}: how category distances are learned (ABDM from the data or MVDM
 * from the model) and the embedding of categories on a line.
 */
export interface ProtoFitOptions extends Omit<CategoricalSpaceOptions, 'featureRange'>, AbdmOptions {
  /** Category distances from the data (`'abdm'`, default) or from the model's predictions (`'mvdm'`). */
  distance?: CategoryDistanceMethod;
}

/**
 * Options of {@link CounterfactualProto.explain}: the target class and how the prototype is chosen (`k`,
 * `kType`).
 */
export interface ProtoExplainOptions {
  /** The class the counterfactual must reach; by default any class but the instance's. */
  targetClass?: number;
  /**
   * Training rows a prototype is made of: for k-d trees the k-th nearest row (default 1), for an encoder
   * the k nearest encodings (default: every row of the class).
   */
  k?: number;
  /** With an encoder and `k`: the mean of the k nearest encodings (`'mean'`, default) or the k-th (`'point'`). */
  kType?: PrototypeKType;
}

/** Progress of the search, after each value of c. */
export type ProtoProgress = WeightSearchProgress;

/** One changed feature, readably. */
export interface FeatureChange {
  feature: number;
  name: string;
  /** The category name, or the number. */
  from: string | number;
  to: string | number;
  /** E.g. `Education: High School grad -> Bachelors`. */
  text: string;
}

/**
 * A prototype-guided counterfactual: the instance in the model's encoding, its class and probabilities, its
 * distances from the explained instance, and (for rows) the features changed.
 */
export interface ProtoCandidate {
  /** The counterfactual in the model's encoding, in `shape`: categories valid, immutables unchanged. */
  X: NestedNumbers;
  class: number;
  proba: number[];
  /** β·L1 + L2² to the instance, in the optimiser's space. */
  distance: number;
  l1: number;
  l2: number;
  /** Features changed (L0, in the optimiser's space). */
  changed: number;
  /** The changed features readably (tabular: with `categoryMap` or `featureNames`); omitted otherwise. */
  changes?: FeatureChange[];
  /** The c it was found with. */
  c: number;
  /** The iteration (over the whole search, from 0) that produced it. */
  index: number;
}

/**
 * One value of the weight c tried by CounterfactualProto's search: whether it found a counterfactual, in how
 * many iterations, and the best one.
 */
export interface ProtoStep {
  c: number;
  success: boolean;
  iterations: number;
  /** Iterates that were valid counterfactuals. */
  candidates: number;
}

/**
 * The `data` of a CounterfactualProto explanation: the closest counterfactual (or null), the prototype that
 * guided the search, the original class and probabilities, and every value of c tried.
 */
export interface CounterfactualProtoData {
  /** The closest counterfactual found, or null (`success: false`). */
  cf: ProtoCandidate | null;
  success: boolean;
  orig_class: number;
  orig_proba: number[];
  /** The class of the prototype that guided the search (Alibi's `id_proto`). */
  id_proto: number;
  prototype: Prototype;
  /** FISTA iterations over the whole search. */
  iterations: number;
  /** Model calls and rows of this explanation, including the prediction of the instance. */
  model_calls: number;
  model_rows: number;
  raw: {
    /** The instance, in the model's encoding and `shape`. */
    instance: NestedNumbers;
    gradients: GradientMethod;
    target_class: number | null;
    steps: ProtoStep[];
  };
}

/** What `fit` learned. */
interface Fitted {
  space: SearchSpace;
  trees: TreePrototypes | undefined;
  encodings: EncoderPrototypes | undefined;
  state: ProtoFittedState;
}

/**
 * What `fit` learned, as plain data (see {@link CounterfactualProto.toState}): the class the model
 * predicts for each training row, and the training rows in the optimiser's space (k-d trees) or their
 * encodings (encoder); with categorical features, the distances between categories and the options
 * they were embedded with. Everything else is rebuilt from it, deterministically.
 */
export interface ProtoFittedState {
  classes: Int32Array;
  /** Training rows in the optimiser's space, `n × dimensions` (k-d tree prototypes). */
  points?: Float32Array;
  /** Training rows' encodings, `n × code size` (encoder prototypes). */
  codes?: Float32Array;
  categorical?: {
    distance: CategoryDistanceMethod;
    distances: CategoryDistances;
    options: Omit<CategoricalSpaceOptions, 'featureRange'>;
  };
}

/**
 * Everything a CounterfactualProto explains with, as plain data: its options (no callback, no models),
 * whether it had an encoder and an autoencoder (which are passed again on restoring), and what `fit`
 * learned. Restoring it with the same model (and encoder, autoencoder) gives identical explanations.
 */
export type CounterfactualProtoState = Omit<CounterfactualProtoOptions, 'onProgress' | 'ae' | 'encoder'> & {
  ae: boolean;
  encoder: boolean;
  fitted?: ProtoFittedState;
};

type ResolvedOptions = Required<Omit<CounterfactualProtoOptions, 'ae' | 'encoder' | 'featureRange' | 'categoryMap' | 'encoding' | 'featureNames' | 'constraints' | 'onProgress'>> &
  Pick<CounterfactualProtoOptions, 'featureRange' | 'categoryMap' | 'featureNames' | 'onProgress'> & { encoding: CategoricalEncoding; constraints: ResolvedConstraints };

const OPTION_NAMES = [...Object.keys(COUNTERFACTUAL_PROTO_DEFAULTS), 'shape', 'ae', 'encoder', 'featureRange', 'categoryMap', 'encoding', 'featureNames', 'constraints', 'onProgress'];
const FIT_OPTION_NAMES = ['distance', 'discPerc', 'pseudoCount', 'standardizeCatVars', 'smooth', 'center', 'updateFeatureRange', 'order'];

/** Prototype-guided counterfactuals: see the module comment. */
export class CounterfactualProto {
  private readonly options: ResolvedOptions;
  private readonly size: number;
  private readonly ae: TfjsPredictor | undefined;
  private readonly encoder: TfjsPredictor | undefined;
  private readonly layout: CategoricalLayout | undefined;
  private fitted: Fitted | undefined;
  /** The `fit` in progress, which `explain` waits for (so `cf.fit(rows); await cf.explain(x)` works). */
  private fitting: Promise<unknown> | undefined;

  /**
   * @param predictor `tfjsModel(model)` for autodiff, or any predictor returning class probabilities.
   * @throws InvalidInputError for unknown or invalid options.
   */
  constructor(
    private readonly predictor: Predictor<number[]>,
    options: CounterfactualProtoOptions,
  ) {
    this.size = checkExplainerOptions('CounterfactualProto', predictor, options, OPTION_NAMES, '{ shape }, the shape of one instance');
    const { ae, encoder, ...rest } = stripUndefined(options);
    const o = { ...COUNTERFACTUAL_PROTO_DEFAULTS, encoding: 'ordinal', ...rest } as ResolvedOptions;
    checkFistaOptions(o);
    checkNumber('theta', o.theta, 0, Infinity, { openHigh: true });
    checkNumber('cInit', o.cInit, 0, Infinity, { openHigh: true });
    if (o.cInit === 0 && o.theta === 0) {
      throw new InvalidInputError('options cInit 0 and theta 0 leave nothing to minimise but the distance; set theta > 0 for prototype-only search, or cInit > 0');
    }
    if (o.categoryMap !== undefined) {
      this.layout = new CategoricalLayout(this.size, o.categoryMap, o.encoding);
      if (o.shape.length !== 1) throw new InvalidInputError(`option shape is [${o.shape.join(', ')}]; with categoryMap, expected one dimension, the columns of a row`);
      if (ae !== undefined || encoder !== undefined) {
        throw new InvalidInputError('options ae and encoder work on numeric inputs only; with categoryMap, prototypes come from k-d trees (leave ae and encoder out)');
      }
    } else if (o.encoding !== 'ordinal') {
      throw new InvalidInputError(`option encoding ${JSON.stringify(o.encoding)} describes categorical features; pass categoryMap with it`);
    }
    const features = this.layout?.numFeatures ?? this.size;
    if (o.featureNames !== undefined && (!Array.isArray(o.featureNames) || o.featureNames.length !== features || !o.featureNames.every((n) => typeof n === 'string'))) {
      throw new InvalidInputError(`option featureNames is ${JSON.stringify(o.featureNames)}; expected ${features} names, one per feature`);
    }
    o.constraints = checkConstraints(options.constraints, features, o.featureNames);
    if (o.featureRange !== undefined) resolveFeatureRange(o.featureRange, features);
    this.ae = autoencoderOption(ae, o.gamma, this.size, o.shape);
    this.encoder = tfjsOption(encoder, this.size, o.shape, 'encoder');
    this.options = o;
  }

  /**
   * Learns what explaining needs from training rows (in the model's encoding): the class the model
   * predicts for each (one batched call), the embedding of categories (with `categoryMap`), and the
   * prototypes: k-d trees per predicted class, or the encodings of the rows grouped by class.
   *
   * @throws InvalidInputError for no rows, a malformed row, or bad options.
   * @throws PredictorError when the model fails or does not return class probabilities.
   */
  async fit(rows: readonly InstanceInput[], options: ProtoFitOptions = {}): Promise<this> {
    const run = this.learn(rows, options);
    this.fitting = run;
    try {
      this.fitted = await run;
    } finally {
      if (this.fitting === run) this.fitting = undefined;
    }
    return this;
  }

  /** What `fit` learns, installed. */
  private async learn(rows: readonly InstanceInput[], options: ProtoFitOptions): Promise<Fitted> {
    rejectUnknownOptions(options, FIT_OPTION_NAMES);
    if (!Array.isArray(rows) || rows.length === 0) throw new InvalidInputError('CounterfactualProto.fit needs an array of at least one training row');
    const o = this.options;
    const n = rows.length;
    const flat = new Float32Array(n * this.size);
    rows.forEach((row, i) => flat.set(flattenInstance(row, o.shape, `training row ${i}`), i * this.size));
    const model = new ProbabilityModel(this.predictor, this.size, 'CounterfactualProto');
    const proba = await model.predict(flat, n);
    const classes = Int32Array.from({ length: n }, (_, i) => argmax(proba, i * model.classes, model.classes));

    const state: ProtoFittedState = { classes };
    if (o.categoryMap !== undefined) {
      const distance = options.distance ?? 'abdm';
      const rowArrays = Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * this.size, (i + 1) * this.size)));
      const predictions = distance === 'mvdm' ? Array.from({ length: n }, (_, i) => Array.from(proba.subarray(i * model.classes, (i + 1) * model.classes))) : undefined;
      const { distance: _distance, discPerc: _discPerc, pseudoCount: _pseudoCount, ...spaceOptions } = options;
      const fitted = CategoricalSpace.fit(rowArrays, o.categoryMap, { ...options, encoding: o.encoding, distance, predictions, ...this.rangeOption() });
      state.categorical = { distance, distances: fitted.distances as CategoryDistances, options: spaceOptions };
    } else if (options.distance !== undefined || options.order !== undefined) {
      throw new InvalidInputError('fit options distance and order are for categorical features; this explainer has no categoryMap');
    }
    const space = this.searchSpace(state);
    if (this.encoder === undefined) {
      state.points = new Float32Array(n * space.size);
      for (let i = 0; i < n; i++) state.points.set(space.toPoint(flat.subarray(i * this.size, (i + 1) * this.size), `training row ${i}`), i * space.size);
    } else {
      state.codes = (await EncoderPrototypes.build(this.encoder, flat, n, classes)).codes;
    }
    return this.install(state);
  }

  /** The TensorFlow.js models beside the explainer (its autoencoder and encoder, if any), for saving them with it. */
  get tfModels(): { ae?: TfModel; encoder?: TfModel } {
    return { ...(this.ae !== undefined && { ae: this.ae.model }), ...(this.encoder !== undefined && { encoder: this.encoder.model }) };
  }

  /** The options and what `fit` learned, as plain data for `saveExplainer` (see {@link CounterfactualProto.fromState}). */
  toState(): CounterfactualProtoState {
    const { onProgress: _onProgress, ...options } = this.options;
    return { ...options, shape: [...options.shape], ae: this.ae !== undefined, encoder: this.encoder !== undefined, ...(this.fitted !== undefined && { fitted: this.fitted.state }) };
  }

  /**
   * The explainer a {@link CounterfactualProto.toState} state describes, for `predictor`, with the
   * encoder and autoencoder the state says it had.
   *
   * @throws InvalidInputError when an encoder or autoencoder is missing or extra, or the fitted state
   *   does not fit the options.
   */
  static fromState(predictor: Predictor<number[]>, state: CounterfactualProtoState, models: { encoder?: TfModel | TfjsPredictor; ae?: TfModel | TfjsPredictor } = {}): CounterfactualProto {
    const { ae, encoder, fitted, ...options } = state;
    for (const [name, had, given] of [['encoder', encoder, models.encoder], ['ae', ae, models.ae]] as const) {
      if (had !== (given !== undefined)) {
        throw new InvalidInputError(had ? `this CounterfactualProto was saved with an ${name}; pass the same ${name} to restore it` : `this CounterfactualProto was saved without an ${name}; restore it without one`);
      }
    }
    const explainer = new CounterfactualProto(predictor, { ...options, ...(models.encoder !== undefined && { encoder: models.encoder }), ...(models.ae !== undefined && { ae: models.ae }) });
    if (fitted !== undefined) explainer.fitted = explainer.install(fitted);
    return explainer;
  }

  private rangeOption(): { featureRange?: FeatureRange } {
    return this.options.featureRange === undefined ? {} : { featureRange: this.options.featureRange };
  }

  /** The optimiser's space: the categories embedded by their distances, or the input itself. */
  private searchSpace(state: ProtoFittedState): SearchSpace {
    const o = this.options;
    if (state.categorical === undefined) return numericSpace(o.shape, resolveFeatureRange(o.featureRange ?? UNBOUNDED_RANGE, this.size));
    const { distances, options } = state.categorical;
    return categoricalSpace(new CategoricalSpace(this.layout!, distances, { ...options, ...this.rangeOption() }));
  }

  /** Rebuilds the space and the prototypes from what `fit` learned. */
  private install(state: ProtoFittedState): Fitted {
    const space = this.searchSpace(state);
    const n = state.classes.length;
    let trees: TreePrototypes | undefined;
    let encodings: EncoderPrototypes | undefined;
    if (this.encoder === undefined) {
      const points = state.points;
      if (points === undefined || points.length !== n * space.size) {
        throw new InvalidInputError(`fitted points hold ${points?.length ?? 'no'} values; expected ${n} training rows × ${space.size} dimensions`);
      }
      trees = new TreePrototypes(Array.from({ length: n }, (_, i) => points.subarray(i * space.size, (i + 1) * space.size)), state.classes);
    } else {
      if (state.codes === undefined || state.codes.length % n !== 0) throw new InvalidInputError(`fitted codes hold ${state.codes?.length ?? 'no'} values; expected ${n} training rows' encodings`);
      encodings = EncoderPrototypes.fromCodes(this.encoder, state.codes, n, state.classes);
    }
    return { space, trees, encodings, state };
  }

  /**
   * Finds a counterfactual of one instance (in the model's encoding, flat or nested in `shape`).
   *
   * Waits for a `fit` still in progress (and fails with its error).
   *
   * @throws NotFittedError before `fit`.
   * @throws InvalidInputError for an instance of the wrong shape, with non-finite values or invalid
   *   categories, outside `featureRange` or its constraints, or a bad `targetClass` or `k`.
   * @throws PredictorError when the model fails or does not return class probabilities.
   */
  async explain(instance: InstanceInput, options: ProtoExplainOptions = {}): Promise<Explanation<CounterfactualProtoData>> {
    rejectUnknownOptions(options, ['targetClass', 'k', 'kType']);
    if (this.fitting !== undefined) await this.fitting;
    const fitted = this.fitted;
    if (fitted === undefined) throw new NotFittedError('CounterfactualProto');
    const o = this.options;
    const { targetClass, k, kType = 'mean' } = options;
    if (k !== undefined) checkInteger('k', k, 1);
    if (kType !== 'mean' && kType !== 'point') throw new InvalidInputError(`option kType is ${JSON.stringify(kType)}; expected 'mean' or 'point'`);

    const { space } = fitted;
    const x0 = space.toPoint(instance);
    const inst = space.forInstance(x0, o.constraints);
    const source = this.gradientSource(fitted, inst);
    const { proba: origProba, origClass } = await predictInstance(source, x0);
    const classes = source.model.classes;
    if (targetClass !== undefined && !(Number.isInteger(targetClass) && targetClass >= 0 && targetClass < classes && targetClass !== origClass)) {
      throw new InvalidInputError(`option targetClass is ${JSON.stringify(targetClass)}; expected a class index in 0..${classes - 1} other than the instance's class ${origClass}`);
    }
    const loss = predictionLoss(origClass, targetClass, classes, o.kappa);
    const found = await this.prototype(fitted, inst, x0, origClass, targetClass, k, kType);

    const features = mutableFeatures(inst.box);
    const { runs, best, iterations } = await searchAttackWeight(
      o.cInit,
      o.cSteps,
      (c, firstIndex) => this.fista({ source, loss, inst, features, x0, found, c, firstIndex, fitted }),
      o.onProgress,
    );
    const steps: ProtoStep[] = runs.map((step) => ({ c: step.c, success: step.best !== null, iterations: step.iterations, candidates: step.candidates }));

    const { onProgress: _onProgress, featureRange: _featureRange, categoryMap, ...params } = o;
    return {
      meta: counterfactualMeta('CounterfactualProto', source.method, {
        ...params,
        ...arrayParams(o),
        featureRange: rangeParams(this.spaceRange(fitted)),
        ...(categoryMap !== undefined && { categoryMap, distance: fitted.state.categorical?.distance }),
        prototypes: fitted.encodings !== undefined ? 'encoder' : 'kdtree',
        ae: this.ae !== undefined,
        targetClass: targetClass ?? null,
        k: k ?? null,
        kType,
      }),
      data: {
        cf: best,
        success: best !== null,
        orig_class: origClass,
        orig_proba: Array.from(origProba),
        id_proto: found.prototype.class,
        prototype: found.prototype,
        iterations,
        ...modelUsage(source),
        raw: {
          instance: nest(inst.toInput(x0), o.shape),
          gradients: source.method,
          target_class: targetClass ?? null,
          steps,
        },
      },
    };
  }

  /**
   * The prototype of an explanation (`data.prototype`) as an input one can look at, made from the rows
   * given to `fit` (which the explainer does not keep): the training row itself for a k-d tree
   * prototype; for an encoder prototype, the mean of the training inputs whose encodings it averages
   * (its `rows`, or with none listed every training row predicted as its class). That mean is not the
   * decoding of the mean encoding, but shows what the prototype stands for. Returned nested in `shape`.
   *
   * @throws NotFittedError before `fit`.
   * @throws InvalidInputError when `trainRows` are not as many as the rows given to `fit`, a row is
   *   malformed, or the prototype names rows or a class the training rows do not have.
   */
  prototypeInput(prototype: Prototype, trainRows: readonly InstanceInput[]): NestedNumbers {
    const fitted = this.fitted;
    if (fitted === undefined) throw new NotFittedError('CounterfactualProto');
    const { classes } = fitted.state;
    if (!Array.isArray(trainRows) || trainRows.length !== classes.length) {
      throw new InvalidInputError(`trainRows has ${Array.isArray(trainRows) ? trainRows.length : 'no'} rows; expected the ${classes.length} rows given to fit`);
    }
    const rows = prototype?.rows?.length > 0 ? prototype.rows : Array.from(classes.keys()).filter((i) => classes[i] === prototype?.class);
    if (rows.length === 0 || !rows.every((i) => Number.isInteger(i) && i >= 0 && i < classes.length)) {
      throw new InvalidInputError(`the prototype names rows ${JSON.stringify(prototype?.rows)} of class ${JSON.stringify(prototype?.class)}; expected training rows 0..${classes.length - 1} or a class the model predicted for some`);
    }
    const sum = new Float64Array(this.size);
    for (const i of rows) flattenInstance(trainRows[i], this.options.shape, `training row ${i}`).forEach((v, j) => (sum[j] += v));
    return nest(Array.from(sum, (v) => v / rows.length), this.options.shape);
  }

  /** The optimiser's feature range (before constraints), for `meta.params`. */
  private spaceRange(fitted: Fitted) {
    return fitted.space.categorical?.featureRange ?? resolveFeatureRange(this.options.featureRange ?? UNBOUNDED_RANGE, this.size);
  }

  /**
   * The model as the optimiser sees it: itself in a numeric space (autodiff possible), or, with
   * categorical features, a function that snaps points to valid rows before predicting them.
   */
  private gradientSource(fitted: Fitted, inst: InstanceSpace): GradientSource {
    const o = this.options;
    if (fitted.space.categorical === undefined) {
      return gradientSource(this.predictor, { gradients: o.gradients, eps: o.eps, shape: o.shape, explainer: 'CounterfactualProto' });
    }
    if (o.gradients === 'autodiff') {
      throw new InvalidInputError("option gradients is 'autodiff', but categorical features are snapped to categories, which has no gradient; use 'auto' or 'finite-differences'");
    }
    const predictor = this.predictor;
    const snapped: Predictor<number[]> = (rows) => predictor(rows.map((row) => inst.toInput(row)));
    return gradientSource(snapped, { gradients: 'finite-differences', eps: o.eps, shape: [fitted.space.size], explainer: 'CounterfactualProto' });
  }

  /** The prototype of the nearest class other than `origClass` (or of `targetClass`). */
  private async prototype(fitted: Fitted, inst: InstanceSpace, x0: Float32Array, origClass: number, targetClass: number | undefined, k: number | undefined, kType: PrototypeKType): Promise<FoundPrototype> {
    const known = fitted.encodings?.classes ?? fitted.trees!.classes;
    const candidates = targetClass !== undefined ? [targetClass] : known.filter((c) => c !== origClass);
    if (fitted.encodings !== undefined) return fitted.encodings.nearest(await fitted.encodings.encode(x0), candidates, k, kType);
    return fitted.trees!.nearest(x0, candidates, k ?? 1, inst.feasible);
  }

  /**
   * FISTA for one value of c (Beck & Teboulle, 2009), as CEM's: x_{k+1} = Π(S_β(y_k − α_k ∇g(y_k))),
   * y_{k+1} = Π(x_{k+1} + k/(k+3)·(x_{k+1} − x_k)), with g the smooth part of the loss, S_β the
   * shrinkage around the instance and Π the projection onto the box. The iterate x_k is checked
   * (snapped to a valid input) in the same model call as the gradient at y_k.
   */
  private async fista(run: {
    source: GradientSource;
    loss: PredictionLoss;
    inst: InstanceSpace;
    features: Int32Array;
    x0: Float32Array;
    found: FoundPrototype;
    c: number;
    firstIndex: number;
    fitted: Fitted;
  }): Promise<{ c: number; iterations: number; candidates: number; best: ProtoCandidate | null }> {
    const { source, loss, inst, features, x0, found, c, firstIndex, fitted } = run;
    const o = this.options;
    const d = x0.length;
    let x = Float32Array.from(x0);
    const y = Float32Array.from(x0);
    const next = new Float32Array(d);
    const gradient = new Float32Array(d);
    let best: ProtoCandidate | null = null;
    let candidates = 0;
    const useEncoder = fitted.encodings !== undefined && o.theta > 0;
    const aeTerm = this.ae !== undefined && o.gamma > 0 ? { model: this.ae, gamma: o.gamma } : undefined;
    for (let k = 0; k < o.maxIterations; k++) {
      gradient.fill(0);
      let px: Float32Array;
      if (c > 0) {
        const at = await source.valueAndGradient(y, loss.objective, { features, also: x });
        px = at.alsoProba!;
        for (const i of features) gradient[i] = c * at.gradient[i];
      } else {
        px = await source.model.predict(x, 1);
      }
      if (loss.valid(px)) {
        candidates += 1;
        const snapped = inst.snap(x);
        const l1 = l1Distance(snapped, x0);
        const l2 = l2DistanceSquared(snapped, x0);
        const distance = o.beta * l1 + l2;
        if (best === null || distance < best.distance) best = this.candidate(snapped, x0, inst, px, { distance, l1, l2, c, index: firstIndex + k }, fitted);
      }
      if (useEncoder || aeTerm !== undefined) {
        const aux = await auxiliaryGradient(y, o.shape, {
          proto: useEncoder ? { encoder: this.encoder!, prototype: found.vector, theta: o.theta } : undefined,
          ae: aeTerm,
        });
        for (const i of features) gradient[i] += aux.gradient[i];
      }
      if (!useEncoder && o.theta > 0) for (const i of features) gradient[i] += 2 * o.theta * (y[i] - found.vector[i]);
      const rate = polynomialDecay(o.learningRateInit, k, o.maxIterations);
      x = fistaStep({ x, y, next, features, center: x0, box: inst.box, beta: o.beta, clip: o.clip, rate, k }, (i) => gradient[i] + 2 * (y[i] - x0[i]));
    }
    return { c, iterations: o.maxIterations, candidates, best };
  }

  private candidate(
    snapped: Float32Array,
    x0: Float32Array,
    inst: InstanceSpace,
    proba: Float32Array,
    at: { distance: number; l1: number; l2: number; c: number; index: number },
    fitted: Fitted,
  ): ProtoCandidate {
    const o = this.options;
    const input = inst.toInput(snapped);
    let changed = 0;
    for (let i = 0; i < snapped.length; i++) if (snapped[i] !== x0[i]) changed += 1;
    const tabular = fitted.space.categorical !== undefined || o.featureNames !== undefined;
    return {
      X: nest(input, o.shape),
      class: argmax(proba),
      proba: Array.from(proba),
      ...at,
      changed,
      ...(tabular && { changes: this.changes(inst.toInput(x0), input) }),
    };
  }

  /** The features that differ between two inputs, by name, with category names for categorical ones. */
  private changes(before: number[], after: number[]): FeatureChange[] {
    const o = this.options;
    const from = this.layout?.toOrdinal(before) ?? before;
    const to = this.layout?.toOrdinal(after) ?? after;
    const out: FeatureChange[] = [];
    from.forEach((v, f) => {
      if (v === to[f]) return;
      const names = this.layout?.categories[f];
      const name = o.featureNames?.[f] ?? `feature ${f}`;
      const show = (value: number) => (names !== undefined ? names[value] : Number(value.toPrecision(6)));
      out.push({ feature: f, name, from: show(v), to: show(to[f]), text: `${name}: ${show(v)} -> ${show(to[f])}` });
    });
    return out;
  }
}
