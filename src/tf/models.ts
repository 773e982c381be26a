import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GraphModel, LayersModel } from '@tensorflow/tfjs';
import { InvalidInputError } from '../core/errors.js';
import { fileSystemIO, resolveModelJson } from './fs-io.js';
import { loadTf } from './tf.js';

/** A TensorFlow.js model: a layers model (Keras-style) or a graph model (converted SavedModel). */
export type TfModel = LayersModel | GraphModel;

/**
 * Loads a TensorFlow.js layers model from a folder holding `model.json` and its weight files (or from
 * the path of the `model.json`), without `@tensorflow/tfjs-node`.
 *
 * @throws InvalidInputError when the files are missing or are not a layers model.
 */
export async function loadLayersModel(path: string): Promise<LayersModel> {
  const tf = await loadTf();
  return wrapLoadError(path, () => tf.loadLayersModel(fileSystemIO(path)));
}

/** Loads a TensorFlow.js graph model from a folder (or `model.json` path), as {@link loadLayersModel}. */
export async function loadGraphModel(path: string): Promise<GraphModel> {
  const tf = await loadTf();
  return wrapLoadError(path, () => tf.loadGraphModel(fileSystemIO(path)));
}

/**
 * Loads a layers or a graph model, whichever `model.json` holds: its `format` field
 * (`layers-model` or `graph-model`), or, when that is missing, the shape of its topology (a Keras
 * model config, or a graph of nodes).
 */
export async function loadTfModel(path: string): Promise<TfModel> {
  return modelFormat(path) === 'graph-model' ? loadGraphModel(path) : loadLayersModel(path);
}

function modelFormat(path: string): 'layers-model' | 'graph-model' {
  const jsonPath = resolveModelJson(path);
  let json: { format?: unknown; modelTopology?: { node?: unknown } };
  try {
    json = JSON.parse(readFileSync(jsonPath, 'utf8'));
  } catch (err) {
    throw new InvalidInputError(`model file ${jsonPath} cannot be read as JSON: ${(err as Error).message}`, { cause: err });
  }
  if (json.format === 'graph-model' || json.format === 'layers-model') return json.format;
  return Array.isArray(json.modelTopology?.node) ? 'graph-model' : 'layers-model';
}

async function wrapLoadError<M>(path: string, load: () => Promise<M>): Promise<M> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof InvalidInputError) throw err;
    throw new InvalidInputError(`cannot load the TensorFlow.js model at ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** The TensorFlow.js models bundled in the package's `models/` folder. */
export type BundledTfModelName = 'mnist-cnn' | 'mnist-ae';

const BUNDLED: Record<BundledTfModelName, string> = {
  'mnist-cnn': 'a small convolutional classifier of MNIST digits: 28x28x1 images in [0, 1] to 10 class probabilities',
  'mnist-ae': 'a small convolutional autoencoder of MNIST digits: 28x28x1 images in [0, 1] to their reconstruction',
};

/** The folder of a bundled model: the package's `models/NAME/` (this module sits two levels below the package root). */
export function bundledModelPath(name: BundledTfModelName): string {
  if (!Object.hasOwn(BUNDLED, name)) {
    throw new InvalidInputError(`unknown bundled TensorFlow.js model ${JSON.stringify(name)}; expected one of: ${Object.keys(BUNDLED).join(', ')}`);
  }
  return fileURLToPath(new URL(`../../models/${name}/`, import.meta.url));
}

/**
 * Loads a bundled layers model: `mnist-cnn` (classifier) or `mnist-ae` (autoencoder), trained by
 * `scripts/train-mnist.ts` on the bundled MNIST digits (see `models/mnist-cnn/README.md`).
 */
export async function loadBundledModel(name: BundledTfModelName): Promise<LayersModel> {
  return loadLayersModel(bundledModelPath(name));
}
