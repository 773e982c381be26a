import { InvalidInputError } from '../core/errors.js';
import type { PredictorOutput } from '../predictors/predictor.js';
import { HttpError } from '../http/http-error.js';
import type { InstanceShape } from '../predictors/remote/instances.js';
import { describe } from '../predictors/remote/options.js';

/**
 * The one model a model server serves, and the checks around it: requests must carry instances of its
 * shape (rows of `nFeatures` finite numbers, texts, or images of `inputShape`), and the predictor must
 * return one row of class probabilities per instance.
 */

/**
 * A function from instances to class probabilities, one row per instance (plain or typed arrays, sync or
 * async): rows of numbers for a tabular model, texts for a text model (`inputShape: 'string'`), flat
 * row-major arrays of `inputShape`'s size otherwise (an image's HWC pixels). It must return probability
 * rows: a model that returns labels is answered with a 500 that says so.
 */
// The instance type depends on `inputShape`, known only at run time.
export type ServedPredictor = (instances: any[]) => PredictorOutput | Promise<PredictorOutput>;

/**
 * Options of the demo model server: the model's name, its predictor, what its metadata declares (inputs,
 * features, classes, version), where it listens and its body limit.
 */
export interface ModelServerOptions {
  /** The model's name in every URL (`/v2/models/NAME`, `/v1/models/NAME`), e.g. `adult`. */
  name: string;
  /** Class probabilities for a batch of rows. */
  predictor: ServedPredictor;
  /** Values per row, for a tabular model (give this or `inputShape`). */
  nFeatures?: number;
  /**
   * What one instance is, for other models: `'string'` (texts, a v2 `BYTES [-1]` input) or the shape of
   * one array, e.g. `[28, 28, 1]` (a v2 `FP32 [-1, 28, 28, 1]` input). Default `[nFeatures]`.
   */
  inputShape?: InstanceShape;
  /** Column names, for the metadata and Seldon's `data.names`; checked against Seldon requests that send names. */
  featureNames?: readonly string[];
  /** Class names, for the metadata and Seldon's response `names` (`t:0`, `t:1`, ... otherwise). */
  classNames?: readonly string[];
  /** The model version: v2 answers `/v2/models/NAME/versions/VERSION/...` too, and reports it. */
  version?: string;
  /** The interface to listen on. Default `127.0.0.1` (this machine only). */
  host?: string;
  /** The port. Default 8080, KServe's default HTTP port; 0 picks a free one. */
  port?: number;
  /** The largest request body accepted, in bytes. Default 32 MiB. */
  bodyLimit?: number;
  /** Log requests with pino (fastify's logger). Default false. */
  logger?: boolean;
}

/** Defaults of {@link ModelServerOptions}. */
export const MODEL_SERVER_DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  bodyLimit: 32 * 1024 * 1024,
  logger: false,
} as const;

/** Predictions for a batch: probability rows and their argmax labels. */
export interface ServedPrediction {
  probabilities: number[][];
  /** The same probabilities, row-major in one array (the flat `data` of v2 and Seldon tensors). */
  flat: number[];
  labels: number[];
  /** Classes per row. */
  k: number;
}

