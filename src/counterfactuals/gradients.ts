import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { InvalidInputError } from '../core/errors.js';
import type { Predictor, Task } from '../predictors/predictor.js';
import { isTfjsPredictor, type TfjsPredictor } from '../predictors/tfjs.js';
import { loadTf, type Tf } from '../tf/tf.js';
import { ProbabilityModel } from './probabilities.js';

/**
 * Gradients of a function of a classifier's class probabilities with respect to its input, from one of
 * two sources that explainers cannot tell apart:
 *
 * - **autodiff** through a TensorFlow.js model in the same process (`tf.valueAndGrad`), exact and one
 *   forward and backward pass per gradient;
 * - **central finite differences** for any black-box predictor that returns probabilities:
 *   ∂g/∂x_i ≈ (g(f(x + ε e_i)) − g(f(x − ε e_i))) / 2ε, with the 2·m perturbed rows (m mutable
 *   features) and x itself sent to the model in one call, so that a remote model gets one batch per
 *   gradient (Alibi Explain does the same with its `eps` option; the error is O(ε²) for smooth f).
 */

/**
 * A scalar function g of one input's class probabilities, in two forms that must agree: on a plain
 * probability vector (finite differences evaluate it on every perturbed row) and on a batch of them as
 * a tensor (autodiff differentiates it).
 */
export interface ProbaObjective {
  /** g(p) for the probabilities of one input. */
  value(p: Float32Array): number;
  /** g applied to each row of `p` (shape `[n, classes]`), shape `[n]`. */
  tensor(tf: Tf, p: Tensor2D): Tensor1D;
}

/** The objective, its gradient and the probabilities at one point. */
export interface GradientAt {
  /** g(f(x)). */
  value: number;
  /** ∂g(f(x))/∂x, one value per feature (0 for features left out). */
  gradient: Float32Array;
  /** f(x), the class probabilities at x. */
  proba: Float32Array;
  /** f of the `also` point, when one was given. */
  alsoProba?: Float32Array;
}

/**
 * What a gradient call asks for besides the gradient at a point: which features to differentiate, and another
 * point whose probabilities ride in the same model call.
 */
export interface GradientRequest {
  /** Features to differentiate (the others get gradient 0); all by default. Finite differences perturb only these. */
  features?: Int32Array;
  /** Another point whose probabilities are wanted too; it rides in the same model call. */
  also?: Float32Array;
}

/**
 * How gradients are computed: by autodiff through a TensorFlow.js model in the process, or by central finite
 * differences of a black box's probabilities.
 */
export type GradientMethod = 'autodiff' | 'finite-differences';

/** Where an explainer gets its model's probabilities and gradients from. */
export interface GradientSource {
  readonly method: GradientMethod;
  /** The model's probabilities, validated and counted (every call below goes through its usage counts). */
  readonly model: ProbabilityModel;
  /** g(f(x)), its gradient with respect to x, and f(x): one model call. */
  valueAndGradient(x: Float32Array, objective: ProbaObjective, request?: GradientRequest): Promise<GradientAt>;
}

/** How an explainer should get gradients: `auto` uses autodiff for TensorFlow.js predictors, finite differences otherwise. */
export type GradientsOption = 'auto' | GradientMethod;

/** Options of a gradient source: autodiff or finite differences, and the finite-difference step. */
export interface GradientSourceOptions {
  /** `auto` (default), `autodiff` or `finite-differences`. */
  gradients?: GradientsOption;
  /** Finite-difference step: one for all features or one per feature. */
  eps: number | ArrayLike<number>;
  /** The shape of one input. */
  shape: readonly number[];
  /** Who asks, for error messages. */
  explainer: string;
  /** `regression` for a model returning one value per input (default `classification`). */
  task?: Task;
}

/**
 * Picks the gradient source for a predictor.
 *
 * @throws InvalidInputError when `autodiff` is asked of a predictor that is not a TensorFlow.js model,
 *   when a TensorFlow.js model's input size differs from the explainer's `shape`, or for a bad `eps`.
 */
export function gradientSource(predictor: Predictor<number[]> | TfjsPredictor, options: GradientSourceOptions): GradientSource {
  const { gradients = 'auto', shape, explainer } = options;
  const d = shape.reduce((a, b) => a * b, 1);
  if (gradients !== 'auto' && gradients !== 'autodiff' && gradients !== 'finite-differences') {
    throw new InvalidInputError(`option gradients is ${JSON.stringify(gradients)}; expected 'auto', 'autodiff' or 'finite-differences'`);
  }
  const tfjs = isTfjsPredictor(predictor);
  if (tfjs && predictor.inputSize !== d) {
    throw new InvalidInputError(
      `option shape [${shape.join(', ')}] has ${d} values, but the TensorFlow.js model takes inputs of shape [${predictor.inputShape.join(', ')}] (${predictor.inputSize} values); expected the same size`,
    );
  }
  const model = new ProbabilityModel(predictor, d, explainer, options.task);
  if (gradients === 'autodiff' || (gradients === 'auto' && tfjs)) {
    if (!tfjs) {
      throw new InvalidInputError(
        `${explainer}: gradients 'autodiff' needs a TensorFlow.js model (wrap it with tfjsModel(model)); this predictor is a plain function, so use 'finite-differences' or 'auto'`,
      );
    }
    return autodiffGradients(predictor, model);
  }
  return finiteDifferenceGradients(model, checkEps(options.eps, d));
}

