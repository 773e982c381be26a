import type { AnchorTabularData } from '../anchors/tabular/anchor-tabular.js';
import { satisfiesAnchor, type TabularPredicate } from '../anchors/tabular/predicates.js';
import { checkInteger, checkNumber, rejectUnknownOptions } from '../anchors/options.js';
import { ExplanationTypeError, HeldOutColumnsError, InvalidInputError } from '../core/errors.js';
import type { Explanation } from '../core/explanation.js';
import type { TabularRowInput, TabularSchema } from '../core/tabular-schema.js';
import { LabelModel, type Predictor } from '../predictors/predictor.js';
import type { AnchorSummaryData } from '../summary/anchor-summary.js';
import { proportionInterval, type Interval, type IntervalMethod } from './intervals.js';

/**
 * A held-out audit of explanations: an anchor's precision is estimated on perturbation samples drawn by
 * the explainer; the audit re-estimates it on real rows the explainer never saw, as the fraction of the
 * held-out rows satisfying the anchor for which the model predicts the anchor's class, with a two-sided
 * confidence interval, and its coverage as the fraction of held-out rows satisfying it. Counterfactuals
 * are re-predicted: one whose class the model no longer gives is invalid. Each finding:
 * - `flagged`: the interval lies wholly below the anchor's threshold, too few held-out rows satisfy the
 *   anchor to tell (`minRows`), or a counterfactual is invalid;
 * - `holds`: the held-out precision reaches the threshold (a counterfactual: still valid);
 * - `undecided`: below the threshold, but not confidently (the interval reaches it).
 */

/** The explainers whose explanations the audit reads. */
export const AUDITED_EXPLAINERS = Object.freeze(['AnchorTabular', 'AnchorSummary', 'AnchorCounterfactual', 'CounterfactualProto', 'Counterfactual', 'DiverseCounterfactuals']);

/**
 * Defaults: 95% intervals (the usual two-sided level); Wilson's interval, which keeps its coverage for
 * small n and proportions near 1 where the normal (Wald) interval does not (Brown, Cai & DasGupta,
 * "Interval Estimation for a Binomial Proportion", Statistical Science 16, 2001); 30 rows at least, the
 * rule of thumb below which a proportion near 0.95 cannot be told from 0.8 at that level; the anchors'
 * own threshold, 0.95 (Alibi's default) for explanations that do not record one.
 */
export const AUDIT_DEFAULTS = Object.freeze({ confidence: 0.95, interval: 'wilson' as IntervalMethod, minRows: 30, threshold: 0.95 });

/**
 * Options of {@link auditAnchors}: the confidence and kind of the intervals, the
 * rows a finding needs, and the precision threshold.
 */
export interface AuditOptions {
  /** Two-sided confidence of the intervals, in (0, 1); default 0.95. */
  confidence?: number;
  /** `wilson` (default) or `kl`, the Kullback–Leibler bound of the anchors search. */
  interval?: IntervalMethod;
  /** An anchor satisfied by fewer held-out rows is flagged (`too_few_rows`); default 30. */
  minRows?: number;
  /** The precision each anchor must hold; default the explanation's own `meta.params.threshold`. */
  threshold?: number;
  /** The held-out rows' true classes, to report how often they agree with each anchor's class too. */
  labels?: readonly number[];
  /**
   * The explainer's schema: rows given as objects or with category names are encoded by it, and each
   * anchor's feature names are checked against it. Without it rows must be encoded number arrays.
   */
  schema?: TabularSchema;
  /**
   * The model the gradient-based counterfactuals (CounterfactualProto, Counterfactual) were found with,
   * when it reads another encoding than `predictor` (e.g. scaled rows). DiverseCounterfactuals search
   * in the explained model's own encoding: theirs are re-predicted by `predictor`.
   */
  counterfactualPredictor?: Predictor<number[]>;
}

/** The verdict of a finding: the claim holds, the data cannot decide, or it is flagged. */
export type AuditStatus = 'holds' | 'undecided' | 'flagged';
/** Why a finding is not `holds`. */
export type AuditReason = 'below_threshold' | 'too_few_rows' | 'invalid_counterfactual';

/**
 * What a held-out audit found about an anchor: its claimed precision and coverage, the held-out rows it holds
 * on, their precision with an interval, and the verdict.
 */
