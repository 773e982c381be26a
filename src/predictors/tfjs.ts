import type { GraphModel, LayersModel, Tensor } from '@tensorflow/tfjs';
import { InvalidInputError, PredictorError } from '../core/errors.js';
import { flattenInstance, type InstanceInput } from '../counterfactuals/instance.js';
import { loadTfModel, type TfModel } from '../tf/models.js';
import { loadTf, type Tf } from '../tf/tf.js';
import type { Predictor } from './predictor.js';

/**
 * Predictors over TensorFlow.js models, in the same process. They predict in explicit batches
 * (`model.predict`'s default of 32 rows is about ten times slower on the wasm backend) inside
 * `tf.tidy`, so no tensor outlives a call, and they expose the model as a differentiable function of
 * tensors so that counterfactual explainers can take gradients by autodiff instead of finite
 * differences.
 */

export interface TfjsModelOptions {
  /** Rows per forward pass. Default 256 (see {@link TFJS_DEFAULT_BATCH_SIZE}). */
  batchSize?: number;
  /**
   * The shape of one input, without the batch dimension. Read from the model by default; needed only
   * when the model leaves a dimension other than the batch unknown.
   */
  inputShape?: readonly number[];
}

/**
 * Rows per forward pass by default: large enough that per-call overhead is small, small enough that a
 * batch of MNIST-sized inputs stays a few megabytes. Our measurement, the 1,569 rows of one
 * finite-difference gradient through the bundled MNIST CNN on wasm (2 cores): 118 ms in batches of 64,
 * 100 ms in batches of 256, 91 ms in batches of 1,024.
 */
export const TFJS_DEFAULT_BATCH_SIZE = 256;

/**
 * A {@link Predictor} over a TensorFlow.js model: it takes a batch of inputs, each the model's input for
 * one example as a flat array (row-major) or as nested arrays, and resolves to the model's output, one
 * `Float32Array` per input (class probabilities for a classifier).
 */
export interface TfjsPredictor extends Predictor<InstanceInput> {
  (inputs: InstanceInput[]): Promise<Float32Array[]>;
  /** The wrapped model. */
  readonly model: TfModel;
  /** The shape of one input, without the batch dimension, e.g. `[28, 28, 1]`. */
  readonly inputShape: readonly number[];
  /** The number of values in one input (the product of `inputShape`). */
  readonly inputSize: number;
  /** Rows per forward pass. */
  readonly batchSize: number;
  /**
   * Predicts `n` inputs given as one flat array of `n × inputSize` values (row-major), in batches of
   * `batchSize`. Resolves to the `n × outputs` outputs, flat, and the number of outputs per input.
   */
  predictFlat(values: Float32Array, n: number): Promise<{ values: Float32Array; outputs: number }>;
  /**
   * The model as a differentiable function of tensors: `x` of shape `[n, ...inputShape]` to the output
   * `[n, outputs]`. For `tf.grad` and friends; call it inside `tf.tidy`.
   */
  apply(tf: Tf, x: Tensor): Tensor;
}

/**
 * Wraps a loaded TensorFlow.js model (layers or graph model, with one input and one output) as a
 * {@link TfjsPredictor}.
 *
 * @throws InvalidInputError for something other than a tfjs model, a model with several inputs or
 *   outputs, an input shape with unknown dimensions (pass `inputShape`), or a bad `batchSize`.
 */
