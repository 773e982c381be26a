import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { TfjsPredictor } from '../../predictors/tfjs.js';
import { loadTf } from '../../tf/tf.js';
import type { ProbaObjective } from '../gradients.js';
import { argmax } from '../probabilities.js';

/**
 * Loss terms of prototype-guided counterfactuals (Van Looveren & Klaise, 2019, eq. (6)):
 *
 *   L = c·L_pred + β·‖δ‖₁ + ‖δ‖₂² + γ·L_AE + θ·L_proto
 *
 * The L1 term is handled by FISTA's shrinkage (`../fista.ts`), the L2 term in closed form by the
 * search; this module holds the prediction term and the terms that go through an encoder or an
 * autoencoder.
 */

/** The prediction term and the test of a valid counterfactual. */
export interface PredictionLoss {
  objective: ProbaObjective;
  /** Whether class probabilities make a counterfactual: the loss is 0 and the class is right. */
  valid: (p: Float32Array) => boolean;
}

/**
 * The prediction term, eq. (2) of the paper (as CEM's pertinent negative, Dhurandhar et al., 2018):
 * without a target, L_pred = max(0, p_t₀ − max_{i≠t₀} p_i + κ) for the original class t₀; with a
 * target class t, L_pred = max(0, max_{i≠t} p_i − p_t + κ), which is 0 once t leads every other class
 * by κ. A valid counterfactual has L_pred = 0 and is predicted as another class than t₀ (as t, with a
 * target).
 */
export function predictionLoss(origClass: number, target: number | undefined, classes: number, kappa: number): PredictionLoss {
  const t = target ?? origClass;
  const sign = target === undefined ? 1 : -1; // own − others (away from t₀), or others − own (towards t)
  const others = (p: Float32Array) => {
    let m = -Infinity;
    for (let j = 0; j < p.length; j++) if (j !== t && p[j] > m) m = p[j];
    return m;
  };
  const value = (p: Float32Array) => Math.max(0, sign * (p[t] - others(p)) + kappa);
  return {
    objective: {
      value,
      tensor: (tf, p: Tensor2D): Tensor1D => {
        const own = p.slice([0, t], [-1, 1]).reshape([-1]);
        // Probabilities are in [0, 1]: subtracting 2 from class t takes it out of the max.
        const other = tf.max(tf.sub(p, tf.mul(tf.oneHot([t], classes), 2)), 1);
        return tf.relu(tf.add(tf.mul(tf.sub(own, other), sign), kappa)) as Tensor1D;
      },
    },
    valid: (p) => value(p) === 0 && (target === undefined ? argmax(p) !== origClass : argmax(p) === target),
  };
}

/** The terms computed by autodiff through in-process TensorFlow.js models. */
export interface AuxiliaryTerms {
  /** θ·‖ENC(x) − proto‖₂², eq. (5): the encoder and the prototype's encoding. */
  proto?: { encoder: TfjsPredictor; prototype: Float32Array; theta: number };
  /** γ·‖x − AE(x)‖₂², eq. (3). */
  ae?: { model: TfjsPredictor; gamma: number };
}

/** The weighted encoder and autoencoder terms at `x` and their gradient, by one pass of `tf.valueAndGrad`. */
export async function auxiliaryGradient(x: Float32Array, shape: readonly number[], terms: AuxiliaryTerms): Promise<{ value: number; gradient: Float32Array }> {
  const tf = await loadTf();
  return tf.tidy(() => {
    const loss = (v: Tensor): Tensor => {
      let total: Tensor = tf.scalar(0);
      if (terms.proto !== undefined) {
        const { encoder, prototype, theta } = terms.proto;
        const code = encoder.apply(tf, v).reshape([-1]);
        total = tf.add(total, tf.mul(tf.sum(tf.squaredDifference(code, tf.tensor1d(prototype))), theta));
      }
      if (terms.ae !== undefined) {
        const { model, gamma } = terms.ae;
        total = tf.add(total, tf.mul(tf.sum(tf.squaredDifference(v, tf.reshape(model.apply(tf, v), v.shape))), gamma));
      }
      return total;
    };
    const { value, grad } = tf.valueAndGrad(loss)(tf.tensor(x, [1, ...shape]));
    return { value: value.dataSync()[0], gradient: grad.dataSync() as Float32Array };
  });
}
