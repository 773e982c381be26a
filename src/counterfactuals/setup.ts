import { checkInteger, checkNumber, rejectUnknownOptions } from '../anchors/options.js';
import { InvalidInputError } from '../core/errors.js';
import { assertPredictor, type Predictor } from '../predictors/predictor.js';
import { isTfjsPredictor, tfjsModel, type TfjsPredictor } from '../predictors/tfjs.js';
import type { TfModel } from '../tf/models.js';
import type { FeatureRange } from './constraints.js';
import type { GradientSource, GradientsOption } from './gradients.js';
import { shapeSize } from './instance.js';
import { argmax } from './probabilities.js';

/**
 * The setup the gradient-based counterfactual explainers share (Wachter et al.'s `Counterfactual`,
 * `CEM` and `CounterfactualProto`): checking the predictor and the options object, the options of the
 * two FISTA searches (CEM and prototypes), wrapping an autoencoder or encoder, the first prediction of
 * the instance, and the parts of the explanation every method reports alike. Each explainer keeps its
 * own defaults and its own method-specific checks.
 */

/**
 * Upper bounds of the counterfactual explainers' counts, enforced for every caller: each optimisation
 * step is at least one model call (finite differences: one per feature), so these bound one
 * explanation's model calls and time. They lie well above the defaults of Alibi Explain (max_iter 1000,
 * max_iterations 1000, c_steps 10, max_lam_steps 10, early_stop 50) and above any value its examples use.
 */
export const COUNTERFACTUAL_LIMITS = Object.freeze({
  /** Gradient steps per weight (`maxIter`, `maxIterations`) and steps without progress (`earlyStop`). */
  iterations: 100_000,
  /** Values of the weight c or λ tried (`cSteps`, `maxLamSteps`). */
  weightSteps: 100,
});

/**
 * Checks the predictor and the options object, rejecting unknown options, and returns the number of
 * values of one instance, from `options.shape`.
 *
 * @param needs what the options must hold at least, for the error message (e.g. `{ shape }, the shape of one instance`).
 * @throws PredictorError for a predictor that is not a function; InvalidInputError for options that are
 *   not an object, an unknown option, or a bad `shape`.
 */
export function checkExplainerOptions(explainer: string, predictor: Predictor<number[]>, options: unknown, known: readonly string[], needs: string): number {
  assertPredictor(predictor);
  if (options === null || typeof options !== 'object') {
    throw new InvalidInputError(`${explainer} needs options with at least ${needs}`);
  }
  rejectUnknownOptions(options as Record<string, unknown>, known);
  return shapeSize((options as { shape?: unknown }).shape);
}

/** Checks an `onProgress` option: a function, or absent. */
export function checkOnProgress(onProgress: unknown): void {
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new InvalidInputError('option onProgress must be a function');
}

/**
 * The options CEM and CounterfactualProto share (FISTA on an elastic-net loss, see `fista.ts`), as users
 * give them; each explainer has its own defaults (Alibi Explain's).
 */
export interface FistaOptions {
  /** The shape of one instance (in the model's encoding), e.g. `[28, 28, 1]` or `[12]`. Required. */
  shape: readonly number[];
  /** κ >= 0: the margin by which the attack (prediction) term asks a class to lead. */
  kappa?: number;
  /** β: the weight of the L1 term (sparsity). */
  beta?: number;
  /** γ: the weight of the autoencoder's reconstruction error (needs `ae`). */
  gamma?: number;
  /** An autoencoder (TensorFlow.js model mapping an instance to its reconstruction) for the γ term; numeric inputs only. */
  ae?: TfModel | TfjsPredictor;
  /** `[min, max]` of every dimension of the optimiser's space, global or per feature; the instance must lie inside. */
  featureRange?: FeatureRange;
  /** FISTA's initial learning rate (decayed polynomially to 0). */
  learningRateInit?: number;
  /** FISTA iterations per value of c. */
  maxIterations?: number;
  /** The first c, the weight of the attack (prediction) term. */
  cInit?: number;
  /** Values of c tried. */
  cSteps?: number;
  /** Finite-difference step (black-box gradients), one for all features or one per dimension. */
  eps?: number | readonly number[];
  /** Gradients are clipped to `[min, max]`, element-wise. */
  clip?: readonly [number, number];
  /** `'auto'` (autodiff for TensorFlow.js predictors, finite differences otherwise), `'autodiff'` or `'finite-differences'`. */
  gradients?: GradientsOption;
}

