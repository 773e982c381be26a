import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { checkInteger, checkNumber, stripUndefined } from '../anchors/options.js';
import { InvalidInputError } from '../core/errors.js';
import type { Explanation } from '../core/explanation.js';
import { resolveTask, taskOf, type Predictor, type Task } from '../predictors/predictor.js';
import { Adam } from './adam.js';
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
  type FeatureRange,
  type ResolvedConstraints,
} from './constraints.js';
import { l1Distance } from './distances.js';
import { gradientSource, type GradientMethod, type GradientSource, type GradientsOption, type ProbaObjective } from './gradients.js';
import { flattenInstance, nest, type InstanceInput, type NestedNumbers } from './instance.js';
import { argmax } from './probabilities.js';
import { counterfactualMeta, rangeParams } from './params.js';
import { arrayParams, checkExplainerOptions, checkOnProgress, COUNTERFACTUAL_LIMITS, modelUsage, predictInstance } from './setup.js';

/**
 * Counterfactual instances after Wachter, Mittelstadt & Russell, "Counterfactual Explanations without
 * Opening the Black Box: Automated Decisions and the GDPR" (Harvard JOLT, 2017), with the search of
 * Alibi Explain's `Counterfactual`: the smallest change x′ of an instance x (in L1) that makes the
 * model predict a target class with a target probability. It minimises
 *
 *   L(x′) = (f_t(x′) − p_t)² + λ·‖x′ − x‖₁
 *
 * by Adam (Kingma & Ba, 2015) from x′ = x, with a learning rate that decays linearly to 0 over
 * `maxIter` steps, projecting every step onto `featureRange` and the feature constraints. A candidate is
 * any iterate with |f_t(x′) − p_t| <= `tol` in the target class. λ is searched as Alibi's documentation
 * describes: a coarse sweep by orders of magnitude from `lamInit` (down while no λ succeeds, up while
 * every λ does) brackets the largest λ that still succeeds, then bisection narrows the bracket, for
 * `maxLamSteps` values of λ in all. The counterfactual returned is the closest candidate of all.
 *
 * Gradients come by autodiff for a TensorFlow.js model wrapped with `tfjsModel`, and by central finite
 * differences for any other predictor that returns class probabilities.
 *
 * Regression models (one predicted value per input) take `desiredRange: [low, high]` instead of a target
 * class: the prediction term becomes the squared distance of f(x′) to the range,
 *
 *   L(x′) = dist(f(x′), [low, high])² + λ·‖x′ − x‖₁,   dist(v, [a, b]) = max(a − v, 0, v − b),
 *
 * Wachter et al.'s (f(x′) − y′)² with the target value y′ widened to a range (their §5 squares the gap to
 * one target; DiCE and TrustyAI ask for a desired range), and a candidate is any iterate predicted
 * inside the range. When none is, the explanation says so (`success: false`) with the reason and the
 * closest prediction reached.
 */

/** The class a counterfactual must reach: any class but the original's, the original's, or a given one. */
export type TargetClass = 'other' | 'same' | number;

/**
 * Options of {@link Counterfactual} (Wachter et al. 2017), with Alibi Explain's defaults: the instance shape,
 * the target class and probability, the λ search and the optimiser.
 */
