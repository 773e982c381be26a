import { workerData } from 'node:worker_threads';
import type { BatchJob } from './job.js';
import { openBatchExplainer, type BatchExplainer } from './source.js';
import type { ErrorRecord, RowTask, WorkerAnswer } from './pool.js';

/**
 * A worker thread of `glassbox explain-batch` (see pool.ts): it opens the job's explainer once, when it
 * starts, and explains each row it is given. A row that fails becomes an error line; it never stops the
 * worker.
 */

const opening: Promise<{ explainer: BatchExplainer } | { fatal: ErrorRecord }> = openBatchExplainer(workerData as BatchJob).then(
  (explainer) => ({ explainer }),
  (err: unknown) => ({ fatal: errorRecord(err) }),
);

export default async function explainRow(task: RowTask): Promise<WorkerAnswer> {
  const opened = await opening;
  if ('fatal' in opened) return opened;
  try {
    const explanation = await opened.explainer.explain(task.instance);
    return { line: JSON.stringify({ row: task.row, explanation }), failed: false };
  } catch (err) {
    return { line: JSON.stringify({ row: task.row, error: errorRecord(err) }), failed: true };
  }
}

function errorRecord(err: unknown): ErrorRecord {
  return err instanceof Error ? { type: err.name, message: err.message } : { type: 'Error', message: String(err) };
}
