import type { LayersModel } from '@tensorflow/tfjs';
import { afterAll, beforeAll } from 'vitest';
import { tfjsModel, type TfjsPredictor } from '../../src/predictors/tfjs.js';
import { loadBundledModel } from '../../src/tf/models.js';

export interface MnistModels {
  cnn: LayersModel;
  ae: LayersModel;
  /** The CNN as a TensorFlow.js predictor (autodiff). */
  predictor: TfjsPredictor;
}

/**
 * The bundled MNIST CNN and autoencoder, loaded in the calling test file's `beforeAll` and disposed of
 * in its `afterAll`: read the fields inside tests, not at the top level.
 */
export function useMnistModels(): MnistModels {
  const models = {} as MnistModels;
  beforeAll(async () => {
    models.cnn = await loadBundledModel('mnist-cnn');
    models.ae = await loadBundledModel('mnist-ae');
    models.predictor = tfjsModel(models.cnn);
  });
  afterAll(() => {
    models.cnn.dispose();
    models.ae.dispose();
  });
  return models;
}