export interface CounterfactualOptions {
  /** The shape of one instance, e.g. `[28, 28, 1]` for an MNIST digit or `[4]` for an Iris row. Required. */
  shape: readonly number[];
  /** p_t, the probability of the target class to reach. */
  targetProba?: number;
  /** `'other'` (any class but the original prediction), `'same'`, or a class index. */
  targetClass?: TargetClass;
  /** Adam steps per value of λ. */
  maxIter?: number;
  /** Stop a value of λ after this many steps in a row that all meet, or all miss, the target. */
  earlyStop?: number;
  /** The first λ, the weight of the L1 distance. */
  lamInit?: number;
  /** Values of λ tried in all (sweep and bisection). */
  maxLamSteps?: number;
  /** Tolerance on the target probability: a candidate has |f_t(x′) − p_t| <= tol. */
  tol?: number;
  /** Adam's initial learning rate. */
  learningRateInit?: number;
  /** Decay the learning rate linearly to 0 over `maxIter` steps. */
  decay?: boolean;
  /** `[min, max]` of every feature, global or per feature; the instance must lie inside. */
  featureRange?: FeatureRange;
  /** Finite-difference step, one for all features or one per feature (black-box predictors only). */
  eps?: number | readonly number[];
  /** Immutable features, per-feature allowed ranges, allowed directions of change. */
  constraints?: FeatureConstraints;
  /** `'auto'` (autodiff for TensorFlow.js predictors, finite differences otherwise), `'autodiff'` or `'finite-differences'`. */
  gradients?: GradientsOption;
  /** Called after each value of λ. */
  onProgress?: (progress: CounterfactualProgress) => void;
  /**
   * Regression models only: `[low, high]`, the range the counterfactual's predicted value must reach
   * (replaces `targetClass` and `targetProba`). Giving it explains the model as a regressor.
   */
  desiredRange?: readonly [number, number];
}

/**
 * Defaults: Alibi Explain's `Counterfactual` (target_proba 1.0, target_class 'other', max_iter 1000,
 * early_stop 50, lam_init 1e-1, max_lam_steps 10, tol 0.05, learning_rate_init 0.1, decay True,
 * feature_range (-1e10, 1e10), eps 0.01), which its users know.
 */
export const COUNTERFACTUAL_DEFAULTS = Object.freeze({
  targetProba: 1.0,
  targetClass: 'other' as TargetClass,
  maxIter: 1000,
  earlyStop: 50,
  lamInit: 0.1,
  maxLamSteps: 10,
  tol: 0.05,
  learningRateInit: 0.1,
  decay: true,
  featureRange: UNBOUNDED_RANGE,
  eps: 0.01 as number | readonly number[],
  gradients: 'auto' as GradientsOption,
});

/** Progress of the λ search, reported after each value of λ. */
export interface CounterfactualProgress {
  /** 0-based index of the value of λ just tried. */
  lamStep: number;
  lambda: number;
  /** Whether this λ produced a candidate. */
  success: boolean;
  /** Adam steps taken for this λ. */
  iterations: number;
  /** L1 distance of the closest candidate so far, or null. */
  bestDistance: number | null;
}

/** A counterfactual instance: an iterate that reached the target. */
export interface CounterfactualCandidate {
  /** The counterfactual, in the explainer's `shape`. */
  X: NestedNumbers;
  /** Its predicted class (`null` for a regression model). */
  class: number | null;
  /** Its class probabilities (a regression model: `[its predicted value]`). */
  proba: number[];
  /** A regression model's predicted value for it. */
  prediction?: number;
  /** Its L1 distance to the instance. */
  distance: number;
  /** The λ it was found with. */
  lambda: number;
  /** The optimisation step (counted over the whole search, from 0) that produced it. */
  index: number;
  /** Its loss (f_t − p_t)² + λ·L1 (regression: dist(f, range)² + λ·L1). */
  loss: number;
}

/** One value of λ tried by the search. */
export interface CounterfactualStep {
  lambda: number;
  /** Whether any iterate reached the target. */
  success: boolean;
  /** Adam steps taken. */
  iterations: number;
  /** Iterates that reached the target. */
  candidates: number;
  /** The closest of them, or null. */
  best: CounterfactualCandidate | null;
}

/**
 * The `data` of a Counterfactual explanation: the closest counterfactual found (or null), the original class and
 * probabilities, and every λ step tried.
 */
