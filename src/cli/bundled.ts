import { loadAdult } from '../datasets/adult.js';
import type { TabularDataset } from '../datasets/types.js';
import { loadDemoModel } from '../models/demo-models.js';
import type { Predictor } from '../predictors/predictor.js';
import { UsageError } from './io.js';

/** A bundled data set with the demo model trained on it: what `glassbox explain NAME` explains. */
export interface BundledTask {
  dataset: TabularDataset;
  predictor: Predictor<number[]>;
  modelName: string;
}

const TASKS: Record<string, () => BundledTask> = {
  adult: () => ({ dataset: loadAdult(), ...demo('adult-gbt') }),
};

function demo(modelName: 'adult-gbt'): { predictor: Predictor<number[]>; modelName: string } {
  return { predictor: loadDemoModel(modelName).predictor, modelName };
}

export const BUNDLED_TASKS = Object.keys(TASKS);

/** @param otherDatasets data sets handled elsewhere (e.g. text), named in the error for an unknown one. */
export function loadBundledTask(name: string | undefined, otherDatasets: readonly string[] = []): BundledTask {
  const make = name === undefined ? undefined : TASKS[name];
  if (make === undefined) {
    const known = [...BUNDLED_TASKS, ...otherDatasets].join(', ');
    throw new UsageError(`${name === undefined ? 'no data set given' : `unknown data set "${name}"`}; expected one of: ${known}`);
  }
  return make();
}
