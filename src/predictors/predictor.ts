import { GlassboxError, PredictorError } from '../core/errors.js';

/**
 * What a model returns for a batch: one class label per row (integers), or one row of class
 * probabilities (or scores) per row. Plain arrays and typed arrays are both accepted.
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
            '(or return one row of class probabilities per input)',
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
 * {@link toLabels}, and wraps anything the model throws in a {@link PredictorError} that says which
 * call failed. Explainers talk to their model only through this.
 */
export class LabelModel<Input = number[]> {
  readonly usage: ModelUsage = { calls: 0, rows: 0 };
  /** The input waiting to ride along with the next batch (see {@link predictWithNextBatch}). */
  private pending: { input: Input } | undefined;
  private pendingLabel: number | undefined;

  constructor(private readonly predictor: Predictor<Input>) {
    assertPredictor(predictor);
  }

  /**
   * Asks for the label of `input` (the explained instance) in the next call of {@link labels}, as the
   * first row of its batch, instead of in a call of its own: an explainer whose first samples do not
   * depend on the prediction saves one model call, a round trip when the model is remote. The label is
   * {@link instanceLabel} once that batch is answered; the batch's own labels come back as before.
   */
  predictWithNextBatch(input: Input): void {
    this.pending = { input };
    this.pendingLabel = undefined;
  }

  /** The label of the input given to {@link predictWithNextBatch}, once its batch has been answered. */
  get instanceLabel(): number {
    if (this.pendingLabel === undefined) throw new Error('internal: the explained instance has not been predicted yet');
    return this.pendingLabel;
  }

  /** Predicts class labels for a batch of inputs (one predictor call, whatever the batch size). */
  async labels(inputs: Input[]): Promise<Int32Array> {
    const leading = this.pending;
    this.pending = undefined;
    const batch = leading === undefined ? inputs : [leading.input, ...inputs];
    this.usage.calls += 1;
    this.usage.rows += batch.length;
    let output: PredictorOutput;
    try {
      output = await this.predictor(batch);
    } catch (err) {
      if (err instanceof GlassboxError) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw new PredictorError(
        `predictor threw on call ${this.usage.calls} (a batch of ${batch.length} inputs): ${reason}`,
        { cause: err },
      );
    }
    const labels = toLabels(output, batch.length);
    if (leading === undefined) return labels;
    this.pendingLabel = labels[0];
    return labels.subarray(1);
  }
}
