/**
 * glassbox/batch: explaining many rows over worker threads (piscina), and summarising the output.
 * A bundled data set or a demo model needs the job's `demo` module: BATCH_DEMO_MODULE of glassbox/demo.
 */
export {
  explainBatch,
  BatchWorkerError,
  type ExplainBatchOptions,
  type BatchProgress,
  type BatchSummary,
} from '../batch/explain-batch.js';
export type {
  BatchJob,
  BatchDemo,
  BundledDataset,
  BatchSource,
  BundledSource,
  SavedSource,
  BatchModel,
  DemoBatchModel,
  RemoteBatchModel,
  BatchExplainOptions,
} from '../batch/job.js';
export type { RowRange, Shard } from '../batch/rows.js';
export { summarizeBatch, summarizeBatchFile } from '../summary/batch-summary.js';
export { readExplanationFile, MAX_EXPLANATION_FILE_BYTES, type ExplanationFile, type ExplanationLine } from '../summary/explanation-file.js';
