import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs';
import { InvalidInputError } from '../../core/errors.js';
import { loadTf } from '../../tf/tf.js';

/**
 * The encoder half of an autoencoder: a layers model from the autoencoder's input to the output of
 * one of its layers (the code), sharing the autoencoder's weights, so nothing is copied or retrained.
 * Prototype-guided counterfactuals (Van Looveren & Klaise, 2019, §3.2) measure distances to class
 * prototypes in this code space. For the bundled `mnist-ae`, the code is layer 4 (`Conv2D` to 7×7×4).
 *
 * Dispose the autoencoder, not the encoder: the encoder owns no weights of its own.
 *
 * @param layer the index or the name of the layer whose output is the code.
 * @throws InvalidInputError when the model has no such layer, or the layer has several outputs.
 */
export async function cutEncoder(autoencoder: LayersModel, layer: number | string): Promise<LayersModel> {
  const tf = await loadTf();
  const layers = autoencoder.layers;
  const index = typeof layer === 'number' ? layer : layers.findIndex((l) => l.name === layer);
  if (!Number.isInteger(index) || index < 0 || index >= layers.length) {
    throw new InvalidInputError(
      `the autoencoder has no layer ${JSON.stringify(layer)}; expected a layer index 0..${layers.length - 1} or one of the names ${layers.map((l) => l.name).join(', ')}`,
    );
  }
  const output = layers[index].output;
  if (Array.isArray(output)) throw new InvalidInputError(`layer ${JSON.stringify(layer)} of the autoencoder has several outputs; expected one, the code`);
  return tf.model({ inputs: autoencoder.inputs, outputs: output as SymbolicTensor, name: `${autoencoder.name}_encoder` });
}
