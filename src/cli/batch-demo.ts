import type { BatchDemo, BundledDataset } from '../batch/job.js';
import { bundledEmbeddings } from '../datasets/glove.js';
import { loadDemoModel, type DemoModelName } from '../models/demo-models.js';
import type { Predictor } from '../predictors/predictor.js';
import { loadBundledTask } from './bundled.js';

/**
 * The demo stack of a batch run (see {@link BatchDemo}): every worker imports this module by its URL,
 * {@link BATCH_DEMO_MODULE}, which the CLI (and a caller of `explainBatch` with a bundled data set or a
 * demo model) puts in the job's `demo`.
 */

/** This module's URL: what `BatchJob.demo` takes. */
export const BATCH_DEMO_MODULE = import.meta.url;

export function bundledDataset(name: string): BundledDataset {
  return loadBundledTask(name).dataset;
}

/** @throws InvalidInputError for a name that is not a demo model (from `loadDemoModel`). */
export function demoPredictor(name: string): Predictor<number[]> {
  return loadDemoModel(name as DemoModelName).predictor;
}

export const loadOptions: BatchDemo['loadOptions'] = { findEmbeddings: bundledEmbeddings };