export interface CounterfactualData {
  /** The closest counterfactual found, or null when no iterate reached the target (`success: false`). */
  cf: CounterfactualCandidate | null;
  /** Whether a counterfactual was found. */
  success: boolean;
  /** The class the model predicts for the instance (`null` for a regression model). */
  orig_class: number | null;
  /** The model's class probabilities for the instance (a regression model: `[its predicted value]`). */
  orig_proba: number[];
  /** Regression only: `'regression'`, the predicted value of the instance, and the range asked for. */
  task?: 'regression';
  orig_prediction?: number;
  desired_range?: [number, number];
  /**
   * Regression only, when no counterfactual was found: why, with the predicted value that came closest
   * to the range (`closest`) and its distance to it.
   */
  reason?: string;
  closest?: { prediction: number; distance_to_range: number } | null;
  /** Adam steps over the whole search. */
  iterations: number;
  /** Calls to the model, including the prediction of the instance. */
  model_calls: number;
  /** Inputs sent to the model over all calls. */
  model_rows: number;
  raw: {
    /** How gradients were obtained. */
    gradients: GradientMethod;
    /** Every value of λ tried, in order, with the closest candidate it found. */
    steps: CounterfactualStep[];
    /** The largest λ that succeeded and the smallest that failed (null where none did). */
    lambda_bracket: [number | null, number | null];
  };
}

/**
 * Everything a Counterfactual explains with, as plain data (see {@link Counterfactual.toState}): its
 * options without the progress callback. No model: that is passed on restoring.
 */
export type CounterfactualState = Omit<CounterfactualOptions, 'onProgress'>;

const OPTION_NAMES = [...Object.keys(COUNTERFACTUAL_DEFAULTS), 'shape', 'constraints', 'onProgress', 'desiredRange'];

/**
 * Finds counterfactual instances (Wachter et al., 2017) for a classifier that returns class
 * probabilities. See the module comment for the method.
 */
export class Counterfactual {
  private readonly options: Required<Omit<CounterfactualOptions, 'onProgress' | 'constraints' | 'desiredRange'>> &
    Pick<CounterfactualOptions, 'onProgress' | 'desiredRange'> & { constraints: ResolvedConstraints };
  /** `regression` when the explainer was given `desiredRange` (or the model declares it is a regressor). */
  readonly task: Task;
  private readonly range: Box;
  private readonly size: number;

  /**
   * @param predictor `tfjsModel(model)` for autodiff, or any predictor returning class probabilities.
   * @throws InvalidInputError for unknown or invalid options.
   */
  constructor(
    private readonly predictor: Predictor<number[]>,
    options: CounterfactualOptions,
  ) {
    this.size = checkExplainerOptions('Counterfactual', predictor, options, OPTION_NAMES, '{ shape }, the shape of one instance');
    const o = { ...COUNTERFACTUAL_DEFAULTS, ...stripUndefined(options) } as Counterfactual['options'];
    o.constraints = checkConstraints(options.constraints, this.size);
    checkNumber('targetProba', o.targetProba, 0, 1);
    checkNumber('tol', o.tol, 0, 1);
    checkInteger('maxIter', o.maxIter, 1, COUNTERFACTUAL_LIMITS.iterations);
    checkInteger('earlyStop', o.earlyStop, 1, COUNTERFACTUAL_LIMITS.iterations);
    checkNumber('lamInit', o.lamInit, 0, Infinity, { openLow: true, openHigh: true });
    checkInteger('maxLamSteps', o.maxLamSteps, 1, COUNTERFACTUAL_LIMITS.weightSteps);
    checkNumber('learningRateInit', o.learningRateInit, 0, Infinity, { openLow: true, openHigh: true });
    if (typeof o.decay !== 'boolean') throw new InvalidInputError(`option decay is ${String(o.decay)}; expected true or false`);
    const t = o.targetClass;
    if (t !== 'other' && t !== 'same' && !(typeof t === 'number' && Number.isInteger(t) && t >= 0)) {
      throw new InvalidInputError(`option targetClass is ${JSON.stringify(t)}; expected 'other', 'same' or a class index (an integer >= 0)`);
    }
    checkOnProgress(o.onProgress);
    this.task = checkDesiredRange(predictor, options);
    this.range = resolveFeatureRange(o.featureRange, this.size);
    this.options = o;
  }

