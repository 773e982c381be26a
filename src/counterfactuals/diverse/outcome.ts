import { GlassboxError, PredictorError } from '../../core/errors.js';
import { toLabels, toValues, type ModelUsage, type Predictor, type Task } from '../../predictors/predictor.js';

/**
 * The model's answer for candidate rows, as diverse counterfactuals need it: for a classifier the
 * class, and the class probabilities when the predictor returns them (a predictor of labels gives
 * `null`); for a regression model its predicted value (`class` and `proba` null). One predictor call
 * per batch, validated by `toLabels` (one answer per row, integer labels or equal-length finite
 * probability rows) or, for regression, `toValues` (one finite number per row), and counted.
 */
export interface Prediction {
  class: number | null;
  proba: number[] | null;
  /** A regression model's predicted value; null for a classifier. */
  value: number | null;
}

export class CandidateModel {
  readonly usage: ModelUsage = { calls: 0, rows: 0 };
  /** What the first answer was: class labels (0) or rows of this many probabilities; −1 before. */
  private shape = -1;

  constructor(
    private readonly predictor: Predictor<number[]>,
    readonly task: Task = 'classification',
  ) {}

  /** Predicts a batch of rows (one predictor call). */
  async predict(rows: number[][]): Promise<Prediction[]> {
    this.usage.calls += 1;
    this.usage.rows += rows.length;
    let output: unknown;
    try {
      output = await this.predictor(rows);
    } catch (err) {
      if (err instanceof GlassboxError) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw new PredictorError(`predictor threw on call ${this.usage.calls} (a batch of ${rows.length} rows): ${reason}`, { cause: err });
    }
    if (this.task === 'regression') return Array.from(toValues(output, rows.length), (value) => ({ class: null, proba: null, value }));
    const labels = toLabels(output, rows.length);
    const out = output as ArrayLike<number | ArrayLike<number>>;
    if (rows.length > 0) {
      const first = out[0];
      const shape = typeof first === 'number' ? 0 : first.length;
      const describe = (k: number) => (k === 0 ? 'class labels' : `${k} class probabilities per row`);
      if (this.shape >= 0 && shape !== this.shape) {
        throw new PredictorError(`predictor returned ${describe(shape)} on call ${this.usage.calls}, but ${describe(this.shape)} before; expected the same kind of answer on every call`);
      }
      this.shape = shape;
    }
    return Array.from(labels, (label, i) => {
      const row = out[i];
      return { class: label, proba: typeof row === 'number' ? null : Array.from(row), value: null };
    });
  }
}

/**
 * What a counterfactual must reach. For classifiers: a given class, or any class but the instance's;
 * for regression models: a predicted value in `[low, high]` (as DiCE's `desired_range`).
 */
export type DesiredOutcome =
  | { kind: 'class'; target: number }
  | { kind: 'other-class'; origClass: number }
  | { kind: 'range'; low: number; high: number };

/** Whether class `c` is one the desired outcome accepts. */
function accepts(desired: DesiredOutcome, c: number): boolean {
  if (desired.kind === 'range') return false;
  return desired.kind === 'class' ? c === desired.target : c !== desired.origClass;
}

/** How far `value` is from `[low, high]`: 0 inside, else the distance to the nearer bound. */
export function rangeDistance(value: number, low: number, high: number): number {
  return value < low ? low - value : value > high ? value - high : 0;
}

/** Whether a prediction reaches the desired outcome. */
export function meetsOutcome(desired: DesiredOutcome, prediction: Prediction): boolean {
  if (desired.kind === 'range') return prediction.value !== null && rangeDistance(prediction.value, desired.low, desired.high) === 0;
  return prediction.class !== null && accepts(desired, prediction.class);
}

/**
 * How far a prediction is from the desired outcome, for ranking candidates that do not reach it: for a
 * range, the distance of the predicted value to it (in the model's units); with probabilities, the lead
 * of the best unwanted class over the best wanted one (in [0, 1]); with labels only, 1. Zero for a
 * prediction that reaches it. (DiCE's `yloss` is a hinge loss of this kind.)
 */
export function outcomeGap(desired: DesiredOutcome, prediction: Prediction): number {
  if (meetsOutcome(desired, prediction)) return 0;
  if (desired.kind === 'range') return prediction.value === null ? Infinity : rangeDistance(prediction.value, desired.low, desired.high);
  const { proba } = prediction;
  if (proba === null) return 1;
  let wanted = -Infinity;
  let unwanted = -Infinity;
  proba.forEach((p, j) => {
    if (accepts(desired, j)) wanted = Math.max(wanted, p);
    else unwanted = Math.max(unwanted, p);
  });
  return Number.isFinite(wanted) ? Math.max(0, unwanted - wanted) : 1;
}
