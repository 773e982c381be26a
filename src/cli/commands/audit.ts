import { parseArgs } from 'node:util';
import type { AnchorTabular } from '../../anchors/tabular/anchor-tabular.js';
import { auditAnchors, AUDIT_DEFAULTS, type AuditFinding, type AuditReport } from '../../audit/audit.js';
import { heldOutFromRecords } from '../../audit/held-out.js';
import { readDataFile } from '../../batch/data-file.js';
import { InvalidInputError } from '../../core/errors.js';
import { TabularSchema, type TabularRowInput } from '../../core/tabular-schema.js';
import { adultCounterfactualTask } from '../../datasets/adult-counterfactual.js';
import { listDemoModels, loadDemoModel, type DemoModelName } from '../../models/demo-models.js';
import { loadExplainer } from '../../persistence/explainer-dir.js';
import type { Predictor } from '../../predictors/predictor.js';
import { readExplanationFile } from '../../summary/explanation-file.js';
import { className } from '../../viz/anchor-card.js';
import { formatCount } from '../../viz/html.js';
import { BUNDLED_TASKS, loadBundledTask } from '../bundled.js';
import { numberFlag, UsageError, type CliIO } from '../io.js';
import { remoteFlags } from './explain.js';
import { asUsage, parseThreshold } from './explain-batch.js';
import { remotePredictor } from '../../predictors/remote/remote-predictor.js';

export const AUDIT_USAGE = `Usage: glassbox audit --explanations FILE --data HELDOUT.csv [--target COLUMN] [options]

Re-checks anchors on held-out rows the explainer never saw: for each anchor (of an explain-batch file,
explain --json output, a summary, or explain --with-counterfactual output), the model's predictions on
the held-out rows that satisfy it give its precision, with a confidence interval, and its coverage.
Counterfactuals are re-predicted. Each is flagged when the interval lies below the anchor's threshold,
when fewer than --min-rows held-out rows satisfy it, or when a counterfactual no longer flips the
prediction; it holds when its held-out precision reaches the threshold; else it is undecided.
Exit code 1 when anything is flagged, so that the audit can gate a model release.

Options:
  --explanations FILE  explanations: JSON Lines (explain-batch output or one explanation per line) or .json
  --data FILE          held-out rows: CSV with a header of feature names (any order), or JSON Lines
  --target COLUMN      the CSV's label column (class names or indices): also reports label agreement
  --dataset NAME       whose features the rows have (${BUNDLED_TASKS.join(', ')}; default adult) and whose bundled model
  --explainer DIR      take the features from this saved AnchorTabular explainer instead
  --model NAME         the bundled model explained (${listDemoModels().map((m) => m.name).join(', ')}; default the data set's)
  --model-url URL      the model behind this endpoint instead (--protocol P, --header 'K: V' as for explain)
  --confidence C       two-sided confidence of the intervals (default ${AUDIT_DEFAULTS.confidence})
  --interval M         wilson (default) or kl (the KL bound of the anchors search)
  --min-rows N         flag anchors satisfied by fewer held-out rows (default ${AUDIT_DEFAULTS.minRows})
  --threshold P        the precision anchors must hold (default each explanation's own threshold)
  --json               print the report JSON instead of the table
  -h, --help           show this help

Exit codes: 0 nothing flagged, 1 something flagged or the audit could not run, 2 the command was called wrongly.
`;

export async function auditCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      explanations: { type: 'string' },
      data: { type: 'string' },
      target: { type: 'string' },
      dataset: { type: 'string' },
      explainer: { type: 'string' },
      model: { type: 'string' },
      'model-url': { type: 'string' },
      protocol: { type: 'string' },
      header: { type: 'string', multiple: true },
      confidence: { type: 'string' },
      interval: { type: 'string' },
      'min-rows': { type: 'string' },
      threshold: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(AUDIT_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`audit takes no positional arguments; got ${positionals.join(' ')}`);
  if (values.explanations === undefined) throw new UsageError('--explanations FILE is required');
  if (values.data === undefined) throw new UsageError('--data FILE (the held-out rows) is required');
  if (values.interval !== undefined && values.interval !== 'wilson' && values.interval !== 'kl') throw new UsageError(`--interval is "${values.interval}"; expected wilson or kl`);
  if (values.model !== undefined && values['model-url'] !== undefined) throw new UsageError('--model and --model-url name two models; give one');
  const confidence = numberFlag('confidence', values.confidence);
  if (confidence !== undefined && !(confidence > 0 && confidence < 1)) throw new UsageError(`--confidence is ${confidence}; expected a number in (0, 1), e.g. 0.95`);
  const threshold = values.threshold === undefined ? undefined : asUsage('threshold', values.threshold, parseThreshold);

  const task = loadBundledTask(values.dataset ?? 'adult');
  const predictor = await modelFor(values, task.modelName, task.dataset.featureNames);
  const schema: TabularSchema =
    values.explainer === undefined
      ? new TabularSchema(task.dataset.featureNames, task.dataset.categoryMap)
      : ((await loadExplainer(values.explainer, predictor, { type: 'AnchorTabular' })).explainer as AnchorTabular).schema;
  const { explanations } = readExplanationFile(values.explanations);
  const heldOut = readHeldOut(values.data, schema, values.target, task.dataset.targetNames);
  const report = await auditAnchors(
    explanations.map((e) => e.explanation),
    heldOut.rows,
    predictor,
    {
      schema,
      ...(heldOut.labels !== undefined && { labels: heldOut.labels }),
      confidence,
      interval: values.interval as 'wilson' | 'kl' | undefined,
      minRows: numberFlag('min-rows', values['min-rows'], { integer: true, min: 1 }),
      threshold,
      // The prototype-guided counterfactuals of `counterfactual adult --method proto` live in the scaled space of the Adult task
      // (the diverse ones of `explain --with-counterfactual` in the model's own units: the audit re-predicts them with `predictor`).
      ...(task.dataset.name === 'adult' && values['model-url'] === undefined && { counterfactualPredictor: adultCounterfactualTask((values.model ?? task.modelName) as 'adult-gbt').predictor }),
    },
  );
  const rowsOf = explanations.map((e) => e.row);
  io.stdout(values.json ? `${JSON.stringify(report)}\n` : formatAudit(report, rowsOf, task.dataset.targetNames));
  return report.flagged > 0 ? 1 : 0;
}