  /**
   * The options this explainer searches with, resolved, as plain data for `saveExplainer`: restoring
   * them with {@link Counterfactual.fromState} and the same model gives identical explanations.
   */
  toState(): CounterfactualState {
    const { onProgress: _onProgress, desiredRange, ...options } = this.options;
    return {
      ...options,
      shape: [...options.shape],
      featureRange: featureRangeOption(this.range),
      ...(desiredRange !== undefined && { desiredRange: [desiredRange[0], desiredRange[1]] as [number, number] }),
    };
  }

  /** The explainer a {@link Counterfactual.toState} state describes, for `predictor`. */
  static fromState(predictor: Predictor<number[]>, state: CounterfactualState): Counterfactual {
    return new Counterfactual(predictor, state);
  }

  /**
   * Searches a counterfactual for one instance (flat or nested in `shape`).
   *
   * @throws InvalidInputError when the instance has the wrong shape or non-finite values, lies outside
   *   `featureRange` or its constraints, or `targetClass` is not one of the model's classes.
   * @throws PredictorError when the model fails or does not return class probabilities.
   */
  async explain(instance: InstanceInput): Promise<Explanation<CounterfactualData>> {
    const o = this.options;
    const x0 = flattenInstance(instance, o.shape);
    const box = constraintBox(x0, this.range, o.constraints);
    const features = mutableFeatures(box);
    const source = gradientSource(this.predictor, { gradients: o.gradients, eps: o.eps, shape: o.shape, explainer: 'Counterfactual', task: this.task });
    const { proba: origProba, origClass } = await predictInstance(source, x0);
    const target = o.desiredRange === undefined ? targetOf(o.targetClass, o.targetProba, origClass, source.model.classes) : rangeTarget(o.desiredRange);
    const regression = o.desiredRange !== undefined;

    const steps: CounterfactualStep[] = [];
    let best: CounterfactualCandidate | null = null;
    let lambda = o.lamInit;
    let lower: number | null = null; // largest λ that succeeded
    let upper: number | null = null; // smallest λ that failed
    let iterations = 0;
    let closest: { prediction: number; distance_to_range: number } | null = null;
    for (let lamStep = 0; lamStep < o.maxLamSteps; lamStep++) {
      const step = await this.minimise(source, x0, box, features, target, lambda, iterations);
      iterations += step.iterations;
      if (closest === null || step.closest.distance_to_range < closest.distance_to_range) closest = step.closest;
      steps.push(step);
      if (step.best !== null) {
        lower = lower === null ? lambda : Math.max(lower, lambda);
        if (best === null || step.best.distance < best.distance) best = step.best;
      } else {
        upper = upper === null ? lambda : Math.min(upper, lambda);
      }
      o.onProgress?.({ lamStep, lambda, success: step.best !== null, iterations: step.iterations, bestDistance: best?.distance ?? null });
      if (lower === null) lambda /= 10;
      else if (upper === null) lambda *= 10;
      else lambda = (lower + upper) / 2;
    }

    const { onProgress: _onProgress, featureRange: _featureRange, desiredRange, ...all } = o;
    const { targetClass: _targetClass, targetProba: _targetProba, ...regressionParams } = all;
    const params = desiredRange === undefined ? all : regressionParams;
    const regressionData = desiredRange === undefined ? {} : regressionFields(desiredRange, origProba[0], best, closest, o);
    return {
      meta: counterfactualMeta('Counterfactual', source.method, {
        ...params,
        ...arrayParams(o),
        featureRange: rangeParams(this.range),
        ...(desiredRange !== undefined && { desiredRange: [desiredRange[0], desiredRange[1]] }),
      }),
      data: {
        cf: best,
        success: best !== null,
        orig_class: regression ? null : origClass,
        orig_proba: Array.from(origProba),
        ...regressionData,
        iterations,
        ...modelUsage(source),
        raw: { gradients: source.method, steps, lambda_bracket: [lower, upper] },
      },
    };
  }

