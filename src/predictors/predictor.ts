import { GlassboxError, InvalidInputError, PredictorError } from '../core/errors.js';

/**
 * What a model returns for a batch: one class label per row (integers), or one row of class
 * probabilities (or scores) per row; for a regression model, one predicted value per row (or rows of
 * one value, `[N, 1]`). Plain arrays and typed arrays are both accepted.
 */
export type PredictorOutput = ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/**
 * The contract every explainer is written against: a function from a batch of inputs to one prediction
 * per input, synchronous or asynchronous. Tabular inputs are `number[]` rows; text and image explainers
 * use their own input type. Adapters turn TensorFlow.js models, ONNX sessions and URLs into predictors.
 */
export type Predictor<Input = number[]> = (
  inputs: Input[],
) => PredictorOutput | Promise<PredictorOutput>;

/**
 * What a model predicts: a class (`classification`: labels or class probabilities) or a number
 * (`regression`: one value per input). Flat integer outputs look alike for both, so explainers take the
 * task as an option, or read it from the model ({@link taskOf}), and never guess it from the numbers.
 */
export type Task = 'classification' | 'regression';

/** A predictor that says what it predicts: adapters (ONNX, demo models) set `task` where the model declares it. */
export interface TaskDeclaringPredictor {
  readonly task?: Task;
}

/** The task a predictor declares (its `task` property), or `undefined` when it declares none. */
export function taskOf(predictor: unknown): Task | undefined {
  const task = typeof predictor === 'function' ? (predictor as TaskDeclaringPredictor).task : undefined;
  return task === 'classification' || task === 'regression' ? task : undefined;
}

/**
 * The task an explainer explains with: the one given, else the one the model declares, else
 * `classification` (what every explainer assumed before regression was supported).
 *
 * @throws InvalidInputError for a task other than the two, or one that contradicts the model's (a
 *   classifier explained as regression, or the reverse).
 */
export function resolveTask(predictor: unknown, given: unknown, explainer: string): Task {
  if (given !== undefined && given !== 'classification' && given !== 'regression') {
    throw new InvalidInputError(`option task is ${JSON.stringify(given)}; expected 'classification' or 'regression'`);
  }
  const declared = taskOf(predictor);
  if (given !== undefined && declared !== undefined && given !== declared) {
    throw new InvalidInputError(
      `${explainer} was given task '${given}' but the model is a ${declared === 'regression' ? 'regressor (it predicts one number per input)' : 'classifier (it predicts classes)'}; ` +
        `explain it with task '${declared}', or leave task out`,
    );
  }
  return (given as Task | undefined) ?? declared ?? 'classification';
}

/** How many times and on how many inputs an explainer called its model. */
export interface ModelUsage {
  /** Calls to the predictor. */
  calls: number;
  /** Inputs sent to the predictor, summed over calls. */
  rows: number;
}

/** The class labels a predictor may return: those an Int32Array holds exactly. */
const LABEL_MIN = -2147483648;
const LABEL_MAX = 2147483647;

/**
 * Reduces a predictor's output for `n` inputs to class labels, validating it on the way: the output must
 * have exactly `n` entries; labels must be finite integers; probability rows must all have the same
 * number (>= 1) of finite entries, and are reduced by argmax (the first maximum wins).
 */
export function toLabels(output: unknown, n: number): Int32Array {
  if (output === null || typeof output !== 'object' || typeof (output as ArrayLike<unknown>).length !== 'number') {
    throw new PredictorError(
      `predictor returned ${describe(output)}; expected an array of ${n} labels or ${n} probability rows`,
    );
  }
  const out = output as ArrayLike<unknown>;
  if (out.length !== n) {
    throw new PredictorError(`predictor returned ${out.length} predictions for ${n} inputs; expected exactly one per input`);
  }
  const labels = new Int32Array(n);
  if (n === 0) return labels;
  const first = out[0];
  if (typeof first === 'number') {
    for (let i = 0; i < n; i++) {
      const v = out[i];
      if (typeof v !== 'number' || !Number.isInteger(v)) {
        throw new PredictorError(
          `predictor returned ${describe(v)} as the label of input ${i}; expected an integer class label ` +
            "(or return one row of class probabilities per input; a regression model's values need task: 'regression')",
        );
      }
      // An Int32Array would wrap a larger label (4294967297 to 1): such a label is refused, not renamed.
      if (v < LABEL_MIN || v > LABEL_MAX) {
        throw new PredictorError(`predictor returned ${v} as the label of input ${i}; expected a class label in [${LABEL_MIN}, ${LABEL_MAX}]`);
      }
      labels[i] = v;
    }
    return labels;
  }
  const k = rowLength(first, 0);
  if (k === 1) {
    throw new PredictorError(
      'predictor returned rows of one value; expected class probabilities for at least 2 classes ' +
        "(for a single sigmoid output p, return [1 - p, p]; a regression model's values need task: 'regression')",
    );
  }
  for (let i = 0; i < n; i++) {
    const row = out[i] as ArrayLike<unknown>;
    if (rowLength(row, i) !== k) {
      throw new PredictorError(
        `predictor returned ${row.length} probabilities for input ${i} but ${k} for input 0; expected the same number of classes for every input`,
      );
    }
    let best = 0;
    let bestValue = -Infinity;
    for (let j = 0; j < k; j++) {
      const v = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new PredictorError(`predictor returned ${describe(v)} as probability ${j} of input ${i}; expected a finite number`);
      }
      if (v > bestValue) {
        bestValue = v;
        best = j;
      }
    }
    labels[i] = best;
  }
  return labels;
}

/**
 * Reads a regression model's output for `n` inputs: one finite number per input, flat or as rows of
 * one value (`[N, 1]`).
 *
 * @throws PredictorError for the wrong number of predictions, a non-finite value, or rows of several
 *   values (class probabilities: a classifier explained as regression).
 */
