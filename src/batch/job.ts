import type { CategoryMap } from '../core/tabular-schema.js';
import type { LoadExplainerOptions } from '../persistence/codecs.js';
import type { Predictor } from '../predictors/predictor.js';
import type { RemoteProtocol } from '../predictors/remote/options.js';

/**
 * What a batch run explains and with which model: a plain, structured-cloneable description, sent to
 * every worker (each opens the explainer from it once) and, without secrets, written to the output's
 * manifest so that a rerun can tell whether it continues the same run.
 */
export interface BatchJob {
  /** Where the explainer and the rows come from. */
  source: BatchSource;
  /** The model that is explained. */
  model: BatchModel;
  /** Options of every explanation (the explainer's defaults where left out). */
  explain: BatchExplainOptions;
  /**
   * The file URL of a {@link BatchDemo} module, which every worker imports to open what the library does
   * not hold: bundled data sets and demo models (`BATCH_DEMO_MODULE` of glassbox/demo, which the CLI
   * passes). Needed by a bundled source or a demo model; not part of the manifest.
   */
  demo?: string;
}

/**
 * What a {@link BatchJob}'s `demo` module exports: the demo stack (bundled data and models) given to the
 * batch runner by its caller, so that the library never imports it itself.
 */
export interface BatchDemo {
  /** The bundled tabular data set of this name: its schema, training rows and held-out rows. */
  bundledDataset(name: string): BundledDataset;
  /** The demo model of this name. */
  demoPredictor(name: string): Predictor<number[]>;
  /** What loading a saved explainer needs besides its folder and model (e.g. the bundled word vectors). */
  loadOptions: LoadExplainerOptions;
}

/** A bundled tabular data set, as a batch run uses it. */
export interface BundledDataset {
  featureNames: string[];
  categoryMap: CategoryMap;
  train: { rows: number[][] };
  test: { rows: number[][] };
}

/**
 * A bundled data set (`adult`): every worker fits AnchorTabular with `seed` on its training rows, and
 * the rows explained are its held-out rows.
 */
export interface BundledSource {
  kind: 'bundled';
  dataset: string;
  /** Seed of the explainer: with the same seed, every row's explanation is the same, byte for byte. */
  seed: number;
}

/**
 * A saved explainer (`saveExplainer`, `glassbox fit`), loaded by every worker, explaining the instances
 * of a data file: JSON Lines (one instance per line, in the explainer's input form) or, for
 * AnchorTabular, a CSV file with a header of feature names.
 */
export interface SavedSource {
  kind: 'saved';
  /** The saved explainer's folder. */
  dir: string;
  /** The data file. */
  data: string;
}

/** Where a batch job's explainer comes from: a bundled data set's, or one saved in a folder. */
export type BatchSource = BundledSource | SavedSource;

/** A bundled demo model, run in each worker. */
export interface DemoBatchModel {
  kind: 'demo';
  /** A demo model's name (`adult-gbt`), opened by the job's `demo` module. */
  name: string;
}

/** A model behind a URL (Open Inference Protocol v2, KServe v1 or Seldon). */
export interface RemoteBatchModel {
  kind: 'remote';
  url: string;
  protocol: RemoteProtocol | 'auto';
  /** HTTP headers sent with every request; never written to the manifest (they may hold tokens). */
  headers: Record<string, string>;
}

/** The model a batch job explains: a bundled demo model run in each worker, or a model by URL. */
export type BatchModel = DemoBatchModel | RemoteBatchModel;

/** Options of each explanation; those left out take the explainer's defaults. */
export interface BatchExplainOptions {
  /** Precision the anchor must reach. */
  threshold?: number;
  /** Training samples on which coverage is measured. */
  coverageSamples?: number;
}

/** The job as the manifest records it: everything that decides the output, and no header values. */
export function jobRecord(job: BatchJob): Record<string, unknown> {
  const model = job.model.kind === 'remote' ? { kind: 'remote', url: job.model.url, protocol: job.model.protocol } : job.model;
  return { source: job.source, model, explain: job.explain };
}
