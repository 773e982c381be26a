import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { checkNumber, rejectUnknownOptions, stripUndefined } from '../anchors/options.js';
import { InvalidInputError, NotFittedError } from '../core/errors.js';
import type { Explanation } from '../core/explanation.js';
import type { Predictor } from '../predictors/predictor.js';
import type { TfjsPredictor } from '../predictors/tfjs.js';
import type { TfModel } from '../tf/models.js';
import { loadTf } from '../tf/tf.js';
import {
  checkConstraints,
  constraintBox,
  featureRangeOption,
  mutableFeatures,
  project,
  resolveFeatureRange,
  UNBOUNDED_RANGE,
  type Box,
  type FeatureConstraints,
  type ResolvedConstraints,
} from './constraints.js';
import { l1Distance, l2DistanceSquared } from './distances.js';
import { fistaStep, polynomialDecay, searchAttackWeight, type WeightSearchProgress } from './fista.js';
import { gradientSource, type GradientMethod, type GradientSource, type GradientsOption, type ProbaObjective } from './gradients.js';
import { flattenInstance, nest, type InstanceInput, type NestedNumbers } from './instance.js';
import { counterfactualMeta, rangeParams } from './params.js';
import { argmax } from './probabilities.js';
import { arrayParams, autoencoderOption, checkExplainerOptions, checkFistaOptions, modelUsage, predictInstance, type FistaOptions } from './setup.js';

/**
 * The contrastive explanation method (CEM) of Dhurandhar, Chen, Luss, Tu, Ting, Shanmugam & Das,
 * "Explanations based on the Missing: Towards Contrastive Explanations with Pertinent Negatives"
 * (NeurIPS 2018), with the options of Alibi Explain's `CEM`. For an instance x predicted as class t₀:
 *
 * - a **pertinent negative** (PN) is a small addition δ such that x + δ is *not* predicted as t₀: what
 *   must be absent from x for its prediction. It minimises
 *     c·max(f_t₀(x′) − max_{j≠t₀} f_j(x′), −κ) + β‖x′ − x‖₁ + ‖x′ − x‖₂² + γ‖x′ − AE(x′)‖₂²
 *   over x′ that only move features away from their "no information" value;
 * - a **pertinent positive** (PP) is a small part x′ of x, between the no-information values v and x,
 *   that *is* still predicted as t₀: what must be present. It minimises
 *     c·max(max_{j≠t₀} f_j(x′) − f_t₀(x′), −κ) + β‖x′ − v‖₁ + ‖x′ − v‖₂² + γ‖x′ − AE(x′)‖₂².
 *
 * The elastic-net problem is solved by FISTA (Beck & Teboulle, 2009) with the shrinkage-thresholding
 * operator S_β as the proximal step of the L1 term, as in the paper (and EAD, Chen et al., AAAI 2018),
 * with a learning rate decaying polynomially (power 0.5, as in the authors' reference implementation)
 * from `learningRateInit` to 0 over `maxIterations`, gradients clipped to `clip`, and every iterate
 * projected onto its box (the PN/PP half-space, `featureRange`, and the feature constraints). The
 * attack weight c starts at `cInit` and is searched for `cSteps` values as in Carlini & Wagner (2017):
 * halved towards the last failure after a success, multiplied by 10 (or bisected) after a failure. The
 * optional autoencoder term (weight γ) keeps x′ near the data the autoencoder was trained on; its
 * gradient is always by autodiff, while the classifier's is by autodiff or finite differences.
 *
 * No-information values come from `noInfoVal` or from `fit(trainingData)` (the feature-wise median or
 * mean, as Alibi's `fit(x_train, no_info_type)`): for MNIST, 0, the background.
 */

/** Which contrastive explanation CEM looks for: a pertinent negative (`PN`) or a pertinent positive (`PP`). */
export type CEMMode = 'PN' | 'PP';

/**
 * Options of {@link CEM} (Dhurandhar et al. 2018), with Alibi Explain's defaults: the mode, the instance
 * shape and feature range, the no-information values, constraints, the autoencoder and its weight γ, and the FISTA
 * search's (κ, β, c and its steps, iterations, learning rate).
 */
export interface CEMOptions extends FistaOptions {
  /** `'PN'` (pertinent negative) or `'PP'` (pertinent positive). Required. */
  mode: CEMMode;
  /** The "no information" value of every feature (one for all, or one per feature); else call `fit`. */
  noInfoVal?: number | readonly number[];
  /** Immutable features, per-feature allowed ranges, allowed directions of change. */
  constraints?: FeatureConstraints;
  /** Called after each value of c. */
  onProgress?: (progress: CEMProgress) => void;
}

