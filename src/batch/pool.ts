import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { BatchJob } from './job.js';

/** One row for a worker to explain: its index in the data and its instance. */
export interface RowTask {
  row: number;
  instance: unknown;
}

/** Why a worker could not open the job's explainer, or why a row failed: the error's class name and message. */
export interface ErrorRecord {
  type: string;
  message: string;
}

/**
 * A worker's answer: the row's output line (its explanation or its error, serialised in the worker so
 * that the bytes do not depend on the thread that wrote them), or `fatal` when the explainer could not
 * be opened at all.
 */
export type WorkerAnswer = { line: string; failed: boolean } | { fatal: ErrorRecord };

/** Worker threads that each open the job's explainer once and explain the rows they are given. */
export interface WorkerPool {
  explain(task: RowTask): Promise<WorkerAnswer>;
  close(): Promise<void>;
}

/**
 * Rows a worker holds at once. With piscina's default of 1, a worker that finishes a row sits blocked in
 * `Atomics.wait` until the main thread has taken its answer and sent it the next row: 80-160 ms of
 * 5.6 s per worker in a CPU profile of `explain-batch adult --rows 0:1200 --workers 2`, against 35-45 ms
 * with 2 (benchmarks/README.md, explain-batch). With 2, the next row is usually in the worker's queue
 * when one finishes (a synchronous model runs them one after the other; a remote model's rows overlap
 * while they wait for answers). Every explanation has its own random generator, so the lines do not
 * change.
 */
const CONCURRENT_TASKS_PER_WORKER = 2;

/**
 * Starts `workers` threads (piscina) running `worker.js` next to this module. Run from the TypeScript
 * sources (under tsx or vitest) this module is `pool.ts`, and its worker `worker.ts` is started with
 * tsx's loader (`--import tsx`), so that the same code runs from `dist/` and from `src/`.
 */
export function startWorkerPool(job: BatchJob, workers: number): WorkerPool {
  const fromSource = import.meta.url.endsWith('.ts');
  const filename = new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url).href;
  const pool = new Piscina<RowTask, WorkerAnswer>({
    filename,
    minThreads: workers,
    maxThreads: workers,
    concurrentTasksPerWorker: CONCURRENT_TASKS_PER_WORKER,
    workerData: job,
    ...(fromSource && { execArgv: ['--import', tsxLoaderUrl()] }),
  });
  return { explain: (task) => pool.run(task), close: () => pool.destroy() };
}

/** tsx's ESM loader, resolved from this package (it is a development dependency, present wherever `src/` runs). */
function tsxLoaderUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}
