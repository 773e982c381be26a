import { parseArgs } from 'node:util';
import { ANCHOR_TABULAR_DEFAULTS } from '../../anchors/tabular/anchor-tabular.js';
import { explainBatch, type BatchProgress } from '../../batch/explain-batch.js';
import type { BatchJob } from '../../batch/job.js';
import { parseRowRange, parseShard } from '../../batch/rows.js';
import { InvalidInputError } from '../../core/errors.js';
import type { DemoModelName } from '../../models/demo-models.js';
import { BUNDLED_TASKS, loadBundledTask } from '../bundled.js';
import { numberFlag, UsageError, type CliIO } from '../io.js';
import { remoteFlags } from './explain.js';

export const EXPLAIN_BATCH_USAGE = `Usage: glassbox explain-batch DATASET --out FILE.jsonl [options]

Explains held-out rows of a bundled data set (${BUNDLED_TASKS.join(', ')}) on worker threads, each of which fits
the explainer once, and writes one JSON line per row, in row order:
  {"row": N, "explanation": {...}}   or   {"row": N, "error": {"type": "...", "message": "..."}}
A row's line depends only on the settings and the row, never on the number of workers. FILE.manifest.json,
beside the output, records the settings: rerun the same command to resume an unfinished file (rows
already written are skipped, a line cut short by a crash is redone); other settings are refused.

Options:
  --out FILE             the JSON Lines file to write or resume (required)
  --rows A:B             rows A to B-1 of the held-out rows (default all); either end may be left out
  --shard I/N            only the rows whose index modulo N is I (0 <= I < N): one of N machines
  --workers N            worker threads (default: the number of cores)
  --seed S               seed of every explanation (default 0); same seed, same lines
  --threshold P          precision each anchor must reach (default 0.95)
  --coverage-samples N   training samples coverage is measured on (default 10000)
  --model-url URL        explain the model behind this endpoint (v2, KServe v1 or Seldon) instead of the bundled one
  --protocol P           with --model-url: v2, kserve-v1 or seldon (default: inferred from the URL)
  --header 'K: V'        with --model-url: an HTTP header to send (repeatable)
  -h, --help             show this help

Progress and a summary go to stderr. Exit codes: 0 every row explained, 1 some rows failed (their error
lines say why) or the run could not start, 2 the command was called wrongly.
`;

export async function explainBatchCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      rows: { type: 'string' },
      shard: { type: 'string' },
      workers: { type: 'string' },
      seed: { type: 'string' },
      threshold: { type: 'string' },
      'coverage-samples': { type: 'string' },
      'model-url': { type: 'string' },
      protocol: { type: 'string' },
      header: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(EXPLAIN_BATCH_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one data set (${BUNDLED_TASKS.join(', ')}), got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`);
  const task = loadBundledTask(positionals[0]);
  if (values.out === undefined) throw new UsageError('--out FILE is required');
  const remoteFlag = (['protocol', 'header'] as const).find((f) => values[f] !== undefined);
  if (remoteFlag !== undefined && values['model-url'] === undefined) throw new UsageError(`--${remoteFlag} needs --model-url URL`);

  const job: BatchJob = {
    source: { kind: 'bundled', dataset: task.dataset.name },
    model:
      values['model-url'] === undefined
        ? { kind: 'demo', name: task.modelName as DemoModelName }
        : { kind: 'remote', url: values['model-url'], ...remoteFlags(values.protocol, values.header) },
    seed: numberFlag('seed', values.seed) ?? (ANCHOR_TABULAR_DEFAULTS.seed as number),
    explain: {
      threshold: numberFlag('threshold', values.threshold),
      coverageSamples: numberFlag('coverage-samples', values['coverage-samples'], { integer: true, min: 1 }),
    },
  };
  const summary = await explainBatch({
    job,
    out: values.out,
    rows: values.rows === undefined ? undefined : asUsage('rows', values.rows, parseRowRange),
    shard: values.shard === undefined ? undefined : asUsage('shard', values.shard, parseShard),
    workers: numberFlag('workers', values.workers, { integer: true, min: 1 }),
    onProgress: progressPrinter(io),
  });
  const failed = summary.failed > 0 ? `; ${summary.failed} failed (see their error lines)` : '';
  const resumed = summary.resumed > 0 ? ` (${summary.resumed} were already there)` : '';
  io.stderr(`explain-batch: ${summary.rows} rows in ${summary.out}${resumed}${failed}\n`);
  return summary.failed > 0 ? 1 : 0;
}

/** Parses a flag's value, turning the parser's InvalidInputError into a UsageError that names the flag. */
function asUsage<T>(flag: string, value: string, parse: (text: string) => T): T {
  try {
    return parse(value);
  } catch (err) {
    if (err instanceof InvalidInputError) throw new UsageError(`--${flag}: ${err.message}`);
    throw err;
  }
}

/** Prints progress to stderr at every tenth of the rows (every row on a terminal). */
function progressPrinter(io: CliIO): (p: BatchProgress) => void {
  let lastTenth = -1;
  return ({ done, total, failed }) => {
    const tenth = Math.floor((done * 10) / total);
    if (!io.interactive && tenth === lastTenth) return;
    lastTenth = tenth;
    io.stderr(`explain-batch: ${done}/${total} rows${failed > 0 ? `, ${failed} failed` : ''}\n`);
  };
}