async function modelFor(values: { model?: string; 'model-url'?: string; protocol?: string; header?: string[] }, fallback: string, featureNames: string[]): Promise<Predictor<number[]>> {
  if (values['model-url'] !== undefined) return remotePredictor(values['model-url'], { ...remoteFlags(values.protocol, values.header), featureNames });
  const name = values.model ?? fallback;
  if (!listDemoModels().some((m) => m.name === name)) {
    throw new UsageError(`--model is "${name}"; expected one of the bundled models: ${listDemoModels().map((m) => m.name).join(', ')}`);
  }
  return loadDemoModel(name as DemoModelName).predictor;
}

/** The held-out rows of a CSV file (checked column by column) or a JSON Lines file (one row per line). */
function readHeldOut(path: string, schema: TabularSchema, target: string | undefined, targetNames: readonly string[]): { rows: TabularRowInput[]; labels?: number[] } {
  const { format, instances } = readDataFile(path);
  if (format === 'csv') return heldOutFromRecords(instances as Record<string, string>[], schema, path, { target, targetNames });
  if (target !== undefined) throw new InvalidInputError(`--target is for CSV held-out files; ${path} is JSON Lines: write it as CSV with the label column`);
  return { rows: instances as TabularRowInput[] };
}

/** The report as the terminal shows it: a line per finding, then the counts. */
export function formatAudit(report: AuditReport, rows: readonly number[], targetNames?: readonly string[]): string {
  const lines = report.findings.map((f) => findingLine(f, rows, targetNames));
  const anchors = report.findings.filter((f) => f.kind === 'anchor').length;
  const cfs = report.findings.length - anchors;
  lines.push(
    '',
    `audit: ${report.holds} hold, ${report.undecided} undecided, ${report.flagged} flagged ` +
      `(${anchors} anchor${anchors === 1 ? '' : 's'}${cfs > 0 ? `, ${cfs} counterfactual${cfs === 1 ? '' : 's'}` : ''} on ${formatCount(report.held_out_rows)} held-out rows, ` +
      `${Math.round(report.confidence * 100)}% ${report.interval === 'wilson' ? 'Wilson' : 'KL'} intervals, at least ${report.min_rows} rows)`,
  );
  return `${lines.join('\n')}\n`;
}

function findingLine(f: AuditFinding, rows: readonly number[], targetNames?: readonly string[]): string {
  const status = f.status.toUpperCase().padEnd(9);
  const where = f.kind === 'anchor' && f.picked !== undefined ? `pick ${f.picked + 1}` : `row ${rows[f.explanation] ?? f.explanation}`;
  if (f.kind === 'counterfactual') {
    return `${status} ${where}: counterfactual of class ${className(f.class, targetNames)}: the model now predicts ${className(f.predicted, targetNames)}`;
  }
  const held =
    f.precision === null
      ? 'no held-out row satisfies it'
      : `precision ${f.precision.toFixed(3)} [${(f.interval as number[]).map((x) => x.toFixed(3)).join(', ')}] on ${formatCount(f.rows)} rows (claimed ${f.claimed_precision.toFixed(3)}, threshold ${f.threshold}), ` +
        `coverage ${f.coverage.toFixed(3)} (claimed ${f.claimed_coverage.toFixed(3)})${f.label_precision != null ? `, labels agree ${f.label_precision.toFixed(3)}` : ''}`;
  const reasons = f.reasons.length > 0 ? ` [${f.reasons.join(', ')}]` : '';
  return `${status} ${where}: ${f.anchor.length === 0 ? '(empty anchor)' : f.anchor.join(' AND ')} -> ${className(f.class, targetNames)}: ${held}${reasons}`;
}
