import { InvalidInputError } from '../core/errors.js';
import type { ExplanationMeta } from '../core/explanation.js';
import { fractionBar } from './bars.js';
import { escapeHtml, formatCount } from './html.js';

/** Options every anchor card takes. */
export interface AnchorRenderOptions {
  /** Class names by label; without them a class is `class 1`. */
  targetNames?: readonly string[];
  /** Covered examples shown per list (agree, disagree). Default 5. */
  maxExamples?: number;
}

/** The class name of label `label`, or `class N` when the names are not known. */
export function className(label: number, targetNames?: readonly string[]): string {
  return targetNames?.[label] ?? `class ${label}`;
}

/** The `maxExamples` option, checked, with its default of 5. */
export function checkMaxExamples(maxExamples: number | undefined): number {
  const max = maxExamples ?? 5;
  if (!Number.isInteger(max) || max < 0) throw new InvalidInputError(`option maxExamples is ${max}; expected an integer >= 0`);
  return max;
}

/** What every anchor card shows, whatever the modality: the part of an anchor explanation it reads. */
export interface AnchorSummary {
  meta: ExplanationMeta;
  /** The predicted class, named (a regression model: its value and the interval the anchor keeps it in). */
  prediction: string;
  /** The anchor's conditions, readable. */
  anchor: readonly string[];
  precision: number;
  coverage: number;
  /** The readable anchor after each search step, with its precision and coverage. */
  steps: ReadonlyArray<{ names: readonly string[]; precision: number; coverage: number }>;
  success: boolean;
  warning?: string;
  numSamples: number;
  modelCalls: number;
  modelRows: number;
}

/** The fields every anchor explanation's `data` has, whatever the modality. */
export interface AnchorDataCommon {
  anchor: string[];
  precision: number;
  coverage: number;
  raw: {
    names: string[][];
    precision: number[];
    coverage: number[];
    success: boolean;
    warning?: string;
    prediction: number;
    /** Regression: the interval the anchor keeps the predicted value in. */
    prediction_interval?: [number, number];
    num_preds: number;
    model_calls: number;
    model_rows: number;
  };
}

/** The summary of an anchor explanation, with the predicted class named. */
export function summarizeAnchor(meta: ExplanationMeta, data: AnchorDataCommon, targetNames?: readonly string[]): AnchorSummary {
  const { raw } = data;
  return {
    meta,
    prediction:
      raw.prediction_interval === undefined
        ? className(raw.prediction, targetNames)
        : `${raw.prediction.toFixed(2)} ∈ [${raw.prediction_interval[0].toFixed(2)}, ${raw.prediction_interval[1].toFixed(2)}]`,
    anchor: data.anchor,
    precision: data.precision,
    coverage: data.coverage,
    steps: raw.names.map((names, i) => ({ names, precision: raw.precision[i], coverage: raw.coverage[i] })),
    success: raw.success,
    warning: raw.warning,
    numSamples: raw.num_preds,
    modelCalls: raw.model_calls,
    modelRows: raw.model_rows,
  };
}

/** The conditions of an anchor as pills joined by AND. */
function anchorPills(conditions: readonly string[]): string {
  return conditions.map((c) => `<span class="gbx-pill">${escapeHtml(c)}</span>`).join('<span class="gbx-and">AND</span>');
}

/**
 * The top of an anchor card (Ribeiro et al., AAAI 2018, section 2: an anchor is a rule that holds with
 * precision above a threshold, and its coverage is how often it applies): the prediction, the anchor,
 * its precision against the threshold it had to reach, and its coverage.
 */
export function anchorHeader(s: AnchorSummary, emptyAnchorNote: string): string {
  const threshold = typeof s.meta.params.threshold === 'number' ? s.meta.params.threshold : undefined;
  const anchor =
    s.anchor.length > 0 ? anchorPills(s.anchor) : `<span class="gbx-note">${escapeHtml(emptyAnchorNote)}</span>`;
  return (
    `<h3>Why the model predicts <span class="gbx-pill">${escapeHtml(s.prediction)}</span>` +
    `<span class="gbx-kind">${escapeHtml(s.meta.name)}</span></h3>` +
    `<div class="gbx-grid">` +
    `<span class="gbx-label">Anchor</span><span>${anchor}</span>` +
    `<span class="gbx-label">Precision</span><span>${fractionBar(s.precision, { label: 'precision', tick: threshold })}` +
    (threshold === undefined ? '' : ` <span class="gbx-note">threshold ${escapeHtml(threshold)}</span>`) +
    `</span>` +
    `<span class="gbx-label">Coverage</span><span>${fractionBar(s.coverage, { label: 'coverage' })}</span>` +
    `</div>` +
    (s.success || s.warning === undefined ? '' : `<div class="gbx-warning">${escapeHtml(s.warning)}</div>`)
  );
}

/**
 * How the beam search built the anchor, one row per step: the conditions it added (the anchor so far
 * minus the one before; numeric bounds on one feature merge, so a step may restate a condition) and the
 * precision and coverage of the anchor after that step.
 */
export function anchorSteps(s: AnchorSummary): string {
  if (s.steps.length === 0) return '';
  const rows = s.steps.map((step, i) => {
    const before = new Set(i === 0 ? [] : s.steps[i - 1].names);
    const added = step.names.filter((n) => !before.has(n));
    return (
      `<tr><td>${i + 1}</td><td>${anchorPills(added)}</td>` +
      `<td>${fractionBar(step.precision, { label: `precision after step ${i + 1}`, width: 100 })}</td>` +
      `<td>${fractionBar(step.coverage, { label: `coverage after step ${i + 1}`, width: 100 })}</td></tr>`
    );
  });
  return (
    `<h4>How the anchor was built</h4><div class="gbx-scroll"><table>` +
    `<thead><tr><th>step</th><th>added</th><th>precision</th><th>coverage</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div>`
  );
}

/** The heading of a list of covered examples: where the model agrees with the prediction, or not. */
export interface ExamplesHeading {
  text: string;
  agrees: boolean;
  /** What to say when there are no such examples. */
  none: string;
}

/** The heading of a group of covered examples with how many are shown, or the note when there are none. */
export function examplesHeading(heading: ExamplesHeading, shown: number, total: number): string {
  const count = total > shown ? `${shown} of ${formatCount(total)}` : formatCount(total);
  return (
    `<h4><span class="${heading.agrees ? 'gbx-agree' : 'gbx-disagree'}">${escapeHtml(heading.text)}</span> ` +
    `<span class="gbx-note">(${count})</span></h4>` +
    (total === 0 ? `<div class="gbx-note">${escapeHtml(heading.none)}</div>` : '')
  );
}

/**
 * The footer: explainer, seed, `details` (e.g. the sampling), and the counts of the search (never
 * timings: explanations are reproducible).
 */
export function anchorFooter(s: AnchorSummary, details: readonly string[] = []): string {
  const seed = s.meta.params.seed;
  return (
    `<div class="gbx-footer">${escapeHtml(s.meta.name)}` +
    (seed === undefined ? '' : ` · seed ${escapeHtml(seed)}`) +
    details.map((d) => ` · ${escapeHtml(d)}`).join('') +
    ` · ${formatCount(s.numSamples)} samples · ${formatCount(s.modelRows)} model rows in ${formatCount(s.modelCalls)} calls` +
    ` · glassbox ${escapeHtml(s.meta.version)}</div>`
  );
}