const KNOWN = new Set(['name', 'predictor', 'nFeatures', 'inputShape', 'featureNames', 'classNames', 'version', 'host', 'port', 'bodyLimit', 'logger']);
const URL_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class ServedModel {
  readonly name: string;
  /** Values per instance (0 for texts). */
  readonly nFeatures: number;
  /** What one instance is: texts, or arrays of this shape (`[nFeatures]` for rows). */
  readonly shape: InstanceShape;
  readonly featureNames: readonly string[] | undefined;
  readonly classNames: readonly string[] | undefined;
  readonly version: string | undefined;
  private readonly predictor: ServedPredictor;

  /** Checks the options; throws InvalidInputError naming the bad one. */
  constructor(options: ModelServerOptions) {
    if (options === null || typeof options !== 'object') {
      throw new InvalidInputError(`createModelServer options are ${describe(options)}; expected an object`);
    }
    for (const key of Object.keys(options)) {
      if (!KNOWN.has(key)) {
        throw new InvalidInputError(`createModelServer has no option ${JSON.stringify(key)}; expected one of ${[...KNOWN].join(', ')}`);
      }
    }
    const { name, predictor, featureNames, classNames, version } = options;
    const shape = instanceShape(options.nFeatures, options.inputShape);
    const nFeatures = shape === 'string' ? 0 : shape.reduce((a, b) => a * b, 1);
    if (typeof name !== 'string' || !URL_SEGMENT.test(name)) {
      throw new InvalidInputError(`name is ${describe(name)}; expected a URL-safe model name (letters, digits, '.', '_', '-')`);
    }
    if (typeof predictor !== 'function') {
      throw new InvalidInputError(`predictor is ${describe(predictor)}; expected a function from rows to class probabilities`);
    }
    if (featureNames !== undefined) {
      if (!Array.isArray(featureNames) || featureNames.some((n) => typeof n !== 'string')) {
        throw new InvalidInputError(`featureNames is ${describe(featureNames)}; expected an array of strings`);
      }
      if (featureNames.length !== nFeatures) {
        throw new InvalidInputError(`featureNames has ${featureNames.length} names but nFeatures is ${nFeatures}; expected one name per feature`);
      }
    }
    if (classNames !== undefined && (!Array.isArray(classNames) || classNames.length < 1 || classNames.some((n) => typeof n !== 'string'))) {
      throw new InvalidInputError(`classNames is ${describe(classNames)}; expected a non-empty array of strings`);
    }
    if (version !== undefined && (typeof version !== 'string' || !URL_SEGMENT.test(version))) {
      throw new InvalidInputError(`version is ${describe(version)}; expected a URL-safe string such as "1"`);
    }
    this.name = name;
    this.predictor = predictor;
    this.nFeatures = nFeatures;
    this.shape = shape;
    this.featureNames = featureNames === undefined ? undefined : [...featureNames];
    this.classNames = classNames === undefined ? undefined : [...classNames];
    this.version = version;
  }

  /** Classes per row when known from `classNames`, else -1 (the metadata's "variable"). */
  get classCount(): number {
    return this.classNames?.length ?? -1;
  }

  /** What an instance is, for error messages. */
  get instanceDescription(): string {
    const { shape } = this;
    if (shape === 'string') return 'a text (string)';
    return shape.length === 1 ? `a row of ${shape[0]} features` : `an array of shape [${shape.join(', ')}]`;
  }

  /** Checks that `rows` (already numbers) have `nFeatures` values each; throws a 400 HttpError otherwise. */
  checkWidth(n: number, width: number, what: string): void {
    if (width !== this.nFeatures) {
      throw new HttpError(
        400,
        `${what} has ${width} values per row (${n} rows); model ${this.name} expects ${this.nFeatures} features per row`,
      );
    }
  }

  /**
   * Runs the predictor and checks its answer: one row of `k >= 1` finite numbers per input row. A broken
   * predictor is a 500.
   */
  async predict(rows: number[][] | string[]): Promise<ServedPrediction> {
    let out: PredictorOutput;
    try {
      out = await this.predictor(rows);
    } catch (err) {
      throw new HttpError(500, `model ${this.name} failed on ${rows.length} rows: ${err instanceof Error ? err.message : String(err)}`);
    }
    const broken = (detail: string) => new HttpError(500, `model ${this.name} returned ${detail}`);
    if (out === null || typeof out !== 'object' || typeof out.length !== 'number') throw broken(`${describe(out)}; expected probability rows`);
    if (out.length !== rows.length) throw broken(`${out.length} predictions for ${rows.length} rows`);
    const probabilities: number[][] = new Array(rows.length);
    const flat: number[] = [];
    const labels: number[] = new Array(rows.length);
    let k = -1;
    for (let i = 0; i < rows.length; i++) {
      const row: unknown = out[i];
      if (typeof row === 'number') {
        throw broken(`the label ${row} for row ${i}; a model server needs a predictor that returns class probabilities`);
      }
      if (row === null || typeof row !== 'object' || typeof (row as ArrayLike<number>).length !== 'number' || (row as ArrayLike<number>).length === 0) {
        throw broken(`${describe(row)} for row ${i}; expected a row of class probabilities`);
      }
      const probs = row as ArrayLike<number>;
      if (k < 0) k = probs.length;
      if (probs.length !== k) throw broken(`${probs.length} probabilities for row ${i} but ${k} for row 0`);
      // Arrays filled by push (without holes) serialise about twice as fast as preallocated ones.
      const p: number[] = [];
      let best = 0;
      for (let j = 0; j < k; j++) {
        const v = Number(probs[j]);
        if (!Number.isFinite(v)) throw broken(`${v} as probability ${j} of row ${i}`);
        p.push(v);
        flat.push(v);
        if (v > p[best]) best = j;
      }
      probabilities[i] = p;
      labels[i] = best;
    }
    if (this.classNames !== undefined && rows.length > 0 && k !== this.classNames.length) {
      throw broken(`${k} probabilities per row but classNames names ${this.classNames.length} classes`);
    }
    return { probabilities, flat, labels, k: Math.max(k, this.classCount) };
  }
}

/** The instance shape from `nFeatures` or `inputShape` (exactly one of them). */
function instanceShape(nFeatures: unknown, inputShape: unknown): InstanceShape {
  if ((nFeatures === undefined) === (inputShape === undefined)) {
    throw new InvalidInputError('createModelServer needs exactly one of nFeatures (rows) and inputShape (\'string\' or the shape of one instance)');
  }
  if (inputShape === undefined) {
    if (typeof nFeatures !== 'number' || !Number.isInteger(nFeatures) || nFeatures < 1) {
      throw new InvalidInputError(`nFeatures is ${describe(nFeatures)}; expected an integer >= 1`);
    }
    return [nFeatures];
  }
  if (inputShape === 'string') return inputShape;
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new InvalidInputError(`inputShape is ${describe(inputShape)}; expected 'string' or the shape of one instance, e.g. [28, 28, 1]`);
  }
  return [...inputShape];
}
