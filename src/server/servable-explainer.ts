import type { AnchorTabular } from '../anchors/tabular/anchor-tabular.js';
import { InvalidInputError } from '../core/errors.js';
import { loadExplainer, readSavedExplainer, type LoadedExplainer, type LoadExplainerOptions } from '../persistence/explainer-dir.js';
import type { ExplainerType } from '../persistence/format.js';
import type { Predictor } from '../predictors/predictor.js';

/**
 * Which saved explainers the explainer server can serve. Its predictor is a model behind a URL, called
 * through the remote predictor, which sends the model one tensor of numeric rows, `[rows, features]`
 * (see `predictors/remote`): so the server serves explainers whose instances are such rows and which
 * need nothing of the model but its predictions.
 */

/** The saved explainer types `glassbox serve` serves, with rows of numbers as instances. */
export const SERVABLE_TYPES: readonly ExplainerType[] = Object.freeze(['AnchorTabular', 'CounterfactualProto', 'Counterfactual', 'CEM', 'DiverseCounterfactuals']);

/** Why each other type cannot be served. */
const UNSERVABLE: Partial<Record<ExplainerType, string>> = {
  AnchorText:
    'it explains strings, and the model is called through the remote predictor, which sends rows of numbers, not v2 BYTES tensors of strings; ' +
    'explain texts in-process (AnchorText with the model, or glassbox explain sentiment)',
  AnchorImage:
    'it explains images through a predictor of images, and the remote predictor sends the model [rows, features] tensors of numbers, ' +
    'not images of shape [height, width, channels] (nor does glassbox serve-model serve an image model); explain images in-process (AnchorImage with the model)',
};

/**
 * Loads the explainer saved in `dir` for the server's `predictor` (the remote model), after checking
 * that the server can serve it: an AnchorTabular or a DiverseCounterfactuals, or a Counterfactual, CEM or CounterfactualProto whose
 * instances are rows (shape `[N]`), which asks the model for predictions only (no autodiff gradients, no
 * autoencoder or encoder, which are models the server cannot load).
 *
 * @param load what loading needs besides the folder and the model, as `loadExplainer` takes it.
 * @throws InvalidInputError naming the type and why it cannot be served; ExplainerFileError as
 *   `loadExplainer` for a folder that is not a saved explainer.
 */
export async function loadServableExplainer(dir: string, predictor: Predictor<number[]>, load: LoadExplainerOptions = {}): Promise<LoadedExplainer> {
  const { manifest, options, state } = await readSavedExplainer(dir);
  const cannot = (why: string): never => {
    throw new InvalidInputError(
      `glassbox serve cannot serve the ${manifest.type} saved in ${dir}: ${why}. It serves ${SERVABLE_TYPES.join(', ')} with rows of numbers as instances`,
    );
  };
  const unservable = UNSERVABLE[manifest.type];
  if (unservable !== undefined) cannot(unservable);
  // AnchorTabular and DiverseCounterfactuals explain rows and ask the model for predictions only.
  if (manifest.type !== 'AnchorTabular' && manifest.type !== 'DiverseCounterfactuals') {
    const shape = options.shape;
    if (Array.isArray(shape) && shape.length !== 1) {
      cannot(
        `its instances have shape [${shape.join(', ')}], and the remote predictor sends the model [rows, features] tensors of flat rows, ` +
          'not images or other shapes (nor does glassbox serve-model serve an image model)',
      );
    }
    if (options.gradients === 'autodiff') cannot("it was saved with gradients 'autodiff', and a model behind a URL gives predictions, not gradients; save it with gradients 'auto'");
    if (state.ae === true) cannot('it was saved with an autoencoder (option ae), a TensorFlow.js model the server cannot load beside the explainer');
    if (state.encoder === true) cannot('it was saved with an encoder (encoder prototypes), a TensorFlow.js model the server cannot load beside the explainer');
  }
  const loaded = await loadExplainer(dir, predictor, load);
  if (manifest.type === 'AnchorTabular') {
    // Its samples are made of training values (and the explained row): their range is the rows'.
    const anchors = loaded.explainer as AnchorTabular;
    return Object.assign(loaded, { rowWidth: anchors.schema.numFeatures, rowValues: valueRange(anchors.toState().values) });
  }
  // Counterfactuals move values continuously: their rows are fractional.
  const rowWidth = rowWidthOf(options.shape);
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

/** The width of a row of shape `[N]`, or undefined. */
function rowWidthOf(shape: unknown): number | undefined {
  return Array.isArray(shape) && shape.length === 1 && Number.isInteger(shape[0]) ? (shape[0] as number) : undefined;
}