export interface AnchorFinding {
  kind: 'anchor';
  /** Which explanation (its position in the list), and for a summary which picked anchor. */
  explanation: number;
  picked?: number;
  anchor: string[];
  class: number;
  threshold: number;
  /** What the explainer estimated on its samples. */
  claimed_precision: number;
  claimed_coverage: number;
  /** Held-out rows satisfying the anchor, and of those, the ones the model predicts `class` for. */
  rows: number;
  agreeing: number;
  /** `agreeing / rows` (null when no row satisfies the anchor) and its interval. */
  precision: number | null;
  interval: Interval | null;
  /** Fraction of the held-out rows satisfying the anchor. */
  coverage: number;
  /** With labels: fraction of the satisfying rows whose true class is `class`. */
  label_precision?: number | null;
  status: AuditStatus;
  reasons: AuditReason[];
}

/** What a held-out audit found about a counterfactual: whether the model still predicts the class it claims. */
export interface CounterfactualFinding {
  kind: 'counterfactual';
  explanation: number;
  /** The class the counterfactual claims, and the one the model predicts for it now. */
  class: number;
  predicted: number;
  valid: boolean;
  status: AuditStatus;
  reasons: AuditReason[];
}

/** One finding of a held-out audit: of an anchor, or of a counterfactual. */
export type AuditFinding = AnchorFinding | CounterfactualFinding;

/**
 * The result of a held-out audit: one finding per explanation (or picked anchor), and how many hold, are
 * undecided and are flagged.
 */
export interface AuditReport {
  findings: AuditFinding[];
  /** How many findings hold, are undecided and are flagged. */
  holds: number;
  undecided: number;
  flagged: number;
  /** Held-out rows and the settings used. */
  held_out_rows: number;
  confidence: number;
  interval: IntervalMethod;
  min_rows: number;
}

/** A counterfactual to re-predict: `own` when it is in the explained model's encoding (not `counterfactualPredictor`'s). */
interface AuditedCounterfactual {
  explanation: number;
  X: number[];
  class: number;
  own: boolean;
}

/** An anchor to check, wherever it came from. */
interface AuditedAnchor {
  explanation: number;
  picked?: number;
  anchor: string[];
  predicates: TabularPredicate[];
  class: number;
  precision: number;
  coverage: number;
  threshold: number;
  width: number | undefined;
}

/**
 * Audits the anchors and counterfactuals of `explanations` (AnchorTabular, AnchorSummary,
 * AnchorCounterfactual, CounterfactualProto, Counterfactual or DiverseCounterfactuals explanations, each
 * of the latter's `data.cfs` a counterfactual) on `heldOutRows` with the
 * model `predictor` (the one explained): one model call for the held-out rows, one per counterfactual
 * model for the counterfactuals.
 *
 * @throws ExplanationTypeError for an explanation of another explainer; InvalidInputError for options
 *   out of range, no held-out rows, rows that do not match the explanations or the schema, labels of
 *   the wrong length; PredictorError when the model fails.
 */