function checkEps(eps: number | ArrayLike<number>, d: number): Float32Array {
  const values = typeof eps === 'number' ? new Float32Array(d).fill(eps) : eps !== null && typeof eps === 'object' && eps.length === d ? Float32Array.from(eps) : undefined;
  if (values === undefined || !values.every((e) => Number.isFinite(e) && e > 0)) {
    throw new InvalidInputError(`option eps is ${JSON.stringify(typeof eps === 'number' ? eps : Array.from(eps ?? []))}; expected a number > 0, or ${d} of them (one per feature)`);
  }
  return values;
}

/** Gradients by autodiff through a TensorFlow.js model: `tf.valueAndGrad` inside `tf.tidy`. */
export function autodiffGradients(predictor: TfjsPredictor, model: ProbabilityModel): GradientSource {
  const d = predictor.inputSize;
  return {
    method: 'autodiff',
    model,
    async valueAndGradient(x, objective, request = {}) {
      const tf = await loadTf();
      const n = request.also === undefined ? 1 : 2;
      const input = new Float32Array(n * d);
      input.set(x);
      if (request.also !== undefined) input.set(request.also, d);
      model.usage.calls += 1;
      model.usage.rows += n;
      const out = tf.tidy(() => {
        let probabilities: Tensor | undefined;
        try {
          const { value, grad } = tf.valueAndGrad((xs: Tensor) => {
            const p = predictor.apply(tf, xs);
            probabilities = tf.keep(p);
            return objective.tensor(tf, p.slice([0, 0], [1, -1]) as Tensor2D).sum();
          })(tf.tensor(input, [n, ...predictor.inputShape]));
          const shape = probabilities!.shape;
          return { value: value.dataSync()[0], gradient: grad.dataSync().slice(0, d) as Float32Array, probabilities: probabilities!.dataSync() as Float32Array, shape };
        } finally {
          probabilities?.dispose();
        }
      });
      if (out.shape.length !== 2 || out.shape[0] !== n) {
        throw new InvalidInputError(`the TensorFlow.js model returned a tensor of shape [${out.shape.join(', ')}] for ${n} inputs; expected [${n}, classes]`);
      }
      const k = out.shape[1];
      model.check(out.probabilities, n, k);
      const gradient = out.gradient;
      if (request.features !== undefined) zeroOutside(gradient, request.features);
      return {
        value: out.value,
        gradient,
        proba: out.probabilities.slice(0, k),
        alsoProba: n === 2 ? out.probabilities.slice(k, 2 * k) : undefined,
      };
    },
  };
}

/** Gradients by central finite differences over a black-box probability model. */
export function finiteDifferenceGradients(model: ProbabilityModel, eps: Float32Array): GradientSource {
  return {
    method: 'finite-differences',
    model,
    async valueAndGradient(x, objective, request = {}) {
      let probabilities!: Float32Array;
      const extra = request.also === undefined ? [] : [request.also];
      const { value, gradient } = await centralDifferences(
        async (rows, n) => {
          probabilities = await model.predict(rows, n);
          const k = model.classes;
          const values = new Float64Array(n);
          for (let i = 0; i < n; i++) values[i] = objective.value(probabilities.subarray(i * k, (i + 1) * k));
          return values;
        },
        x,
        eps,
        request.features,
        extra,
      );
      const k = model.classes;
      const rows = probabilities.length / k;
      return {
        value,
        gradient,
        proba: probabilities.slice(0, k),
        alsoProba: request.also === undefined ? undefined : probabilities.slice((rows - 1) * k),
      };
    },
  };
}

/**
 * Central finite differences of a batched scalar function: builds the rows x, x + ε_i e_i and
 * x − ε_i e_i for each feature i in `features` (all by default), then any `extra` rows, evaluates them
 * all in one call of `f`, and returns f(x) and ∂f/∂x_i ≈ (f(x + ε_i e_i) − f(x − ε_i e_i)) / 2ε_i
 * (0 for features not in `features`).
 */
export async function centralDifferences(
  f: (rows: Float32Array, n: number) => Promise<ArrayLike<number>> | ArrayLike<number>,
  x: Float32Array,
  eps: Float32Array,
  features?: Int32Array,
  extra: Float32Array[] = [],
): Promise<{ value: number; gradient: Float32Array }> {
  const d = x.length;
  const m = features === undefined ? d : features.length;
  const n = 1 + 2 * m + extra.length;
  const rows = new Float32Array(n * d);
  rows.set(x);
  for (let j = 0; j < m; j++) {
    const i = features === undefined ? j : features[j];
    const up = (1 + 2 * j) * d;
    const down = up + d;
    rows.set(x, up);
    rows.set(x, down);
    rows[up + i] = x[i] + eps[i];
    rows[down + i] = x[i] - eps[i];
  }
  extra.forEach((row, e) => rows.set(row, (1 + 2 * m + e) * d));
  const values = await f(rows, n);
  const gradient = new Float32Array(d);
  for (let j = 0; j < m; j++) {
    const i = features === undefined ? j : features[j];
    // The step actually taken, after float32 rounding of x ± ε.
    const step = rows[(1 + 2 * j) * d + i] - rows[(2 + 2 * j) * d + i];
    gradient[i] = (values[1 + 2 * j] - values[2 + 2 * j]) / step;
  }
  return { value: values[0], gradient };
}

function zeroOutside(gradient: Float32Array, features: Int32Array): void {
  const keep = new Uint8Array(gradient.length);
  for (const i of features) keep[i] = 1;
  for (let i = 0; i < gradient.length; i++) if (keep[i] === 0) gradient[i] = 0;
}
