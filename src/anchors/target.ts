import { InvalidInputError } from '../core/errors.js';
import type { LabelModel } from '../predictors/predictor.js';
import { percentile } from './tabular/discretizer.js';

/**
 * What a perturbed input must get from the model for an anchor to "keep the prediction": the explained
 * class (classification), or a predicted value inside the interval `[low, high]` around the explained
 * value (regression). Anchors of a regression model are then sufficient conditions for the prediction
 * to stay inside the interval, with precision P(f(z) ∈ [low, high] | anchor) and the same KL-LUCB
 * bounds as for a class (Ribeiro et al., AAAI 2018, define precision for any indicator of "same
 * prediction"; the interval is one such indicator).
 */
export type AnchorTarget = number | PredictionInterval;

/** The closed interval `[low, high]` a regression model's prediction must stay in. */
export type PredictionInterval = readonly [number, number];

/**
 * 1 where the model's prediction for `inputs[k]` agrees with the target, else 0: one model call. The
 * target is read once the batch is answered (the first batch may bring the explained prediction, see
 * `LabelModel.predictWithNextBatch`).
 *
 * @throws PredictorError when the model's answer is not one class (or, for a regression model, one
 *   value) per input.
 */
export async function agreement<Input>(model: LabelModel<Input>, inputs: Input[], target: () => AnchorTarget): Promise<Uint8Array> {
  const predictions = await model.predictions(inputs);
  const t = target();
  const agrees = new Uint8Array(inputs.length);
  if (typeof t === 'number') {
    for (let k = 0; k < predictions.length; k++) agrees[k] = predictions[k] === t ? 1 : 0;
  } else {
    const [low, high] = t;
    for (let k = 0; k < predictions.length; k++) agrees[k] = predictions[k] >= low && predictions[k] <= high ? 1 : 0;
  }
  return agrees;
}

/**
 * How the interval of a regression anchor is chosen: `'auto'` (around ŷ, {@link AUTO_INTERVAL_FRACTION}
 * of the spread of the model's predictions on training rows), `[low, high]` (which must hold ŷ), or
 * `{ width }` (centred on ŷ).
 */
export type IntervalOption = 'auto' | PredictionInterval | { width: number };

/**
 * The width of the `'auto'` interval, as a fraction of the interquartile range (IQR) of the model's
 * predictions on the training rows: ŷ ± IQR/2, an interval as wide as the middle half of the
 * predictions. The IQR is the robust spread of Tukey's box plot (Tukey, "Exploratory Data Analysis",
 * 1977); the fraction is our own measurement on the diabetes demo regressor (IQR 82, test RMSE 58),
 * over 30 held-out rows at precision 0.95: 0.5 IQR found anchors for 15 rows (4.1 conditions on
 * average), 1 IQR for 27 (3.2 conditions), 1.5 IQR for 29 (2.1 conditions, but the training rows an
 * anchor holds on fell inside the interval less often: 0.97 against 0.99). 1 is the narrowest width
 * that explains most rows with a few conditions (docs/regression.md).
 */
export const AUTO_INTERVAL_FRACTION = 1;

/** Most training rows the `'auto'` spread is measured on (a seeded sample when there are more). */
export const AUTO_INTERVAL_ROWS = 1000;

/** How an interval came about, as an explanation states it (`raw.interval_rule`). */
export type IntervalRule =
  | { kind: 'auto'; fraction: number; iqr: number; rows: number }
  | { kind: 'bounds' }
  | { kind: 'width'; width: number };

/** Checks an `interval` option (before the model is called). */
export function checkIntervalOption(option: unknown): IntervalOption {
  if (option === 'auto') return option;
  if (Array.isArray(option)) {
    const [low, high] = option as unknown[];
    if (option.length === 2 && typeof low === 'number' && typeof high === 'number' && Number.isFinite(low) && Number.isFinite(high) && low <= high) {
      return [low, high];
    }
  } else if (option !== null && typeof option === 'object' && Object.keys(option).join() === 'width') {
    const { width } = option as { width: unknown };
    if (typeof width === 'number' && Number.isFinite(width) && width > 0) return { width };
  }
  throw new InvalidInputError(
    `option interval is ${JSON.stringify(option)}; expected 'auto', [low, high] (finite, low <= high) or { width } (a finite number > 0)`,
  );
}

