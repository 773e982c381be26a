import { parseArgs } from 'node:util';
import { COVERAGE_SAMPLES_MAX } from '../../anchors/options.js';
import { ANCHOR_TABULAR_DEFAULTS } from '../../anchors/tabular/anchor-tabular.js';
import { explainBatch, type BatchProgress } from '../../batch/explain-batch.js';
import type { BatchJob, BatchModel, BatchSource } from '../../batch/job.js';
import { parseRowRange, parseShard } from '../../batch/rows.js';
import { InvalidInputError } from '../../core/errors.js';
import { listDemoModels, type DemoModelName } from '../../models/demo-models.js';
import { BATCH_DEMO_MODULE } from '../batch-demo.js';
import { BUNDLED_TASKS, loadBundledTask } from '../bundled.js';
import { readExplainerManifest } from '../../persistence/explainer-dir.js';
import { numberFlag, thresholdFlag, UsageError, type CliIO } from '../io.js';
import { remoteFlags } from './explain.js';

export const EXPLAIN_BATCH_USAGE = `Usage: glassbox explain-batch DATASET --out FILE.jsonl [options]
       glassbox explain-batch --explainer DIR --data FILE.jsonl|FILE.csv (--model NAME | --model-url URL) --out FILE.jsonl [options]

Explains many rows on worker threads, each of which opens the explainer once, and writes one JSON line
per row, in row order:
  {"row": N, "explanation": {...}}   or   {"row": N, "error": {"type": "...", "message": "..."}}
DATASET (${BUNDLED_TASKS.join(', ')}): its held-out rows, with the bundled model and AnchorTabular fitted on
its training rows. --explainer DIR: a saved explainer (glassbox fit, saveExplainer) explaining the
instances of --data: JSON Lines, one instance per line, or for AnchorTabular a CSV file with a header of
feature names; row N is the file's instance N.
A row's line depends only on the settings and the row, never on the number of workers or shards.
FILE.manifest.json, beside the output, records the settings: rerun the same command to resume an
unfinished file (rows already written are skipped, a line cut short by a crash is redone); a rerun with
other settings is refused.

Options:
  --out FILE             the JSON Lines file to write or resume (required)
  --rows A:B             rows A to B-1 (default all); either end may be left out
  --shard I/N            only the rows whose index modulo N is I (0 <= I < N): one of N machines
  --workers N            worker threads (default: the number of cores; more help with a remote model)
  --seed S               DATASET: seed of the explainer (default 0); same seed, same lines
  --threshold P          precision each anchor must reach (default 0.95)
  --coverage-samples N   AnchorTabular: training samples coverage is measured on (default 10000)
  --explainer DIR        explain with the explainer saved in DIR (instead of DATASET)
  --data FILE            with --explainer: the instances to explain (.jsonl, .ndjson or .csv)
  --model NAME           a bundled model (${listDemoModels().map((m) => m.name).join(', ')}); by default DATASET's,
                         or the one the saved explainer's explainer.json names (glassbox fit --model)
  --model-url URL        the model behind this endpoint (v2, KServe v1 or Seldon) instead
  --protocol P           with --model-url: v2, kserve-v1 or seldon (default: inferred from the URL)
  --header 'K: V'        with --model-url: an HTTP header to send (repeatable)
  -h, --help             show this help

Progress (a line per tenth of the rows) and a summary go to stderr. Exit codes: 0 every row explained, 1 some rows failed (their error
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
      explainer: { type: 'string' },
      data: { type: 'string' },
      model: { type: 'string' },
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
  const source = await sourceFromFlags(positionals, values);
  if (values.out === undefined) throw new UsageError('--out FILE is required');
  const job: BatchJob = {
    source: source.source,
    model: modelFromFlags(values, source.modelName),
    demo: BATCH_DEMO_MODULE,
    explain: {
      threshold: values.threshold === undefined ? undefined : asUsage('threshold', values.threshold, parseThreshold),
      coverageSamples: numberFlag('coverage-samples', values['coverage-samples'], { integer: true, min: 1, max: COVERAGE_SAMPLES_MAX }),
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

interface Flags {
  seed?: string;
  explainer?: string;
  data?: string;
  model?: string;
  'model-url'?: string;
  protocol?: string;
  header?: string[];
}

/**
 * The source that DATASET, or --explainer and --data, name, and the bundled model explained unless
 * --model or --model-url say otherwise: the data set's, or the one the saved explainer's manifest names.
 */
export async function sourceFromFlags(positionals: string[], values: Flags): Promise<{ source: BatchSource; modelName?: DemoModelName }> {
  if (values.explainer === undefined) {
    if (values.data !== undefined) throw new UsageError('--data is for explaining with a saved explainer: --explainer DIR --data FILE');
    if (positionals.length !== 1) {
      throw new UsageError(`expected one data set (${BUNDLED_TASKS.join(', ')}) or --explainer DIR, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`);
    }
    const task = loadBundledTask(positionals[0]);
    const seed = numberFlag('seed', values.seed) ?? (ANCHOR_TABULAR_DEFAULTS.seed as number);
    return { source: { kind: 'bundled', dataset: task.dataset.name, seed }, modelName: task.modelName as DemoModelName };
  }
  if (positionals.length > 0) throw new UsageError(`--explainer DIR takes no data set; got ${positionals.join(' ')}`);
  if (values.data === undefined) throw new UsageError('--explainer DIR needs --data FILE (.jsonl or .csv) with the instances to explain');
  if (values.seed !== undefined) throw new UsageError('--seed is for a bundled data set; a saved explainer explains with the seed it was saved with');
  const source: BatchSource = { kind: 'saved', dir: values.explainer, data: values.data };
  if (values.model !== undefined || values['model-url'] !== undefined) return { source };
  const { model } = await readExplainerManifest(values.explainer);
  if (!isDemoModelName(model)) {
    throw new UsageError(`--explainer ${values.explainer} needs the model: --model NAME or --model-url URL (its explainer.json names ${model === undefined ? 'no model' : `"${model}", which is not a bundled model`})`);
  }
  return { source, modelName: model };
}

function isDemoModelName(name: string | undefined): name is DemoModelName {
  return listDemoModels().some((m) => m.name === name);
}

/** The model that --model, or --model-url with --protocol and --header, name; `fallback` without either. */
export function modelFromFlags(values: Flags, fallback: DemoModelName | undefined): BatchModel {
  const url = values['model-url'];
  const remoteFlag = (['protocol', 'header'] as const).find((f) => values[f] !== undefined);
  if (remoteFlag !== undefined && url === undefined) throw new UsageError(`--${remoteFlag} needs --model-url URL`);
  if (url !== undefined) {
    if (values.model !== undefined) throw new UsageError('--model and --model-url name two models; give one');
    return { kind: 'remote', url, ...remoteFlags(values.protocol, values.header) };
  }
  const name = values.model ?? fallback;
  if (!isDemoModelName(name)) {
    throw new UsageError(`--model is "${name}"; expected one of the bundled models: ${listDemoModels().map((m) => m.name).join(', ')}`);
  }
  return { kind: 'demo', name };
}

/** A precision threshold, checked here rather than in every worker for every row. */
export function parseThreshold(text: string): number {
  return thresholdFlag(text) as number;
}

/** Parses a flag's value, turning the parser's InvalidInputError into a UsageError that names the flag. */
export function asUsage<T>(flag: string, value: string, parse: (text: string) => T): T {
  try {
    return parse(value);
  } catch (err) {
    if (err instanceof InvalidInputError) throw new UsageError(`--${flag}: ${err.message}`);
    throw err;
  }
}

/** Prints progress to stderr: on a terminal one line rewritten after every row, elsewhere a line per tenth of the rows. */
export function progressPrinter(io: CliIO, command = 'explain-batch'): (p: BatchProgress) => void {
  let lastTenth = -1;
  return ({ done, total, failed }) => {
    const line = `${command}: ${done}/${total} rows${failed > 0 ? `, ${failed} failed` : ''}`;
    if (io.interactive) {
      io.stderr(`\r${line}${done === total ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor((done * 10) / total);
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    io.stderr(`${line}\n`);
  };
}