/**
 * Defaults: Alibi Explain's `CEM` (kappa 0, beta 0.1, gamma 0, learning_rate_init 1e-2,
 * max_iterations 1000, c_init 10, c_steps 10, eps 1e-3, clip (-100, 100), feature_range
 * (-1e10, 1e10)); κ = 0 and β = 0.1 are also the paper's choices for MNIST.
 */
export const CEM_DEFAULTS = Object.freeze({
  kappa: 0,
  beta: 0.1,
  gamma: 0,
  featureRange: UNBOUNDED_RANGE,
  learningRateInit: 1e-2,
  maxIterations: 1000,
  cInit: 10,
  cSteps: 10,
  eps: 1e-3 as number | readonly number[],
  clip: [-100, 100] as readonly [number, number],
  gradients: 'auto' as GradientsOption,
});

/** Options of {@link CEM.fit}: how the no-information values are computed from training data. */
export interface CEMFitOptions {
  /** How no-information values are computed from the training data: `'median'` (default) or `'mean'`. */
  noInfoType?: 'median' | 'mean';
}

/** Progress of the search, after each value of c (`bestDistance`: of the best PN/PP so far). */
export type CEMProgress = WeightSearchProgress;

/** A pertinent negative or positive found by the search. */
export interface CEMCandidate {
  /** The PN (x + δ) or PP, in the explainer's `shape`. */
  X: NestedNumbers;
  class: number;
  proba: number[];
  /** The elastic-net distance β·L1 + L2² to x (PN) or to the no-information values (PP). */
  distance: number;
  l1: number;
  /** Squared L2 distance. */
  l2: number;
  /** The attack weight it was found with. */
  c: number;
  /** The iteration (over the whole search, from 0) that produced it. */
  index: number;
}

/**
 * One value of the weight c tried by CEM's search: whether it found a valid pertinent negative/positive, in how
 * many iterations, and the best one.
 */
export interface CEMStep {
  c: number;
  success: boolean;
  iterations: number;
  /** Iterates that were a valid PN/PP. */
  candidates: number;
  /** The closest of them, or null. */
  best: CEMCandidate | null;
}

/**
 * The `data` of a CEM explanation: the pertinent negative or positive found (or null), its class and
 * probabilities, the original class and probabilities, and every value of c tried.
 */
export interface CEMData {
  mode: CEMMode;
  /** The pertinent negative (mode PN), or null when none was found. */
  PN?: NestedNumbers | null;
  /** Its predicted class. */
  PN_pred?: number | null;
  /** The pertinent positive (mode PP), or null when none was found. */
  PP?: NestedNumbers | null;
  PP_pred?: number | null;
  /** The instance explained, in `shape`. */
  X: NestedNumbers;
  /** Its predicted class (Alibi's name; `orig_class` too). */
  X_pred: number;
  orig_class: number;
  orig_proba: number[];
  success: boolean;
  /** FISTA iterations over the whole search. */
  iterations: number;
  model_calls: number;
  model_rows: number;
  raw: {
    gradients: GradientMethod;
    /** The PN/PP returned, with its probabilities and distances, or null. */
    best: CEMCandidate | null;
    /** Every value of c tried, with the best PN/PP it found. */
    steps: CEMStep[];
    /** The no-information value of every feature, flat. */
    no_info_val: number[];
  };
}

/**
 * Everything a CEM explains with, as plain data (see {@link CEM.toState}): its options, its
 * no-information values (given or fitted), and whether it has an autoencoder. Neither the model nor the
 * autoencoder is part of it: both are passed on restoring.
 */
export type CEMState = Omit<CEMOptions, 'onProgress' | 'ae' | 'noInfoVal'> & {
  noInfoVal?: Float32Array;
  /** Whether the explainer has an autoencoder (the γ term), which must be passed on restoring. */
  ae: boolean;
};

const OPTION_NAMES = [...Object.keys(CEM_DEFAULTS), 'mode', 'shape', 'ae', 'noInfoVal', 'constraints', 'onProgress'];

