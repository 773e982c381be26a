import type { Predictor } from '../src/predictors/predictor.js';

/**
 * Wraps a predictor to add up the time spent inside it, so that a benchmark can report the time an
 * explainer spends outside the model: reset `clock.ms` before an explanation, read it after.
 */
export function timedPredictor<Input>(predictor: Predictor<Input>) {
  const clock = { ms: 0 };
  const wrapped: Predictor<Input> = async (inputs) => {
    const t = performance.now();
    const out = await predictor(inputs);
    clock.ms += performance.now() - t;
    return out;
  };
  return { wrapped, clock };
}