  /** Adam on L(x′) for one λ, from x′ = x; returns the closest candidate it met. */
  private async minimise(
    source: GradientSource,
    x0: Float32Array,
    box: Box,
    features: Int32Array,
    target: Target,
    lambda: number,
    firstIndex: number,
  ): Promise<CounterfactualStep & { closest: { prediction: number; distance_to_range: number } }> {
    const o = this.options;
    const x = Float32Array.from(x0);
    const adam = new Adam(x.length);
    const gradient = new Float32Array(x.length);
    let best: CounterfactualCandidate | null = null;
    let candidates = 0;
    let metInRow = 0;
    let missedInRow = 0;
    let it = 0;
    let closest = { prediction: NaN, distance_to_range: Infinity };
    while (it < o.maxIter) {
      const at = await source.valueAndGradient(x, target.objective, { features });
      it += 1;
      const gap = target.gap(at.value);
      if (Math.abs(gap) < closest.distance_to_range) closest = { prediction: at.value, distance_to_range: Math.abs(gap) };
      if (target.reached(at.proba) && Math.abs(gap) <= o.tol) {
        candidates += 1;
        metInRow += 1;
        missedInRow = 0;
        const distance = l1Distance(x, x0);
        if (best === null || distance < best.distance) {
          best = {
            X: nest(x, o.shape),
            class: o.desiredRange === undefined ? argmax(at.proba) : null,
            proba: Array.from(at.proba),
            ...(o.desiredRange !== undefined && { prediction: at.value }),
            distance,
            lambda,
            index: firstIndex + it - 1,
            loss: gap * gap + lambda * distance,
          };
        }
      } else {
        missedInRow += 1;
        metInRow = 0;
      }
      if (metInRow >= o.earlyStop || missedInRow >= o.earlyStop) break;
      // ∂L/∂x′ = 2 (f_t − p_t) ∂f_t/∂x′ + λ sign(x′ − x), on the features the constraints let move
      // (regression: the signed distance to the range in place of f_t − p_t).
      for (const i of features) gradient[i] = 2 * gap * at.gradient[i] + lambda * Math.sign(x[i] - x0[i]);
      const rate = o.decay ? o.learningRateInit * (1 - (it - 1) / o.maxIter) : o.learningRateInit;
      adam.step(x, gradient, rate);
      project(x, box);
    }
    return { lambda, success: best !== null, iterations: it, candidates, best, closest };
  }
}

/**
 * What the search aims at: the objective f_t, whether the model's output is in the target (class or
 * range), and the gap of f_t to the target whose square is the prediction term.
 */
interface Target {
  objective: ProbaObjective;
  reached: (p: Float32Array) => boolean;
  gap: (value: number) => number;
}

/**
 * The target of a regression model: its one output f(x′), inside `[low, high]`; the gap is the signed
 * distance to the range (negative below it, positive above, 0 inside).
 */
function rangeTarget([low, high]: readonly [number, number]): Target {
  const gap = (v: number) => (v < low ? v - low : v > high ? v - high : 0);
  return {
    objective: {
      value: (p) => p[0],
      tensor: (_tf, p: Tensor2D): Tensor1D => p.slice([0, 0], [-1, 1]).reshape([-1]) as Tensor1D,
    },
    reached: (p) => gap(p[0]) === 0,
    gap,
  };
}

/**
 * The task of a Counterfactual: regression exactly when `desiredRange` is given, which must then be
 * `[low, high]` (finite, low <= high) and come without a `targetClass` or `targetProba` of its own.
 *
 * @throws InvalidInputError for a bad range, target options beside it, a classifier given a range, or
 *   a model declaring it is a regressor given no range.
 */