/** The contrastive explanation method: see the module comment. */
export class CEM {
  private readonly options: Required<Omit<CEMOptions, 'ae' | 'noInfoVal' | 'onProgress' | 'constraints'>> &
    Pick<CEMOptions, 'onProgress'> & { constraints: ResolvedConstraints };
  private readonly range: Box;
  private readonly size: number;
  private readonly ae: TfjsPredictor | undefined;
  private noInfo: Float32Array | undefined;

  /**
   * @param predictor `tfjsModel(model)` for autodiff, or any predictor returning class probabilities.
   * @throws InvalidInputError for unknown or invalid options.
   */
  constructor(
    private readonly predictor: Predictor<number[]>,
    options: CEMOptions,
  ) {
    this.size = checkExplainerOptions('CEM', predictor, options, OPTION_NAMES, "{ mode: 'PN' | 'PP', shape }");
    const { ae, noInfoVal, ...rest } = stripUndefined(options);
    const o = { ...CEM_DEFAULTS, ...rest } as CEM['options'];
    if (o.mode !== 'PN' && o.mode !== 'PP') throw new InvalidInputError(`option mode is ${JSON.stringify(o.mode)}; expected 'PN' or 'PP'`);
    o.constraints = checkConstraints(options.constraints, this.size);
    checkFistaOptions(o);
    checkNumber('cInit', o.cInit, 0, Infinity, { openLow: true, openHigh: true });
    this.ae = autoencoderOption(ae, o.gamma, this.size, o.shape);
    this.range = resolveFeatureRange(o.featureRange, this.size);
    if (noInfoVal !== undefined) this.noInfo = checkNoInfo(noInfoVal, this.size);
    this.options = o;
  }

  /**
   * Sets the no-information value of every feature from training data: its median (default) or mean
   * over the rows, as Alibi's `CEM.fit(x_train, no_info_type)`.
   *
   * Asynchronous like every explainer's `fit` (`await cem.fit(data)`). The medians or means are computed
   * synchronously, in place before the promise is returned: an un-awaited `cem.fit(data); await
   * cem.explain(x)` (or `toState()`) sees them, and no fit is ever left in progress to wait for.
   *
   * @param data training instances (flat or nested in `shape`), at least one.
   * @throws InvalidInputError (as a rejection) for no instances, a malformed one, or a bad `noInfoType`.
   */
  async fit(data: readonly InstanceInput[], options: CEMFitOptions = {}): Promise<this> {
    rejectUnknownOptions(options, ['noInfoType']);
    const { noInfoType = 'median' } = options;
    if (noInfoType !== 'median' && noInfoType !== 'mean') {
      throw new InvalidInputError(`option noInfoType is ${JSON.stringify(noInfoType)}; expected 'median' or 'mean'`);
    }
    if (!Array.isArray(data) || data.length === 0) {
      throw new InvalidInputError('CEM.fit needs an array of at least one training instance');
    }
    const d = this.size;
    const rows = data.map((row, i) => flattenInstance(row, this.options.shape, `training instance ${i}`));
    const noInfo = new Float32Array(d);
    const column = new Float64Array(rows.length);
    for (let i = 0; i < d; i++) {
      for (let r = 0; r < rows.length; r++) column[r] = rows[r][i];
      if (noInfoType === 'mean') {
        noInfo[i] = column.reduce((a, b) => a + b, 0) / rows.length;
      } else {
        column.sort();
        const mid = rows.length >> 1;
        noInfo[i] = rows.length % 2 === 1 ? column[mid] : (column[mid - 1] + column[mid]) / 2;
      }
    }
    this.noInfo = noInfo;
    return this;
  }

  /** The TensorFlow.js models beside the explainer (its autoencoder, if any), for saving them with it. */
  get tfModels(): { ae?: TfModel } {
    return this.ae === undefined ? {} : { ae: this.ae.model };
  }

  /**
   * The options and fitted no-information values of this explainer, as plain data for
   * `saveExplainer`: restoring them with {@link CEM.fromState}, the same model and the same autoencoder
   * gives identical explanations.
   */
  toState(): CEMState {
    const { onProgress: _onProgress, ...options } = this.options;
    return {
      ...options,
      shape: [...options.shape],
      featureRange: featureRangeOption(this.range),
      ...(this.noInfo !== undefined && { noInfoVal: Float32Array.from(this.noInfo) }),
      ae: this.ae !== undefined,
    };
  }

