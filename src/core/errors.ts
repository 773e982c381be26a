/**
 * Typed errors. Every error glassbox raises on purpose is a {@link GlassboxError} with a stable `code`,
 * and its message names what was wrong, what was expected and what was received.
 */

/** Base class of every error glassbox raises on purpose. */
export class GlassboxError extends Error {
  /** A stable, machine-readable code, e.g. `INVALID_INPUT`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An argument (a row, an option, a data set) does not have the shape or values that were expected. */
export class InvalidInputError extends GlassboxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_INPUT', message, options);
  }
}

/** An explainer was asked to explain before `fit` gave it training data. */
export class NotFittedError extends GlassboxError {
  constructor(explainer: string) {
    super('NOT_FITTED', `${explainer} is not fitted: call fit(trainRows) before explain().`);
  }
}

/** The model (a {@link Predictor}) threw, or returned something other than one prediction per row. */
export class PredictorError extends GlassboxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PREDICTOR_ERROR', message, options);
  }
}

/**
 * A saved explainer (a folder written by `saveExplainer`) cannot be loaded: a file is missing or
 * corrupt, its format version is one this glassbox does not read, or a field does not have the shape
 * explaining needs. `file` is the file at fault; the message names the field, the expectation and what
 * was found.
 */
export class ExplainerFileError extends GlassboxError {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('EXPLAINER_FILE', `${file}: ${message}`, options);
  }
}

/**
 * The model is of a kind glassbox does not explain (yet): a regressor where a classifier is needed,
 * for instance. The message names what the model is and what glassbox takes.
 */
export class UnsupportedModelError extends GlassboxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNSUPPORTED_MODEL', message, options);
  }
}

/** An optional peer dependency (e.g. onnxruntime-node) a feature needs is not installed or does not load. */
export class MissingDependencyError extends GlassboxError {
  constructor(
    readonly packageName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('MISSING_DEPENDENCY', message, options);
  }
}

/**
 * An explanation of another explainer than the one expected (e.g. a CounterfactualProto explanation
 * given to the anchor summary), or a value that is not an explanation at all. `expected` lists the
 * explainers accepted, `received` the `meta.name` found (or a description of the value).
 */
export class ExplanationTypeError extends InvalidInputError {
  constructor(
    readonly expected: readonly string[],
    readonly received: string,
    where: string,
  ) {
    super(`${where} is ${received}; expected an explanation ({meta, data}) of ${expected.join(' or ')}`);
  }
}

/**
 * A held-out data set whose columns do not match the explainer's features: `missing` features have no
 * column, `extra` columns are no feature (and not the target column named).
 */
export class HeldOutColumnsError extends InvalidInputError {
  constructor(
    readonly missing: readonly string[],
    readonly extra: readonly string[],
    where: string,
    features: readonly string[],
  ) {
    const parts = [
      missing.length > 0 ? `no column for feature${missing.length === 1 ? '' : 's'} ${missing.map((c) => `"${c}"`).join(', ')}` : '',
      extra.length > 0 ? `column${extra.length === 1 ? '' : 's'} ${extra.map((c) => `"${c}"`).join(', ')} that ${extra.length === 1 ? 'is' : 'are'} no feature (name the label column with --target / the target option)` : '',
    ].filter((p) => p !== '');
    super(`${where} has ${parts.join(' and ')}; expected one column per feature: ${features.join(', ')}`);
  }
}
