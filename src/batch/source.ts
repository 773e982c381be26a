import { AnchorTabular } from '../anchors/tabular/anchor-tabular.js';
import { loadBundledTask } from '../cli/bundled.js';
import type { Explanation } from '../core/explanation.js';
import type { TabularRowInput } from '../core/tabular-schema.js';
import { loadDemoModel } from '../models/demo-models.js';
import type { Predictor } from '../predictors/predictor.js';
import { remotePredictor } from '../predictors/remote/remote-predictor.js';
import type { BatchJob, BatchModel, BatchSource } from './job.js';

/** The rows a job's source offers for explaining: the held-out rows of a bundled data set. */
export function sourceRows(source: BatchSource): TabularRowInput[] {
  return loadBundledTask(source.dataset).dataset.test.rows;
}

/** An explainer ready to explain many rows, one at a time, each with the job's options. */
export interface BatchExplainer {
  explain(instance: TabularRowInput): Promise<Explanation<unknown>>;
}

/**
 * Opens the job's explainer: loads or fits it and connects to its model. A worker does this once and
 * then explains many rows. Every explanation makes its random choices from a generator created from the
 * job's seed for that explanation alone, so a row's explanation does not depend on which rows the same
 * explainer explained before it, nor on which worker explains it.
 */
export async function openBatchExplainer(job: BatchJob): Promise<BatchExplainer> {
  const { dataset } = loadBundledTask(job.source.dataset);
  const predictor = await openModel(job.model, dataset.featureNames);
  const explainer = new AnchorTabular(predictor, dataset.featureNames, { categoryMap: dataset.categoryMap, seed: job.seed });
  explainer.fit(dataset.train.rows);
  return { explain: (instance) => explainer.explain(instance, job.explain) };
}

async function openModel(model: BatchModel, featureNames: readonly string[]): Promise<Predictor<number[]>> {
  if (model.kind === 'demo') return loadDemoModel(model.name).predictor;
  return remotePredictor(model.url, { protocol: model.protocol, headers: model.headers, featureNames });
}

