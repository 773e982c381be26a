import { snakeCaseKeys, type ExplanationMeta } from '../core/explanation.js';
import { VERSION } from '../version.js';
import type { Box } from './constraints.js';
import type { GradientMethod } from './gradients.js';

/**
 * A feature range as explanation params show it: `[min, max]` with plain numbers when every feature
 * shares them, or with one array per bound otherwise.
 */
export function rangeParams(range: Box): [number, number] | [number[], number[]] {
  const { lower, upper } = range;
  const uniform = lower.every((v) => v === lower[0]) && upper.every((v) => v === upper[0]);
  return uniform ? [lower[0], upper[0]] : [Array.from(lower), Array.from(upper)];
}

/**
 * The `meta` block of a counterfactual explanation: `whitebox` when gradients came by autodiff through
 * the model, `blackbox` when by finite differences of its predictions; `params` (the explainer's JS option
 * names) written in Alibi Explain's snake_case (`lamInit` → `lam_init`, `featureRange` → `feature_range`).
 */
export function counterfactualMeta(name: string, method: GradientMethod, params: Record<string, unknown>): ExplanationMeta {
  return {
    name,
    type: [method === 'autodiff' ? 'whitebox' : 'blackbox'],
    explanations: ['local'],
    params: snakeCaseKeys({ ...params, gradients: method }),
    version: VERSION,
  };
}
