import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { AnchorTabular } from '../anchors/tabular/anchor-tabular.js';
import { InvalidInputError } from '../core/errors.js';
import type { Explanation } from '../core/explanation.js';
import type { TabularRowInput } from '../core/tabular-schema.js';
import { loadExplainer, readExplainerManifest } from '../persistence/explainer-dir.js';
import type { Predictor } from '../predictors/predictor.js';
import { remotePredictor } from '../predictors/remote/remote-predictor.js';
import { csvRecordToRow, readDataFile } from './data-file.js';
import type { BatchDemo, BatchJob, BatchModel, BatchSource } from './job.js';

/** What the main thread knows of a job's source: the instances to explain, and how the manifest records the source. */
export interface SourceRows {
  instances: unknown[];
  /** The source, plus what identifies its content (the saved explainer's creation, the data's SHA-256). */
  record: Record<string, unknown>;
}

/**
 * Reads the instances of a job's source: a bundled data set's held-out rows (opened by the job's
 * `demo` module), or a data file's instances.
 */
export async function readSourceRows(source: BatchSource, demo: string | undefined): Promise<SourceRows> {
  if (source.kind === 'bundled') return { instances: (await openDemo(demo, 'a bundled data set')).bundledDataset(source.dataset).test.rows, record: { ...source } };
  const { type, created, glassbox } = await readExplainerManifest(source.dir);
  const { format, instances } = readDataFile(source.data);
  if (format === 'csv' && type !== 'AnchorTabular') {
    throw new InvalidInputError(`data file ${source.data} is CSV, which is for AnchorTabular explainers; ${source.dir} holds an ${type}: write its instances as JSON Lines (.jsonl)`);
  }
  const dataSha256 = createHash('sha256').update(readFileSync(source.data)).digest('hex');
  return { instances, record: { ...source, explainer: { type, created, glassbox }, dataSha256 } };
}

/** An explainer ready to explain many instances, one at a time, each with the job's options. */
export interface BatchExplainer {
  explain(instance: unknown): Promise<Explanation<unknown>>;
}

/**
 * Opens the job's explainer: fits or loads it and connects to its model. A worker does this once and
 * then explains many rows. Every explanation makes its random choices from a generator created from the
 * explainer's seed for that explanation alone (AnchorTabular, AnchorText and AnchorImage all do), so a
 * row's explanation does not depend on which rows the same explainer explained before it, nor on which
 * worker explains it.
 */
export async function openBatchExplainer(job: BatchJob): Promise<BatchExplainer> {
  const options = Object.fromEntries(Object.entries(job.explain).filter(([, v]) => v !== undefined));
  const { source } = job;
  const demo = job.demo === undefined ? undefined : await openDemo(job.demo, 'the demo stack');
  if (source.kind === 'bundled') {
    const dataset = (await openDemo(job.demo, 'a bundled data set')).bundledDataset(source.dataset);
    const predictor = await openModel(job, dataset.featureNames);
    const explainer = new AnchorTabular(predictor, dataset.featureNames, { categoryMap: dataset.categoryMap, seed: source.seed });
    await explainer.fit(dataset.train.rows);
    return { explain: (instance) => explainer.explain(instance as TabularRowInput, options) };
  }
  const loaded = await loadExplainer(source.dir, await openModel(job, undefined), demo?.loadOptions);
  const { explainer } = loaded;
  if (explainer instanceof AnchorTabular && source.data.toLowerCase().endsWith('.csv')) {
    return { explain: (record) => loaded.explain(csvRecordToRow(explainer.schema, record as Record<string, string>), options) };
  }
  return { explain: (instance) => loaded.explain(instance, options) };
}

async function openModel({ model, demo }: { model: BatchModel; demo?: string }, featureNames: readonly string[] | undefined): Promise<Predictor<number[]>> {
  if (model.kind === 'demo') return (await openDemo(demo, 'a demo model')).demoPredictor(model.name);
  return remotePredictor(model.url, { protocol: model.protocol, headers: model.headers, featureNames });
}

/** Imports the job's {@link BatchDemo} module; `what` names what needs it, for the error without one. */
async function openDemo(demo: string | undefined, what: string): Promise<BatchDemo> {
  if (demo === undefined) {
    throw new InvalidInputError(`a batch job with ${what} needs its demo module: set job.demo to BATCH_DEMO_MODULE from glassbox/demo`);
  }
  try {
    return (await import(demo)) as BatchDemo;
  } catch (err) {
    // Run from the TypeScript sources, a worker thread loads its modules through tsx's require hook
    // (Node 20 does not pass a worker's dynamic import() through tsx's loader): require the module there.
    if ((err as { code?: unknown }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw err;
    return createRequire(import.meta.url)(fileURLToPath(demo)) as BatchDemo;
  }
}
