import type { Explanation } from '../core/explanation.js';
import type { Predictor } from '../predictors/predictor.js';
import type { InstanceShape, RemoteInstance } from '../predictors/remote/instances.js';

/**
 * What the server needs of an explainer: `explain` one instance with options taken from the request,
 * and a description of an instance for error messages. A saved explainer loaded with `loadExplainer(dir,
 * predictor)` is one; so is any fitted explainer wrapped in these two members.
 */
export interface ServableExplainer {
  /** Explains one instance; throws InvalidInputError for a bad instance or option, PredictorError when the model fails. */
  explain(instance: unknown, options?: Record<string, unknown>): Promise<Explanation<unknown>>;
  /** What one instance is, e.g. "a row of 12 features: Age (number), Workclass (one of ...), ...". */
  readonly instanceDescription: string;
  /**
   * What one instance is: a string, or numbers of this shape (`[features]` for rows). Requests are checked
   * against it, and so is the model's metadata (readiness stays off, with the reason, when they disagree).
   * Without it, instances are taken as they come and the model is not checked.
   */
  readonly instanceShape?: InstanceShape;
  /**
   * Values per row the explainer sends the model, when it knows: the server checks it against the
   * model's metadata and stays not ready, with the reason, while they disagree.
   */
  readonly rowWidth?: number;
  /**
   * What values the explainer's rows hold, when it knows: the server stays not ready while the model's
   * input datatype cannot hold them (an integer datatype for fractional values, or a range too small).
   */
  readonly rowValues?: { integers: boolean; min: number; max: number };
}

/**
 * Builds the explainer around the predictor the server gives it (the model behind `predictorUrl`, called
 * per request): e.g. `(predictor) => loadExplainer(dir, predictor)`.
 */
export type ExplainerFactory = (predictor: Predictor<RemoteInstance>) => ServableExplainer | Promise<ServableExplainer>;