function checkDesiredRange(predictor: unknown, options: CounterfactualOptions): Task {
  const range = options.desiredRange;
  if (range === undefined) {
    if (taskOf(predictor) === 'regression') {
      throw new InvalidInputError('the model is a regressor (it predicts one number per input); give desiredRange: [low, high], the range its counterfactual must reach');
    }
    return 'classification';
  }
  const ok = Array.isArray(range) && range.length === 2 && range.every((v) => typeof v === 'number' && Number.isFinite(v)) && range[0] <= range[1];
  if (!ok) throw new InvalidInputError(`option desiredRange is ${JSON.stringify(range)}; expected [low, high], finite numbers with low <= high`);
  // Their defaults are accepted (a saved state holds them), any other value is a classifier's target.
  const given = (['targetClass', 'targetProba'] as const).filter((k) => options[k] !== undefined && options[k] !== COUNTERFACTUAL_DEFAULTS[k]);
  if (given.length > 0) {
    throw new InvalidInputError(`option ${given.join(' and ')} is for classifiers; with desiredRange (a regression model) leave ${given.length > 1 ? 'them' : 'it'} out`);
  }
  return resolveTask(predictor, 'regression', 'Counterfactual');
}

/** What a regression counterfactual adds to the explanation, with the reason when none was found. */
function regressionFields(
  range: readonly [number, number],
  prediction: number,
  best: CounterfactualCandidate | null,
  closest: { prediction: number; distance_to_range: number } | null,
  o: { maxLamSteps: number; maxIter: number },
): Pick<CounterfactualData, 'task' | 'orig_prediction' | 'desired_range' | 'reason' | 'closest'> {
  const fields = { task: 'regression' as const, orig_prediction: prediction, desired_range: [range[0], range[1]] as [number, number] };
  if (best !== null) return fields;
  const near = closest === null ? 'no prediction was made' : `the closest prediction was ${closest.prediction} (${closest.distance_to_range} from the range)`;
  return {
    ...fields,
    reason:
      `no iterate was predicted inside [${range[0]}, ${range[1]}] in ${o.maxLamSteps} values of λ × at most ${o.maxIter} steps; ${near}. ` +
      'The range may be out of the model\'s reach within featureRange and the constraints, or its gradient is flat here ' +
      '(for tree models, try a larger eps per feature)',
    closest,
  };
}

/**
 * The target f_t of `targetClass`: the probability of class t for a class index (or the original class,
 * for `'same'`), and for `'other'` the largest probability of any other class, as in Alibi Explain.
 */
function targetOf(targetClass: TargetClass, targetProba: number, origClass: number, classes: number): Target {
  const gap = (v: number) => v - targetProba;
  if (targetClass === 'other') {
    return {
      objective: {
        value: (p) => {
          let m = -Infinity;
          for (let j = 0; j < p.length; j++) if (j !== origClass && p[j] > m) m = p[j];
          return m;
        },
        // Probabilities are in [0, 1]: subtracting 2 from the original class takes it out of the max.
        tensor: (tf, p: Tensor2D): Tensor1D => tf.max(tf.sub(p, tf.mul(tf.oneHot([origClass], classes), 2)), 1) as Tensor1D,
      },
      reached: (p) => argmax(p) !== origClass,
      gap,
    };
  }
  const t = targetClass === 'same' ? origClass : targetClass;
  if (t >= classes) {
    throw new InvalidInputError(`option targetClass is ${t}, but the model predicts ${classes} classes; expected a class index in 0..${classes - 1}`);
  }
  return {
    objective: {
      value: (p) => p[t],
      tensor: (_tf, p: Tensor2D): Tensor1D => p.slice([0, t], [-1, 1]).reshape([-1]) as Tensor1D,
    },
    reached: (p) => argmax(p) === t,
    gap,
  };
}