  /**
   * The explainer a {@link CEM.toState} state describes, for `predictor`, with the autoencoder `ae`
   * when the state says it had one.
   *
   * @throws InvalidInputError when `ae` is missing but the state had one, or given but the state had none.
   */
  static fromState(predictor: Predictor<number[]>, state: CEMState, ae?: TfModel | TfjsPredictor): CEM {
    const { ae: hadAe, noInfoVal, ...options } = state;
    if (hadAe !== (ae !== undefined)) {
      throw new InvalidInputError(
        hadAe
          ? `this CEM was saved with an autoencoder (gamma ${String(options.gamma)}); pass the same autoencoder (option ae) to restore it`
          : 'this CEM was saved without an autoencoder; restore it without one (no option ae)',
      );
    }
    return new CEM(predictor, { ...options, ...(ae !== undefined && { ae }), ...(noInfoVal !== undefined && { noInfoVal: Array.from(noInfoVal) }) });
  }

  /**
   * Finds the pertinent negative or positive of one instance (flat or nested in `shape`).
   *
   * @throws NotFittedError when there are no no-information values (neither `noInfoVal` nor `fit`).
   * @throws InvalidInputError for an instance of the wrong shape, with non-finite values, or outside
   *   `featureRange` or its constraints.
   * @throws PredictorError when the model fails or does not return class probabilities.
   */
  async explain(instance: InstanceInput): Promise<Explanation<CEMData>> {
    const o = this.options;
    if (this.noInfo === undefined) throw new NotFittedError('CEM (no noInfoVal was given)');
    const v = this.noInfo;
    const x0 = flattenInstance(instance, o.shape);
    const userBox = constraintBox(x0, this.range, o.constraints);
    const box = modeBox(o.mode, x0, v, userBox);
    const features = mutableFeatures(box);
    const center = o.mode === 'PN' ? x0 : v;
    const start = project(Float32Array.from(center), box);
    const source = gradientSource(this.predictor, { gradients: o.gradients, eps: o.eps, shape: o.shape, explainer: 'CEM' });
    const { proba: origProba, origClass } = await predictInstance(source, x0);
    const attack = attackLoss(o.mode, origClass, source.model.classes, o.kappa);

    const { runs: steps, best, iterations } = await searchAttackWeight(
      o.cInit,
      o.cSteps,
      (c, firstIndex) => this.fista(source, attack, box, features, center, start, c, firstIndex),
      o.onProgress,
    );

    const { onProgress: _onProgress, featureRange: _featureRange, ...params } = o;
    const X = nest(x0, o.shape);
    const found = { [o.mode]: best?.X ?? null, [`${o.mode}_pred`]: best?.class ?? null } as Pick<CEMData, 'PN' | 'PN_pred' | 'PP' | 'PP_pred'>;
    return {
      meta: counterfactualMeta('CEM', source.method, {
        ...params,
        ...arrayParams(o),
        featureRange: rangeParams(this.range),
        ae: this.ae !== undefined,
      }),
      data: {
        mode: o.mode,
        ...found,
        X,
        X_pred: origClass,
        orig_class: origClass,
        orig_proba: Array.from(origProba),
        success: best !== null,
        iterations,
        ...modelUsage(source),
        raw: { gradients: source.method, best, steps, no_info_val: Array.from(v) },
      },
    };
  }

  /**
   * FISTA for one value of c (Beck & Teboulle, 2009; Dhurandhar et al., 2018, Algorithm 1):
   *   x_{k+1} = Π(S_β(y_k − α_k ∇g(y_k))),   y_{k+1} = Π(x_{k+1} + k/(k+3)·(x_{k+1} − x_k)),
   * with g the smooth part c·attack + ‖·−center‖₂² + γ·AE error, Π the projection onto the box and S_β
   * the shrinkage-thresholding around `center`. Each iteration checks the current x_k, whose
   * probabilities ride in the same model call as the gradient at y_k.
   */
  private async fista(
    source: GradientSource,
    attack: Attack,
    box: Box,
    features: Int32Array,
    center: Float32Array,
    start: Float32Array,
    c: number,
    firstIndex: number,
  ): Promise<CEMStep> {
    const o = this.options;
    const d = this.size;
    let x = Float32Array.from(start);
    const y = Float32Array.from(start);
    const next = new Float32Array(d);
    let best: CEMCandidate | null = null;
    let candidates = 0;
    for (let k = 0; k < o.maxIterations; k++) {
      const at = await source.valueAndGradient(y, attack.objective, { features, also: x });
      const px = at.alsoProba!;
      if (attack.valid(px)) {
        candidates += 1;
        const l1 = l1Distance(x, center);
        const l2 = l2DistanceSquared(x, center);
        const distance = o.beta * l1 + l2;
        if (best === null || distance < best.distance) {
          best = { X: nest(x, o.shape), class: argmax(px), proba: Array.from(px), distance, l1, l2, c, index: firstIndex + k };
        }
      }
      const aeGradient = this.ae !== undefined && o.gamma > 0 ? await reconstructionGradient(this.ae, y) : undefined;
      const rate = polynomialDecay(o.learningRateInit, k, o.maxIterations);
      x = fistaStep({ x, y, next, features, center, box, beta: o.beta, clip: o.clip, rate, k }, (i) => {
        const g = c * at.gradient[i] + 2 * (y[i] - center[i]);
        return aeGradient !== undefined ? g + o.gamma * aeGradient[i] : g;
      });
    }
    return { c, success: best !== null, iterations: o.maxIterations, candidates, best };
  }
}

