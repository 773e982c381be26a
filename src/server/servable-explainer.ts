import type { AnchorTabular } from '../anchors/tabular/anchor-tabular.js';
import { InvalidInputError } from '../core/errors.js';
import { loadExplainer, readSavedExplainer, type LoadedExplainer, type LoadExplainerOptions } from '../persistence/explainer-dir.js';
import type { ExplainerType } from '../persistence/format.js';
import type { Predictor } from '../predictors/predictor.js';

/**
 * Which saved explainers the explainer server can serve. Its predictor is a model behind a URL, called
 * through the remote predictor, which sends the model the explainer's instances as they are: rows,
 * texts (v2 BYTES, KServe v1 strings, Seldon ndarray) or arrays of the explainer's shape (`[N, H, W, C]`
 * images). So every type is served, as long as it needs nothing of the model but its predictions, and
 * its TensorFlow.js autoencoder or encoder, if any, is saved in its folder.
 */

/** The saved explainer types `glassbox serve` serves. */
export const SERVABLE_TYPES: readonly ExplainerType[] = Object.freeze([
  'AnchorTabular',
  'AnchorText',
  'AnchorImage',
  'CounterfactualProto',
  'Counterfactual',
  'CEM',
  'DiverseCounterfactuals',
]);

/**
 * Loads the explainer saved in `dir` for the server's `predictor` (the remote model), after checking
 * that the server can serve it: a counterfactual must ask the model for predictions only (no autodiff
 * gradients), and its autoencoder or encoder must be saved in the folder (`saveExplainer` does so).
 *
 * @param load what loading needs besides the folder and the model, as `loadExplainer` takes it.
 * @throws InvalidInputError naming the type and why it cannot be served; ExplainerFileError as
 *   `loadExplainer` for a folder that is not a saved explainer.
 */
// The predictor's input type depends on the saved type, known only once the folder is read (as for loadExplainer).
export async function loadServableExplainer(dir: string, predictor: Predictor<any>, load: LoadExplainerOptions = {}): Promise<LoadedExplainer> {
  const { manifest, options, state, models } = await readSavedExplainer(dir);
  const cannot = (why: string): never => {
    throw new InvalidInputError(`glassbox serve cannot serve the ${manifest.type} saved in ${dir}: ${why}`);
  };
  if (options.gradients === 'autodiff') cannot("it was saved with gradients 'autodiff', and a model behind a URL gives predictions, not gradients; save it with gradients 'auto'");
  for (const [role, what] of [['ae', 'an autoencoder (option ae)'], ['encoder', 'an encoder (encoder prototypes)']] as const) {
    if (state[role] === true && !models.includes(role)) {
      cannot(`it was saved with ${what} but without its TensorFlow.js model in the folder (saved by an older glassbox); save it again with saveExplainer`);
    }
  }
  const loaded = await loadExplainer(dir, predictor, load);
  const shape = loaded.instanceShape;
  const rowWidth = Array.isArray(shape) && shape.length === 1 ? shape[0] : undefined;
  if (manifest.type === 'AnchorTabular') {
    // Its samples are made of training values (and the explained row): their range is the rows'.
    const anchors = loaded.explainer as AnchorTabular;
    return Object.assign(loaded, { rowWidth, rowValues: valueRange(anchors.toState().values) });
  }
  // Counterfactuals move values continuously: their rows are fractional (texts and images have no rows).
  return Object.assign(loaded, { rowValues: { integers: false, min: -Infinity, max: Infinity } }, rowWidth === undefined ? {} : { rowWidth });
}

/** Whether `values` are all integers, and their smallest and largest. */
function valueRange(values: Float64Array): { integers: boolean; min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  let integers = true;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    if (integers && !Number.isInteger(v)) integers = false;
  }
  return { integers, min, max };
}