/**
 * Checks the options of a FISTA search: κ, β and γ finite and >= 0, a positive learning rate, whole
 * numbers of iterations and values of c, `clip` as `[min, max]` with min < max, and `onProgress`.
 */
export function checkFistaOptions(
  o: Required<Pick<FistaOptions, 'kappa' | 'beta' | 'gamma' | 'learningRateInit' | 'maxIterations' | 'cSteps' | 'clip'>> & { onProgress?: unknown },
): void {
  checkNumber('kappa', o.kappa, 0, Infinity, { openHigh: true });
  checkNumber('beta', o.beta, 0, Infinity, { openHigh: true });
  checkNumber('gamma', o.gamma, 0, Infinity, { openHigh: true });
  checkNumber('learningRateInit', o.learningRateInit, 0, Infinity, { openLow: true, openHigh: true });
  checkInteger('maxIterations', o.maxIterations, 1, COUNTERFACTUAL_LIMITS.iterations);
  checkInteger('cSteps', o.cSteps, 1, COUNTERFACTUAL_LIMITS.weightSteps);
  if (!Array.isArray(o.clip) || o.clip.length !== 2 || !(o.clip[0] < o.clip[1])) {
    throw new InvalidInputError(`option clip is ${JSON.stringify(o.clip)}; expected [min, max] with min < max`);
  }
  checkOnProgress(o.onProgress);
}

/**
 * A TensorFlow.js model option (an autoencoder or an encoder) as a predictor, checked to take
 * instances of `shape`; undefined when not given.
 *
 * @throws InvalidInputError when the model's input size is not the instance's.
 */
export function tfjsOption(model: TfModel | TfjsPredictor | undefined, size: number, shape: readonly number[], what: string): TfjsPredictor | undefined {
  if (model === undefined) return undefined;
  const wrapped = isTfjsPredictor(model) ? model : tfjsModel(model as TfModel);
  if (wrapped.inputSize !== size) {
    throw new InvalidInputError(`the ${what} takes inputs of shape [${wrapped.inputShape.join(', ')}]; expected ${size} values, as option shape [${shape.join(', ')}]`);
  }
  return wrapped;
}

/**
 * The autoencoder of the γ term (Dhurandhar et al., 2018; Van Looveren & Klaise, 2019): required when
 * γ > 0, checked like {@link tfjsOption}.
 */
export function autoencoderOption(ae: TfModel | TfjsPredictor | undefined, gamma: number, size: number, shape: readonly number[]): TfjsPredictor | undefined {
  if (gamma > 0 && ae === undefined) {
    throw new InvalidInputError(`option gamma is ${gamma} but no autoencoder was given; pass ae (a TensorFlow.js model), or gamma 0`);
  }
  return tfjsOption(ae, size, shape, 'autoencoder');
}

/** The instance's class probabilities and predicted class: the first model call of every explanation. */
export async function predictInstance(source: GradientSource, x0: Float32Array): Promise<{ proba: Float32Array; origClass: number }> {
  const proba = await source.model.predict(x0, 1);
  return { proba, origClass: argmax(proba) };
}

/** `shape`, `eps` and (where the method has it) `clip` as plain JSON values, for `meta.params`. */
export function arrayParams(o: { shape: readonly number[]; eps: number | readonly number[]; clip?: readonly [number, number] }) {
  return {
    shape: [...o.shape],
    eps: typeof o.eps === 'number' ? o.eps : [...o.eps],
    ...(o.clip !== undefined && { clip: [...o.clip] }),
  };
}

/** The model calls and rows an explanation cost, including the prediction of the instance. */
export function modelUsage(source: GradientSource): { model_calls: number; model_rows: number } {
  return { model_calls: source.model.usage.calls, model_rows: source.model.usage.rows };
}