export async function auditAnchors(
  explanations: readonly Explanation<unknown>[],
  heldOutRows: readonly TabularRowInput[],
  predictor: Predictor<number[]>,
  options: AuditOptions = {},
): Promise<AuditReport> {
  rejectUnknownOptions(options, ['confidence', 'interval', 'minRows', 'threshold', 'labels', 'schema', 'counterfactualPredictor']);
  const { confidence = AUDIT_DEFAULTS.confidence, interval = AUDIT_DEFAULTS.interval, minRows = AUDIT_DEFAULTS.minRows, labels, schema } = options;
  checkNumber('confidence', confidence, 0, 1, { openLow: true, openHigh: true });
  if (interval !== 'wilson' && interval !== 'kl') throw new InvalidInputError(`option interval is ${String(interval)}; expected "wilson" or "kl"`);
  checkInteger('minRows', minRows, 1);
  if (options.threshold !== undefined) checkNumber('threshold', options.threshold, 0, 1, { openLow: true });
  if (!Array.isArray(explanations) || explanations.length === 0) throw new InvalidInputError('auditAnchors needs at least one explanation');
  if (!Array.isArray(heldOutRows) || heldOutRows.length === 0) throw new InvalidInputError('auditAnchors needs at least one held-out row');
  if (labels !== undefined && (!Array.isArray(labels) || labels.length !== heldOutRows.length || !labels.every(Number.isInteger))) {
    throw new InvalidInputError(`option labels must be ${heldOutRows.length} integer classes, one per held-out row`);
  }

  const anchors: AuditedAnchor[] = [];
  const counterfactuals: AuditedCounterfactual[] = [];
  explanations.forEach((e, i) => collect(e, i, options.threshold, anchors, counterfactuals));
  const rows = encodeHeldOut(heldOutRows, schema, anchors);

  const findings: AuditFinding[] = [];
  if (anchors.length > 0) {
    const predicted = await new LabelModel(predictor).labels(rows);
    for (const a of anchors) {
      let n = 0;
      let agreeing = 0;
      let labelled = 0;
      rows.forEach((row, r) => {
        if (!satisfiesAnchor(a.predicates, row)) return;
        n++;
        if (predicted[r] === a.class) agreeing++;
        if (labels?.[r] === a.class) labelled++;
      });
      const bounds = n === 0 ? null : proportionInterval(interval, agreeing, n, confidence);
      const reasons: AuditReason[] = [];
      if (n < minRows) reasons.push('too_few_rows');
      if (bounds !== null && bounds[1] < a.threshold) reasons.push('below_threshold');
      const precision = n === 0 ? null : agreeing / n;
      findings.push({
        kind: 'anchor',
        explanation: a.explanation,
        ...(a.picked !== undefined && { picked: a.picked }),
        anchor: a.anchor,
        class: a.class,
        threshold: a.threshold,
        claimed_precision: a.precision,
        claimed_coverage: a.coverage,
        rows: n,
        agreeing,
        precision,
        interval: bounds,
        coverage: n / rows.length,
        ...(labels !== undefined && { label_precision: n === 0 ? null : labelled / n }),
        status: reasons.length > 0 ? 'flagged' : (precision as number) >= a.threshold ? 'holds' : 'undecided',
        reasons,
      });
    }
  }
  if (counterfactuals.length > 0) {
    for (const own of [false, true]) {
      const group = counterfactuals.filter((c) => c.own === own);
      if (group.length === 0) continue;
      const predicted = await new LabelModel(own ? predictor : (options.counterfactualPredictor ?? predictor)).labels(group.map((c) => c.X));
      group.forEach((c, k) => {
        const valid = predicted[k] === c.class;
        findings.push({ kind: 'counterfactual', explanation: c.explanation, class: c.class, predicted: predicted[k], valid, status: valid ? 'holds' : 'flagged', reasons: valid ? [] : ['invalid_counterfactual'] });
      });
    }
    findings.sort((a, b) => a.explanation - b.explanation);
  }
  const count = (s: AuditStatus) => findings.filter((f) => f.status === s).length;
  return { findings, holds: count('holds'), undecided: count('undecided'), flagged: count('flagged'), held_out_rows: rows.length, confidence, interval, min_rows: minRows };
}