/**
 * The interval around the prediction `value` that `option` describes; `spread` gives the model's
 * predictions on training rows, for `'auto'` (undefined where the explainer has none).
 *
 * @throws InvalidInputError when `[low, high]` does not hold the prediction, or `'auto'` has no
 *   training predictions to measure a spread on.
 */
export function resolveInterval(
  option: IntervalOption,
  value: number,
  spread: ArrayLike<number> | undefined,
): { interval: PredictionInterval; rule: IntervalRule } {
  if (option === 'auto') {
    if (spread === undefined || spread.length === 0) throw noSpread();
    const sorted = Float64Array.from(spread).sort();
    const iqr = percentile(sorted, 75) - percentile(sorted, 25);
    const half = (AUTO_INTERVAL_FRACTION * iqr) / 2;
    return { interval: [value - half, value + half], rule: { kind: 'auto', fraction: AUTO_INTERVAL_FRACTION, iqr, rows: spread.length } };
  }
  if ('width' in option) return { interval: [value - option.width / 2, value + option.width / 2], rule: { kind: 'width', width: option.width } };
  const [low, high] = option;
  if (!(value >= low && value <= high)) {
    throw new InvalidInputError(
      `interval [${low}, ${high}] does not contain the model's prediction ${value}; an anchor explains why the prediction stays ` +
        'inside an interval around it: give bounds with low <= prediction <= high, or { width }',
    );
  }
  return { interval: [low, high], rule: { kind: 'bounds' } };
}

function noSpread(): InvalidInputError {
  return new InvalidInputError("interval 'auto' needs the model's predictions on training rows; give interval [low, high] or { width }");
}

/**
 * The explained prediction, known once the first batch of samples is answered, and what samples must
 * get to agree with it.
 */
export interface ExplainedPrediction {
  /** The explained class, or (regression) the interval around the predicted value. */
  target: () => AnchorTarget;
  /** The explained class, or (regression) the predicted value. */
  prediction: () => number;
  /** The fields a regression explanation adds to `data.raw`; empty for a classifier. */
  raw: () => { task?: 'regression'; prediction_interval?: [number, number]; interval_rule?: IntervalRule };
  /** What `meta.params` records of the task and interval; empty for a classifier. */
  params: { task?: 'regression'; interval?: IntervalOption };
}

/**
 * Asks the model (`model.task`) about the explained input in its first batch of samples
 * (`predictWithNextBatch`), with, for a regression model and the `'auto'` interval, the training rows
 * `spreadInputs` gives in the same batch; the interval is resolved from their predictions once that
 * batch is answered.
 *
 * @throws InvalidInputError at once for an `interval` given to a classifier, a malformed interval, or
 *   `'auto'` without training rows; when the target is first read, for bounds that do not hold the
 *   prediction.
 */
export function predictExplained<Input>(
  model: LabelModel<Input>,
  instance: Input,
  intervalOption: unknown,
  spreadInputs: () => Input[] | undefined,
): ExplainedPrediction {
  if (model.task === 'classification') {
    if (intervalOption !== undefined) {
      throw new InvalidInputError("option interval is for regression models; this explainer explains a classifier (give task: 'regression' for a regressor)");
    }
    model.predictWithNextBatch(instance);
    return { target: () => model.instanceLabel, prediction: () => model.instanceLabel, raw: () => ({}), params: {} };
  }
  const option = checkIntervalOption(intervalOption ?? 'auto');
  const spread = option === 'auto' ? spreadInputs() : undefined;
  if (option === 'auto' && spread === undefined) throw noSpread();
  model.predictWithNextBatch(instance, ...(spread ?? []));
  let resolved: ReturnType<typeof resolveInterval> | undefined;
  const resolve = () => {
    if (resolved === undefined) {
      const leading = model.leadingPredictions;
      resolved = resolveInterval(option, leading[0], spread === undefined ? undefined : leading.subarray(1));
    }
    return resolved;
  };
  return {
    target: () => resolve().interval,
    prediction: () => model.instanceLabel,
    raw: () => {
      const { interval, rule } = resolve();
      return { task: 'regression', prediction_interval: [interval[0], interval[1]], interval_rule: rule };
    },
    params: { task: 'regression', interval: option === 'auto' || 'width' in option ? option : [option[0], option[1]] },
  };
}
