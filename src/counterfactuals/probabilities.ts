import { GlassboxError, PredictorError } from '../core/errors.js';
import { toValues, type ModelUsage, type Predictor, type Task } from '../predictors/predictor.js';
import { isTfjsPredictor, type TfjsPredictor } from '../predictors/tfjs.js';

/**
 * A classifier's class probabilities, as counterfactual methods need them: predicted in one call per
 * batch, validated, and counted. For a regression model (`task: 'regression'`), one predicted value
 * per row, read as a single "probability" column (k = 1) of any finite value. Rows travel as one flat `Float32Array` (`n × d` values, row-major);
 * a TensorFlow.js predictor takes it as it is, any other predictor gets `number[]` rows.
 */
export class ProbabilityModel {
  readonly usage: ModelUsage = { calls: 0, rows: 0 };
  /** The number of classes, known after the first call (−1 before). */
  classes = -1;

  constructor(
    readonly predictor: Predictor<number[]> | TfjsPredictor,
    /** Features per row. */
    readonly d: number,
    /** Who asks, for error messages (e.g. `Counterfactual`). */
    readonly explainer: string,
    readonly task: Task = 'classification',
  ) {}

  /** Class probabilities of `n` rows: `n × classes` values, row-major. One predictor call. */
  async predict(rows: Float32Array, n: number): Promise<Float32Array> {
    this.usage.calls += 1;
    this.usage.rows += n;
    let values: Float32Array;
    let k: number;
    try {
      if (isTfjsPredictor(this.predictor)) {
        const out = await this.predictor.predictFlat(rows, n);
        values = out.values;
        k = out.outputs;
      } else {
        const batch: number[][] = new Array(n);
        for (let i = 0; i < n; i++) batch[i] = Array.from(rows.subarray(i * this.d, (i + 1) * this.d));
        const output = await this.predictor(batch);
        ({ values, k } = this.task === 'regression' ? { values: Float32Array.from(toValues(output, n)), k: 1 } : this.flatten(output, n));
      }
    } catch (err) {
      if (err instanceof GlassboxError) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw new PredictorError(`predictor threw on call ${this.usage.calls} (a batch of ${n} inputs): ${reason}`, { cause: err });
    }
    this.check(values, n, k);
    return values;
  }

  /**
   * Checks `n × k` model outputs are class probabilities: at least two classes, the same number on
   * every call, every value a finite number in [0, 1] (to float32 rounding).
   */
  check(values: Float32Array, n: number, k: number): void {
    if (this.task === 'regression') {
      if (k !== 1) {
        throw new PredictorError(`predictor returned ${k} outputs per input; ${this.explainer} with desiredRange needs a regression model's one value per input`);
      }
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new PredictorError(`predictor returned ${values[bad]} as the value of input ${bad}; expected a finite number`);
      this.classes = 1;
      return;
    }
    if (k < 2) {
      throw new PredictorError(
        `predictor returned ${k} output per input; ${this.explainer} needs class probabilities for at least 2 classes ` +
          `(for a single sigmoid output p, return [1 - p, p])${this.regressionHint()}`,
      );
    }
    if (this.classes !== -1 && k !== this.classes) {
      throw new PredictorError(`predictor returned ${k} probabilities per input, but ${this.classes} before; expected the same classes on every call`);
    }
    this.classes = k;
    for (let i = 0; i < n * k; i++) {
      const v = values[i];
      if (!(v >= -1e-6 && v <= 1 + 1e-6)) {
        throw new PredictorError(
          `predictor returned ${v} as probability ${i % k} of input ${Math.floor(i / k)}; ${this.explainer} needs class probabilities in [0, 1] ` +
            '(a model that outputs logits needs a softmax)',
        );
      }
    }
  }

  /** Where a regression model can be explained instead: Counterfactual takes a desired range. */
  private regressionHint(): string {
    return this.explainer === 'Counterfactual' ? "; a regression model's values need desiredRange: [low, high]" : '';
  }

  private flatten(output: unknown, n: number): { values: Float32Array; k: number } {
    const out = output as ArrayLike<unknown> | null;
    if (out === null || typeof out !== 'object' || typeof out.length !== 'number') {
      throw new PredictorError(`predictor returned ${String(output)}; ${this.explainer} needs ${n} rows of class probabilities`);
    }
    if (out.length !== n) {
      throw new PredictorError(`predictor returned ${out.length} predictions for ${n} inputs; expected exactly one row of class probabilities per input`);
    }
    if (n > 0 && typeof out[0] === 'number') {
      throw new PredictorError(
        `predictor returned class labels (a number per input, e.g. ${String(out[0])}); ${this.explainer} needs class probabilities, ` +
          `one row per input, to follow the gradient of the prediction${this.regressionHint()}`,
      );
    }
    const first = out[0] as ArrayLike<unknown> | undefined;
    const k = first !== null && typeof first === 'object' && typeof first.length === 'number' ? first.length : -1;
    const values = new Float32Array(n * Math.max(k, 0));
    for (let i = 0; i < n; i++) {
      const row = out[i] as ArrayLike<unknown> | null;
      if (row === null || typeof row !== 'object' || row.length !== k) {
        throw new PredictorError(`predictor returned ${row === null || typeof row !== 'object' ? String(row) : `${row.length} values`} for input ${i}; expected ${k} class probabilities, as for input 0`);
      }
      for (let j = 0; j < k; j++) {
        const v = row[j];
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          throw new PredictorError(`predictor returned ${String(v)} as probability ${j} of input ${i}; expected a finite number`);
        }
        values[i * k + j] = v;
      }
    }
    return { values, k };
  }
}

/** The index of the largest of `k` values starting at `offset` (the first maximum wins). */
export function argmax(values: ArrayLike<number>, offset = 0, k = values.length - offset): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (values[offset + j] > values[offset + best]) best = j;
  return best;
}
