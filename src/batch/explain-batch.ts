import { availableParallelism } from 'node:os';
import { GlassboxError } from '../core/errors.js';
import { checkInteger } from '../anchors/options.js';
import { VERSION } from '../version.js';
import { jobRecord, type BatchJob } from './job.js';
import { BatchOutput } from './output.js';
import { startWorkerPool, type ErrorRecord } from './pool.js';
import { rowsAtMost, selectRows, type RowRange, type Shard } from './rows.js';
import { readSourceRows } from './source.js';

/**
 * Options of {@link explainBatch}: the job, the output file, the row range, the shard, the workers and the
 * progress callback.
 */
export interface ExplainBatchOptions {
  /** What to explain, with which model and options. */
  job: BatchJob;
  /** The JSON Lines file to write (and to resume, when an earlier run of the same job left it unfinished). */
  out: string;
  /** The rows to explain, by index; default all. */
  rows?: RowRange;
  /** Explain only this shard's rows (row r belongs to shard r mod count); default all. */
  shard?: Shard;
  /** Worker threads; default the number of cores (`os.availableParallelism()`). */
  workers?: number;
  /** Called for each row written (in row order, once its line is in the file), with the counts so far. */
  onProgress?: (progress: BatchProgress) => void;
}

/** How far a batch run is, as its progress callback reports it. */
export interface BatchProgress {
  /** Rows in the output so far (resumed ones included). */
  done: number;
  /** Rows this run must have in its output when it is finished. */
  total: number;
  /** Error lines in the output so far. */
  failed: number;
}

/** What a batch run did: the output file, its rows, how many were explained, failed or resumed. */
export interface BatchSummary {
  /** The output file. */
  out: string;
  /** Rows of this run (of the range and the shard). */
  rows: number;
  /** Rows that were already in the output from an earlier run, and were skipped. */
  resumed: number;
  /** Rows explained by this run (failed ones included). */
  explained: number;
  /** Error lines in the output, resumed ones included. */
  failed: number;
}

/** A worker could not open the explainer (its data, its saved files, or its model), so no row can be explained. */
export class BatchWorkerError extends GlassboxError {
  constructor(cause: ErrorRecord) {
    super('BATCH_WORKER_FAILED', `a worker could not open the explainer: ${cause.type}: ${cause.message}`);
  }
}

/**
 * Explains many rows in parallel on worker threads and writes one JSON line per row, in row order
 * whichever worker finishes first: `{"row": r, "explanation": {...}}`, or `{"row": r, "error": {"type",
 * "message"}}` for a row that failed (the others are unaffected). Each worker opens the explainer once.
 * A row's line depends only on the job and the row, so 1 worker and 8 give the same bytes, and the
 * shards of a sharded run hold exactly the lines of the unsharded run. An unfinished output of the same
 * job is resumed (see `BatchOutput`).
 *
 * @throws InvalidInputError for bad rows, shard or worker count, or an output file of another run;
 *   BatchWorkerError when the explainer cannot be opened.
 */
export async function explainBatch(options: ExplainBatchOptions): Promise<BatchSummary> {
  const { job, out, onProgress } = options;
  const workers = options.workers ?? availableParallelism();
  checkInteger('workers', workers, 1);
  const shard = options.shard ?? { index: 0, count: 1 };
  // The workers start first: each opens the explainer (loads the data and fits or loads the explainer,
  // most of a run's start-up) while this thread reads the rows and the output, instead of after it.
  const pool = startWorkerPool(job, Math.min(workers, rowsAtMost(options.rows, shard)));
  try {
    const { instances, record } = await readSourceRows(job.source, job.demo);
    const rows = selectRows(instances.length, options.rows, shard);
    const range = { start: options.rows?.start ?? 0, end: options.rows?.end ?? instances.length };
    const manifest = { format: 'glassbox explain-batch', formatVersion: 1, glassbox: VERSION, job: { ...jobRecord(job), source: record }, rows: range, shard };

    const output = BatchOutput.open(out, manifest, rows);
    let failed = output.resumedFailed;
    let done = output.resumed;
    try {
      const todo = rows.slice(output.resumed);
      await runInOrder(todo.length, (k) => pool.explain({ row: todo[k], instance: instances[todo[k]] }), (answers) => {
        output.append(answers.map((a) => a.line));
        // One call per row, also for rows written together, so that a progress display sees every count.
        for (const answer of answers) {
          done += 1;
          if (answer.failed) failed += 1;
          onProgress?.({ done, total: rows.length, failed });
        }
      }, workers * ROWS_AHEAD_PER_WORKER);
    } finally {
      output.close();
    }
    return { out, rows: rows.length, resumed: output.resumed, explained: rows.length - output.resumed, failed };
  } finally {
    await pool.close();
  }
}

/**
 * How far past the first row not yet written the run may start rows, per worker. Lines are written in
 * row order, so a slow row holds back the lines after it; the other workers go on explaining only while
 * they are within this distance. Anchors take a few ms for most Adult rows and up to 50 times longer for
 * the rows without one (benchmarks/README.md, anchor-tabular); with 4 rows per worker, the workers of
 * `explain-batch adult --workers 2` sat idle in `Atomics.wait` for 10-12% of their time behind such rows
 * (CPU profile, benchmarks/README.md, explain-batch). The answers waiting are a few KB each.
 */
const ROWS_AHEAD_PER_WORKER = 64;

type RowAnswer = { line: string; failed: boolean };

/**
 * Runs tasks 0..n-1 with at most `window` in flight and hands their answers to `write` in task order,
 * as soon as each prefix is complete. Rejects on the first fatal answer or rejected task, once the tasks
 * already in flight have settled: the pool must not be destroyed while its workers are still answering.
 */
function runInOrder(
  n: number,
  task: (k: number) => Promise<RowAnswer | { fatal: ErrorRecord }>,
  write: (answers: RowAnswer[]) => void,
  window: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const ready = new Map<number, RowAnswer>();
    let started = 0;
    let written = 0;
    let inFlight = 0;
    let failure: { error: unknown } | undefined;
    const fail = (err: unknown) => {
      failure ??= { error: err };
    };
    const settle = () => {
      if (failure !== undefined) {
        if (inFlight === 0) reject(failure.error);
      } else if (written === n) resolve();
      else launch();
    };
    const accept = (k: number, answer: RowAnswer | { fatal: ErrorRecord }) => {
      if (failure !== undefined) return;
      if ('fatal' in answer) return fail(new BatchWorkerError(answer.fatal));
      ready.set(k, answer);
      const batch: RowAnswer[] = [];
      for (let next = ready.get(written); next !== undefined; next = ready.get(written)) {
        ready.delete(written++);
        batch.push(next);
      }
      try {
        if (batch.length > 0) write(batch);
      } catch (err) {
        fail(err);
      }
    };
    const launch = () => {
      while (failure === undefined && started < n && started - written < window) {
        const k = started++;
        inFlight++;
        task(k).then(
          (answer) => accept(k, answer),
          (err: unknown) => fail(err),
        ).finally(() => {
          inFlight--;
          settle();
        });
      }
    };
    if (n === 0) resolve();
    else launch();
  });
}