export function tfjsModel(model: TfModel, options: TfjsModelOptions = {}): TfjsPredictor {
  const { batchSize = TFJS_DEFAULT_BATCH_SIZE } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InvalidInputError(`option batchSize is ${String(batchSize)}; expected an integer >= 1`);
  }
  const kind = modelKind(model);
  const inputShape = options.inputShape === undefined ? modelInputShape(model) : checkShape(options.inputShape);
  const inputSize = inputShape.reduce((a, b) => a * b, 1);

  const apply = (tf: Tf, x: Tensor): Tensor => {
    const out = kind === 'layers' ? (model as LayersModel).apply(x, { training: false }) : (model as GraphModel).execute(x);
    if (Array.isArray(out) || !(out instanceof tf.Tensor)) {
      throw new InvalidInputError('the TensorFlow.js model returned several outputs; expected a model with one output');
    }
    return out;
  };

  const predictFlat = async (values: Float32Array, n: number) => {
    const tf = await loadTf();
    if (values.length !== n * inputSize) {
      throw new InvalidInputError(`predictFlat got ${values.length} values for ${n} inputs; expected ${n} × ${inputSize}`);
    }
    const chunks: Float32Array[] = [];
    let outputs = -1;
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      const { data, shape } = tf.tidy(() => {
        const x = tf.tensor(values.subarray(start * inputSize, (start + m) * inputSize), [m, ...inputShape], 'float32');
        const y = kind === 'layers' ? ((model as LayersModel).predict(x, { batchSize: m }) as Tensor) : apply(tf, x);
        if (Array.isArray(y)) throw new InvalidInputError('the TensorFlow.js model returned several outputs; expected a model with one output');
        return { data: y.dataSync() as Float32Array, shape: y.shape };
      });
      if (shape.length !== 2 || shape[0] !== m) {
        throw new PredictorError(`the TensorFlow.js model returned a tensor of shape [${shape.join(', ')}] for ${m} inputs; expected [${m}, outputs]`);
      }
      outputs = shape[1];
      chunks.push(data);
    }
    const out = new Float32Array(n * Math.max(outputs, 0));
    let offset = 0;
    for (const c of chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return { values: out, outputs: Math.max(outputs, 0) };
  };

  const predictor = async (inputs: InstanceInput[]): Promise<Float32Array[]> => {
    if (!Array.isArray(inputs)) {
      throw new InvalidInputError(`a TensorFlow.js predictor takes an array of inputs; got ${inputs === null ? 'null' : typeof inputs}`);
    }
    const flat = new Float32Array(inputs.length * inputSize);
    inputs.forEach((input, i) => flat.set(flattenInstance(input, inputShape, `input ${i}`), i * inputSize));
    const { values, outputs } = await predictFlat(flat, inputs.length);
    return Array.from({ length: inputs.length }, (_, i) => values.subarray(i * outputs, (i + 1) * outputs));
  };
  return Object.assign(predictor, { model, inputShape, inputSize, batchSize, predictFlat, apply }) as TfjsPredictor;
}

/**
 * Loads a model from disk (a folder with `model.json`, or its path; layers or graph model) or takes a
 * loaded one, and wraps it with {@link tfjsModel}.
 */
export async function tfjsPredictor(modelOrPath: TfModel | string, options: TfjsModelOptions = {}): Promise<TfjsPredictor> {
  const model = typeof modelOrPath === 'string' ? await loadTfModel(modelOrPath) : modelOrPath;
  return tfjsModel(model, options);
}

/** Whether `predictor` is a {@link TfjsPredictor}: a model explainers can differentiate through. */
export function isTfjsPredictor(predictor: unknown): predictor is TfjsPredictor {
  if (typeof predictor !== 'function') return false;
  const p = predictor as { apply?: unknown; predictFlat?: unknown; inputShape?: unknown };
  return typeof p.apply === 'function' && typeof p.predictFlat === 'function' && Array.isArray(p.inputShape);
}

function modelKind(model: unknown): 'layers' | 'graph' {
  const m = model as { predict?: unknown; execute?: unknown; apply?: unknown; inputs?: unknown } | null;
  if (m === null || typeof m !== 'object' || typeof m.predict !== 'function' || !Array.isArray(m.inputs)) {
    throw new InvalidInputError('tfjsModel expects a TensorFlow.js LayersModel or GraphModel (from tf.loadLayersModel, tf.loadGraphModel, tf.sequential, tf.model or loadTfModel)');
  }
  if (m.inputs.length !== 1) {
    throw new InvalidInputError(`the TensorFlow.js model has ${m.inputs.length} inputs; expected a model with one input`);
  }
  if (typeof m.apply === 'function') return 'layers';
  if (typeof m.execute === 'function') return 'graph';
  throw new InvalidInputError('tfjsModel expects a TensorFlow.js LayersModel or GraphModel');
}

function modelInputShape(model: TfModel): number[] {
  const shape = (model.inputs[0] as { shape?: Array<number | null> }).shape;
  const rest = shape?.slice(1);
  if (rest === undefined || rest.length === 0 || !rest.every((n) => typeof n === 'number' && n > 0)) {
    throw new InvalidInputError(
      `the TensorFlow.js model's input shape is ${JSON.stringify(shape)}; pass inputShape (the shape of one input, without the batch dimension)`,
    );
  }
  return rest as number[];
}

function checkShape(shape: readonly number[]): number[] {
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((n) => Number.isInteger(n) && n > 0)) {
    throw new InvalidInputError(`option inputShape is ${JSON.stringify(shape)}; expected an array of positive integers, e.g. [28, 28, 1]`);
  }
  return [...shape];
}