/**
 * The box of the mode, inside the user's box (which contains x):
 * PN moves features only away from their no-information value v (up where x >= v, down where x <= v,
 * either way where x = v); PP keeps each feature between v and x.
 */
function modeBox(mode: CEMMode, x: Float32Array, v: Float32Array, user: Box): Box {
  const lower = Float32Array.from(user.lower);
  const upper = Float32Array.from(user.upper);
  for (let i = 0; i < x.length; i++) {
    if (mode === 'PN') {
      if (x[i] > v[i]) lower[i] = Math.max(lower[i], x[i]);
      else if (x[i] < v[i]) upper[i] = Math.min(upper[i], x[i]);
    } else {
      lower[i] = Math.max(lower[i], Math.min(v[i], x[i]));
      upper[i] = Math.min(upper[i], Math.max(v[i], x[i]));
    }
  }
  return { lower, upper };
}

interface Attack {
  objective: ProbaObjective;
  /** Whether probabilities make a valid PN (another class, by margin κ) or PP (the original class, by κ). */
  valid: (p: Float32Array) => boolean;
}

/**
 * The attack term of the CEM loss, with t₀ the original class and m(p) = max_{j≠t₀} p_j:
 * PN: max(p_t₀ − m(p), −κ); PP: max(m(p) − p_t₀, −κ) (Dhurandhar et al., 2018, eqs. 1 and 3).
 */
function attackLoss(mode: CEMMode, t0: number, classes: number, kappa: number): Attack {
  const sign = mode === 'PN' ? 1 : -1;
  const others = (p: Float32Array) => {
    let m = -Infinity;
    for (let j = 0; j < p.length; j++) if (j !== t0 && p[j] > m) m = p[j];
    return m;
  };
  return {
    objective: {
      value: (p) => Math.max(sign * (p[t0] - others(p)), -kappa),
      tensor: (tf, p: Tensor2D): Tensor1D => {
        const own = p.slice([0, t0], [-1, 1]).reshape([-1]);
        // Probabilities are in [0, 1]: subtracting 2 from class t₀ takes it out of the max.
        const other = tf.max(tf.sub(p, tf.mul(tf.oneHot([t0], classes), 2)), 1);
        return tf.maximum(tf.mul(tf.sub(own, other), sign), -kappa) as Tensor1D;
      },
    },
    valid: (p) => {
      const margin = others(p) - p[t0];
      return mode === 'PN' ? argmax(p) !== t0 && margin >= kappa : argmax(p) === t0 && -margin >= kappa;
    },
  };
}

/** ∂/∂y ‖y − AE(y)‖₂² by autodiff through the autoencoder. */
async function reconstructionGradient(ae: TfjsPredictor, y: Float32Array): Promise<Float32Array> {
  const tf = await loadTf();
  return tf.tidy(() => {
    const grad = tf.grad((v: Tensor) => tf.sum(tf.squaredDifference(v, tf.reshape(ae.apply(tf, v), v.shape))))(tf.tensor(y, [1, ...ae.inputShape]));
    return grad.dataSync() as Float32Array;
  });
}

function checkNoInfo(value: number | readonly number[], d: number): Float32Array {
  const values = typeof value === 'number' ? new Float32Array(d).fill(value) : Array.isArray(value) && value.length === d ? Float32Array.from(value) : undefined;
  if (values === undefined || !values.every((x) => Number.isFinite(x))) {
    throw new InvalidInputError(`option noInfoVal is ${JSON.stringify(value)}; expected a finite number, or ${d} of them (one per feature)`);
  }
  return values;
}
