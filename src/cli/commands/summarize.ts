import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseRowRange } from '../../batch/rows.js';
import type { BatchJob } from '../../batch/job.js';
import { GlassboxError } from '../../core/errors.js';
import type { Explanation } from '../../core/explanation.js';
import { MAX_SUMMARY_BUDGET, type AnchorSummaryData } from '../../summary/anchor-summary.js';
import { summarizeBatch, summarizeBatchFile } from '../../summary/batch-summary.js';
import { className } from '../../viz/anchor-card.js';
import { formatCount } from '../../viz/html.js';
import { BATCH_DEMO_MODULE } from '../batch-demo.js';
import { BUNDLED_TASKS, loadBundledTask } from '../bundled.js';
import { numberFlag, UsageError, type CliIO } from '../io.js';
import { checkRenderingFiles, writeRenderings } from '../renderings.js';
import { asUsage, modelFromFlags, parseThreshold, progressPrinter, sourceFromFlags } from './explain-batch.js';

export const SUMMARIZE_USAGE = `Usage: glassbox summarize DATASET [--rows A:B] [--budget N] [options]
       glassbox summarize --explainer DIR --data FILE (--model NAME | --model-url URL) [options]
       glassbox summarize --explanations FILE.jsonl [--budget N] [options]

Explains many rows with anchors (on worker threads, as explain-batch does), then picks at most N anchors
that together cover the most of the explained rows: the submodular pick of the anchors paper (Ribeiro
et al., AAAI 2018, 3.3), greedy, within 1 - 1/e of the best cover. Prints the picked anchors (class,
conditions, precision and coverage estimated by the search and measured on the explained rows, rows
added), the coverage by budget and the features the anchors use. With --explanations FILE alone, picks
from an explain-batch output that already exists.

Options:
  --budget N             anchors to pick, 1..${MAX_SUMMARY_BUDGET} (default 10; per class with --per-class)
  --per-class            pick N anchors for each predicted class, each covering that class's rows
  --rows A:B             rows A to B-1 to explain (default all)
  --workers N            worker threads (default: the number of cores)
  --explanations FILE    the explain-batch JSON Lines file to write or resume (default: a temporary file);
                         alone, without DATASET or --explainer: the file to summarise (repeatable: the
                         files of a sharded explain-batch run give the summary of the whole run)
  --dataset NAME         with --explanations alone: name the classes as this bundled data set does (${BUNDLED_TASKS.join(', ')})
  --out FILE             also write the summary JSON ({meta, data}) to FILE
  --html FILE            also write the summary card (coverage curve, picked anchors) as an HTML page
  --json                 print the summary JSON instead of the table
  --seed S, --threshold P, --coverage-samples N, --explainer DIR, --data FILE, --model NAME,
  --model-url URL, --protocol P, --header 'K: V'   as for explain-batch
  -h, --help             show this help
`;

const DEFAULT_BUDGET = 10;