/** Adds the anchors and counterfactuals of explanation `i` to the lists. */
function collect(
  e: Explanation<unknown>,
  i: number,
  threshold: number | undefined,
  anchors: AuditedAnchor[],
  counterfactuals: AuditedCounterfactual[],
): void {
  const name = (e as { meta?: { name?: unknown } } | null)?.meta?.name;
  const where = `explanation ${i}`;
  const own = (explanation: Explanation<unknown>) => threshold ?? numberOr(explanation.meta.params?.threshold, AUDIT_DEFAULTS.threshold);
  if (name === 'AnchorTabular') {
    const { data } = e as Explanation<AnchorTabularData>;
    if (!Array.isArray(data?.raw?.predicates)) throw new InvalidInputError(`${where} is an AnchorTabular explanation without data.raw.predicates`);
    // The audit checks label agreement; a regression anchor's prediction is a value in an interval.
    if (data.raw.task === 'regression') throw new ExplanationTypeError(['AnchorTabular (of a classifier)'], 'an AnchorTabular explanation of a regression model', where);
    anchors.push({ explanation: i, anchor: data.anchor, predicates: data.raw.predicates, class: data.raw.prediction, precision: data.precision, coverage: data.coverage, threshold: own(e), width: data.raw.instance?.length });
  } else if (name === 'AnchorSummary') {
    const { data, meta } = e as Explanation<AnchorSummaryData>;
    if (!Array.isArray(data?.picked)) throw new InvalidInputError(`${where} is an AnchorSummary without data.picked`);
    const t = threshold ?? numberOr(meta.params?.threshold, AUDIT_DEFAULTS.threshold);
    data.picked.forEach((p, k) =>
      anchors.push({ explanation: i, picked: k, anchor: p.anchor, predicates: p.predicates, class: p.class, precision: p.precision, coverage: p.coverage, threshold: t, width: undefined }),
    );
  } else if (name === 'AnchorCounterfactual') {
    const { data } = e as Explanation<{ anchor: Explanation<unknown>; cf: Explanation<unknown> }>;
    const parts = [data?.anchor, data?.cf];
    if (parts.some((p) => p === undefined)) throw new InvalidInputError(`${where} is an AnchorCounterfactual without data.anchor and data.cf`);
    const start = anchors.length;
    collect(data.anchor, i, threshold, anchors, counterfactuals);
    collect(data.cf, i, threshold, anchors, counterfactuals);
    if (anchors.length === start) throw new ExplanationTypeError(['AnchorTabular'], `an anchor of ${String(data.anchor.meta?.name)}`, `${where}'s data.anchor`);
  } else if (name === 'CounterfactualProto' || name === 'Counterfactual') {
    // Validity is re-checked as the class reached; a regression counterfactual reaches a range instead.
    if ((e.data as { task?: unknown }).task === 'regression') throw new ExplanationTypeError(['Counterfactual (of a classifier)'], 'a Counterfactual explanation of a regression model', where);
    const cf = (e.data as { cf?: { X: unknown; class: number } | null }).cf;
    if (cf !== null && cf !== undefined) counterfactuals.push({ explanation: i, X: flatNumbers(cf.X, `${where}'s data.cf.X`), class: cf.class, own: false });
  } else if (name === 'DiverseCounterfactuals') {
    if ((e.data as { task?: unknown }).task === 'regression') throw new ExplanationTypeError(['DiverseCounterfactuals (of a classifier)'], 'a DiverseCounterfactuals explanation of a regression model', where);
    const cfs = (e.data as { cfs?: { X: unknown; class: number }[] }).cfs;
    if (!Array.isArray(cfs)) throw new InvalidInputError(`${where} is a DiverseCounterfactuals explanation without data.cfs`);
    cfs.forEach((cf, k) => counterfactuals.push({ explanation: i, X: flatNumbers(cf?.X, `${where}'s data.cfs[${k}].X`), class: cf.class, own: true }));
  } else {
    throw new ExplanationTypeError(AUDITED_EXPLAINERS, typeof name === 'string' ? `an explanation of ${name}` : 'not an explanation', where);
  }
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

function flatNumbers(x: unknown, where: string): number[] {
  const flat = Array.isArray(x) ? (x.flat(Infinity) as unknown[]) : [];
  if (flat.length === 0 || !flat.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new InvalidInputError(`${where} is not an array of finite numbers; expected the counterfactual as the explainer wrote it`);
  }
  return flat as number[];
}

/** The held-out rows encoded (by the schema, when given), checked against every anchor's features. */
function encodeHeldOut(heldOutRows: readonly TabularRowInput[], schema: TabularSchema | undefined, anchors: readonly AuditedAnchor[]): number[][] {
  if (schema !== undefined) checkColumns(heldOutRows, schema);
  const rows = schema !== undefined ? schema.encodeRows(heldOutRows, 'held-out row') : heldOutRows.map((r, i) => plainRow(r, i));
  const width = rows[0].length;
  rows.forEach((r, i) => {
    if (r.length !== width) throw new InvalidInputError(`held-out row ${i} has ${r.length} values but row 0 has ${width}; expected rows of one width`);
  });
  for (const a of anchors) {
    if (a.width !== undefined && a.width !== width) {
      throw new InvalidInputError(`explanation ${a.explanation} explains rows of ${a.width} features but the held-out rows have ${width}; expected held-out rows of the explainer's features`);
    }
    for (const p of a.predicates) {
      if (p.feature >= width || (schema !== undefined && schema.featureNames[p.feature] !== p.name)) {
        const found = schema === undefined ? `only ${width} columns` : `"${schema.featureNames[p.feature] ?? '(none)'}" there`;
        throw new InvalidInputError(`explanation ${a.explanation}'s anchor constrains feature ${p.feature} ("${p.name}") but the held-out rows have ${found}; expected the explainer's features`);
      }
    }
  }
  return rows;
}

/** Held-out rows given as objects must have the schema's features as keys, and nothing else. */
function checkColumns(rows: readonly TabularRowInput[], schema: TabularSchema): void {
  rows.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row) || ArrayBuffer.isView(row)) return;
    const keys = Object.keys(row);
    const missing = schema.featureNames.filter((f) => !keys.includes(f));
    const extra = keys.filter((k) => !schema.featureNames.includes(k));
    if (missing.length > 0 || extra.length > 0) throw new HeldOutColumnsError(missing, extra, `held-out row ${i}`, schema.featureNames);
  });
}

function plainRow(row: TabularRowInput, i: number): number[] {
  const values = Array.isArray(row) || ArrayBuffer.isView(row) ? Array.from(row as ArrayLike<unknown>) : undefined;
  if (values === undefined || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new InvalidInputError(`held-out row ${i} is not an array of finite numbers; pass the explainer's schema (option schema) to audit rows with names or categories`);
  }
  return values as number[];
}