export function toValues(output: unknown, n: number): Float64Array {
  if (output === null || typeof output !== 'object' || typeof (output as ArrayLike<unknown>).length !== 'number') {
    throw new PredictorError(`predictor returned ${describe(output)}; expected an array of ${n} predicted values (task 'regression')`);
  }
  const out = output as ArrayLike<unknown>;
  if (out.length !== n) {
    throw new PredictorError(`predictor returned ${out.length} predictions for ${n} inputs; expected exactly one per input`);
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = out[i];
    if (v !== null && typeof v === 'object' && typeof (v as ArrayLike<unknown>).length === 'number') {
      const row = v as ArrayLike<unknown>;
      if (row.length !== 1) {
        throw new PredictorError(
          `predictor returned ${row.length} values for input ${i}; task 'regression' expects one number per input ` +
            "(rows of class probabilities are a classifier's: explain it with task 'classification')",
        );
      }
      v = row[0];
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new PredictorError(`predictor returned ${describe(v)} as the value of input ${i}; expected a finite number (task 'regression')`);
    }
    values[i] = v;
  }
  return values;
}

function rowLength(row: unknown, i: number): number {
  if (row === null || typeof row !== 'object' || typeof (row as ArrayLike<unknown>).length !== 'number') {
    throw new PredictorError(
      `predictor returned ${describe(row)} for input ${i}; expected an integer label or an array of class probabilities`,
    );
  }
  const k = (row as ArrayLike<unknown>).length;
  if (k === 0) throw new PredictorError(`predictor returned an empty probability row for input ${i}; expected at least one class`);
  return k;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return typeof v === 'object' ? `an object (${Object.prototype.toString.call(v).slice(8, -1)})` : `a ${typeof v}`;
}

/** Returns `predictor` if it is a function, else throws a {@link PredictorError} saying what it is. */
export function assertPredictor<Input>(predictor: Predictor<Input>): Predictor<Input> {
  if (typeof predictor !== 'function') {
    throw new PredictorError(`predictor is ${describe(predictor)}; expected a function from a batch of inputs to predictions`);
  }
  return predictor;
}

/**
 * A predictor with bookkeeping: it counts calls and inputs, validates every answer with
 * {@link toLabels} (or, for a regression model, {@link toValues}), and wraps anything the model throws
 * in a {@link PredictorError} that says which call failed. Explainers talk to their model only through
 * this.
 */
export class LabelModel<Input = number[]> {
  readonly usage: ModelUsage = { calls: 0, rows: 0 };
  /** The inputs waiting to ride along with the next batch (see {@link predictWithNextBatch}). */
  private pending: Input[] | undefined;
  private leading: Int32Array | Float64Array | undefined;

  /** @param task what the model predicts: {@link predictions} are labels, or (regression) values. */
  constructor(
    private readonly predictor: Predictor<Input>,
    readonly task: Task = 'classification',
  ) {
    assertPredictor(predictor);
  }

  /**
   * Asks for the prediction of `input` (the explained instance), and of `more` inputs, in the next call
   * of {@link labels} or {@link values}, as the first rows of its batch, instead of in a call of their
   * own: an explainer whose first samples do not depend on the prediction saves one model call, a round
   * trip when the model is remote. Their predictions are {@link leadingPredictions} (the instance's is
   * {@link instanceLabel}) once that batch is answered; the batch's own come back as before.
   */
  predictWithNextBatch(input: Input, ...more: Input[]): void {
    this.pending = [input, ...more];
    this.leading = undefined;
  }

  /** The predictions of the inputs given to {@link predictWithNextBatch}, once their batch has been answered. */
  get leadingPredictions(): Int32Array | Float64Array {
    if (this.leading === undefined) throw new Error('internal: the explained instance has not been predicted yet');
    return this.leading;
  }

  /** The prediction of the explained instance (a label, or a regression model's value), once answered. */
  get instanceLabel(): number {
    return this.leadingPredictions[0];
  }

  /** Predicts class labels for a batch of inputs (one predictor call, whatever the batch size). */
  async labels(inputs: Input[]): Promise<Int32Array> {
    const { output, lead } = await this.call(inputs);
    return this.split(toLabels(output, lead + inputs.length), lead);
  }

  /** Predicts a regression model's values for a batch of inputs (one predictor call), validated by {@link toValues}. */
  async values(inputs: Input[]): Promise<Float64Array> {
    const { output, lead } = await this.call(inputs);
    return this.split(toValues(output, lead + inputs.length), lead);
  }

  /** Labels, or for a regression model values: what the model predicts for a batch (one call). */
  predictions(inputs: Input[]): Promise<Int32Array | Float64Array> {
    return this.task === 'regression' ? this.values(inputs) : this.labels(inputs);
  }

  /** Keeps the first `lead` predictions as the leading inputs' and returns the rest. */
  private split<T extends Int32Array | Float64Array>(all: T, lead: number): T {
    if (lead === 0) return all;
    this.leading = all.subarray(0, lead);
    return all.subarray(lead) as T;
  }

  private async call(inputs: Input[]): Promise<{ output: unknown; lead: number }> {
    const leading = this.pending ?? [];
    this.pending = undefined;
    const batch = leading.length === 0 ? inputs : [...leading, ...inputs];
    this.usage.calls += 1;
    this.usage.rows += batch.length;
    try {
      return { output: await this.predictor(batch), lead: leading.length };
    } catch (err) {
      if (err instanceof GlassboxError) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw new PredictorError(
        `predictor threw on call ${this.usage.calls} (a batch of ${batch.length} inputs): ${reason}`,
        { cause: err },
      );
    }
  }
}