export async function summarizeCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      budget: { type: 'string' },
      'per-class': { type: 'boolean', default: false },
      rows: { type: 'string' },
      workers: { type: 'string' },
      explanations: { type: 'string', multiple: true },
      dataset: { type: 'string' },
      out: { type: 'string' },
      html: { type: 'string' },
      json: { type: 'boolean', default: false },
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
    io.stdout(SUMMARIZE_USAGE);
    return 0;
  }
  const budget = numberFlag('budget', values.budget, { integer: true, min: 1 }) ?? DEFAULT_BUDGET;
  if (budget > MAX_SUMMARY_BUDGET) throw new UsageError(`--budget is ${budget}; expected an integer 1..${MAX_SUMMARY_BUDGET}`);
  const pick = { budget, perClass: values['per-class'] };
  const files = checkRenderingFiles({ html: values.html });
  if (values.out !== undefined && values.out.trim() === '') throw new UsageError('--out needs a file name');

  let summary: Explanation<AnchorSummaryData>;
  let targetNames: readonly string[] | undefined;
  if (positionals.length === 0 && values.explainer === undefined && values.explanations !== undefined) {
    const explainFlag = (['rows', 'workers', 'seed', 'threshold', 'coverage-samples', 'data', 'model', 'model-url', 'protocol', 'header'] as const).find((f) => values[f] !== undefined);
    if (explainFlag !== undefined) throw new UsageError(`--${explainFlag} is for explaining rows; with --explanations FILE alone the file is summarised as it is`);
    summary = summarizeBatchFile(values.explanations, pick);
    if (values.dataset !== undefined) targetNames = loadBundledTask(values.dataset).dataset.targetNames;
  } else {
    if (values.dataset !== undefined) throw new UsageError('--dataset names the classes of an --explanations file; to explain a data set, name it first: summarize adult');
    const source = await sourceFromFlags(positionals, values);
    if (source.source.kind === 'bundled') targetNames = loadBundledTask(source.source.dataset).dataset.targetNames;
    const job: BatchJob = {
      source: source.source,
      model: modelFromFlags(values, source.modelName),
      demo: BATCH_DEMO_MODULE,
      explain: {
        threshold: values.threshold === undefined ? undefined : asUsage('threshold', values.threshold, parseThreshold),
        coverageSamples: numberFlag('coverage-samples', values['coverage-samples'], { integer: true, min: 1 }),
      },
    };
    if ((values.explanations?.length ?? 0) > 1) throw new UsageError('--explanations names one file to write when explaining; several are for summarising existing files');
    const temporary = values.explanations === undefined ? mkdtempSync(join(tmpdir(), 'glassbox-summarize-')) : undefined;
    try {
      const out = values.explanations?.[0] ?? join(temporary as string, 'explanations.jsonl');
      const started = performance.now();
      const result = await summarizeBatch({
        job,
        out,
        rows: values.rows === undefined ? undefined : asUsage('rows', values.rows, parseRowRange),
        workers: numberFlag('workers', values.workers, { integer: true, min: 1 }),
        onProgress: progressPrinter(io, 'summarize'),
        ...pick,
      });
      summary = result.summary;
      const seconds = (performance.now() - started) / 1000;
      io.stderr(`summarize: ${formatCount(result.batch.rows)} rows explained in ${seconds.toFixed(1)} s${result.batch.resumed > 0 ? ` (${result.batch.resumed} resumed)` : ''}\n`);
    } finally {
      if (temporary !== undefined) rmSync(temporary, { recursive: true, force: true });
    }
  }

  if (values.json) io.stdout(`${JSON.stringify(summary)}\n`);
  else io.stdout(formatSummary(summary, targetNames));
  if (values.out !== undefined) {
    try {
      await writeFile(values.out, `${JSON.stringify(summary)}\n`);
    } catch (err) {
      throw new GlassboxError('OUTPUT_ERROR', `cannot write --out file "${values.out}": ${(err as Error).message}`, { cause: err });
    }
  }
  await writeRenderings(summary, { targetNames }, files);
  return 0;
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The summary as the terminal shows it: a line of totals, the picked anchors, the coverage curve, the features. */
export function formatSummary(summary: Explanation<AnchorSummaryData>, targetNames?: readonly string[]): string {
  const { data } = summary;
  const cls = (c: number | null) => (c === null ? 'all rows' : className(c, targetNames));
  const lines = [
    `${data.picked.length} anchors cover ${percent(data.union_coverage)} of ${formatCount(data.rows)} explained rows ` +
      `(${formatCount(data.candidates)} distinct anchors; ${formatCount(data.rows_without_anchor)} rows without one${data.rows_failed > 0 ? `, ${data.rows_failed} failed` : ''})`,
    '',
    ' #  class   prec(search) prec(rows) cov(rows)   rows  added  anchor',
  ];
  data.picked.forEach((p, k) => {
    lines.push(
      `${String(k + 1).padStart(2)}  ${cls(p.class).padEnd(7)} ${p.precision.toFixed(2).padStart(12)} ${p.data_precision.toFixed(2).padStart(10)} ${p.data_coverage.toFixed(2).padStart(9)} ` +
        `${formatCount(p.rows.length).padStart(6)} ${`+${formatCount(p.gain)}`.padStart(6)}  ${p.anchor.length === 0 ? '(empty)' : p.anchor.join(' AND ')}`,
    );
  });
  lines.push('');
  for (const g of data.groups) lines.push(`Coverage by budget (${cls(g.class)}): ${g.coverage_curve.map((c, k) => `${k + 1}: ${percent(c)}`).join('  ')}`);
  const features = Object.entries(data.feature_counts.all).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  lines.push(`Features in anchors: ${features.map(([f, n]) => `${f} ${n}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
