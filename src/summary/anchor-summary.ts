import type { AnchorTabularData, AnchorTabularExplainOptions } from '../anchors/tabular/anchor-tabular.js';
import { satisfiesAnchor, type TabularPredicate } from '../anchors/tabular/predicates.js';
import { checkBoolean, checkInteger, rejectUnknownOptions } from '../anchors/options.js';
import { emptyBitset, popcount32, setBit } from '../core/bitset.js';
import { ExplanationTypeError, InvalidInputError } from '../core/errors.js';
import type { Explanation, ExplanationMeta } from '../core/explanation.js';
import type { TabularRowInput } from '../core/tabular-schema.js';
import { VERSION } from '../version.js';
import { greedyCover } from './greedy-cover.js';

/**
 * A global summary of a tabular model by its anchors: explain many rows, then pick the few anchors that
 * together cover the most of them (the submodular pick of the anchors paper, Ribeiro, Singh & Guestrin,
 * AAAI 2018, §3.3, after SP-LIME, KDD 2016; see {@link greedyCover}). The summary is an explanation of
 * its own, `meta.name` "AnchorSummary" with `meta.explanations` `["global"]`; it holds counts and the
 * explanations' values only, so the same seed and rows give the same bytes.
 */

/** The most anchors a summary may pick (per class with `perClass`): a summary is for people to read. */
export const MAX_SUMMARY_BUDGET = 1000;

/**
 * Options of a global anchor summary (the anchors paper's submodular pick): how many anchors, and whether
 * per predicted class.
 */
export interface SummaryOptions {
  /** At most this many anchors are picked (per predicted class with `perClass`): an integer 1..1000. */
  budget: number;
  /**
   * Pick `budget` anchors for each predicted class, each covering the rows the model predicts that class
   * for; default false: `budget` anchors of any class, covering any rows.
   */
  perClass?: boolean;
}

/** One explained row: its index in the data and its anchor explanation. */
export interface ExplainedRow {
  row: number;
  explanation: Explanation<AnchorTabularData>;
}

/** A picked anchor, with how it fares on the explained rows. */
export interface PickedAnchor {
  /** The readable conditions (`data.anchor` of the explanations that found it). */
  anchor: string[];
  predicates: TabularPredicate[];
  /** The class the anchor keeps (the prediction of the rows it was found for). */
  class: number;
  /** Precision and coverage as the search estimated them (of the first row that found this anchor). */
  precision: number;
  coverage: number;
  /** Fraction of the explained rows that satisfy the anchor. */
  data_coverage: number;
  /** Fraction of the explained rows satisfying the anchor for which the model predicts `class`. */
  data_precision: number;
  /** The explained rows that satisfy the anchor (their `row` indices, ascending). */
  rows: number[];
  /** The explained rows whose explanation is this anchor. */
  explained_rows: number[];
  /** Rows this pick added to the union of the anchors picked before it (in its group). */
  gain: number;
}

/** The picks of one group: every row (overall), or the rows predicted as one class (`perClass`). */
export interface SummaryGroup {
  /** The predicted class of the group's rows, or null for the overall pick. */
  class: number | null;
  /** Explained rows in the group: the rows its anchors can cover. */
  rows: number;
  /** Indices into `picked` of this group's anchors, in the order picked. */
  picked: number[];
  /** Fraction of the group's rows covered by its first 1, 2, ... picked anchors. */
  coverage_curve: number[];
}

/** The `data` of an anchor summary: the anchors picked, the coverage of their union, and the rows they explain. */
export interface AnchorSummaryData {
  picked: PickedAnchor[];
  /** Fraction of the explained rows satisfying at least one picked anchor. */
  union_coverage: number;
  groups: SummaryGroup[];
  /** How many anchors each feature appears in: of all distinct anchors found, and of the picked ones. */
  feature_counts: { all: Record<string, number>; picked: Record<string, number> };
  /** Explained rows (the rows covered are counted among these). */
  rows: number;
  /** Explained rows whose search found no anchor reaching the threshold (their anchors are not picked). */
  rows_without_anchor: number;
  /** Rows that could not be explained (error lines of a batch file); not counted in `rows`. */
  rows_failed: number;
  /** Distinct anchors (predicates and class) among the explanations: the candidates of the pick. */
  candidates: number;
}

/** Checks `options` as a summary takes them. */
export function checkSummaryOptions(options: SummaryOptions): Required<SummaryOptions> {
  if (options === null || typeof options !== 'object') throw new InvalidInputError('summary options must be an object { budget, perClass? }');
  rejectUnknownOptions(options, ['budget', 'perClass']);
  const { budget, perClass = false } = options;
  checkInteger('budget', budget, 1);
  if (budget > MAX_SUMMARY_BUDGET) throw new InvalidInputError(`option budget is ${budget}; expected an integer 1..${MAX_SUMMARY_BUDGET}`);
  checkBoolean('perClass', perClass);
  return { budget, perClass };
}

/** Checks that `value` is an AnchorTabular explanation; `where` names it. */
export function checkAnchorTabular(value: unknown, where: string): Explanation<AnchorTabularData> {
  const name = (value as { meta?: { name?: unknown } } | null)?.meta?.name;
  if (name !== 'AnchorTabular') {
    throw new ExplanationTypeError(['AnchorTabular'], typeof name === 'string' ? `an explanation of ${name}` : 'not an explanation', where);
  }
  const data = (value as { data?: Partial<AnchorTabularData> }).data;
  if (!Array.isArray(data?.raw?.predicates) || !Array.isArray(data?.raw?.instance) || typeof data?.raw?.prediction !== 'number') {
    throw new InvalidInputError(`${where} is an AnchorTabular explanation without data.raw.predicates, instance and prediction; expected one written by AnchorTabular.explain`);
  }
  // Anchors are grouped and checked by class; a regression anchor's prediction is a value in an interval.
  if (data.raw.task === 'regression') {
    throw new ExplanationTypeError(['AnchorTabular (of a classifier)'], 'an AnchorTabular explanation of a regression model', where);
  }
  return value as Explanation<AnchorTabularData>;
}

interface Candidate {
  explanation: Explanation<AnchorTabularData>;
  explainedRows: number[];
}

/**
 * Picks the anchors that summarise `explained` (see the module's doc): the candidates are the distinct
 * anchors whose search succeeded; a candidate covers the explained rows that satisfy its conditions
 * (whatever the model predicts for them: `data_precision` says how often it predicts the anchor's class).
 * `rowsFailed` counts rows that could not be explained, for the report.
 *
 * @throws ExplanationTypeError for an explanation that is not AnchorTabular's; InvalidInputError for a
 *   budget out of range, no rows, rows of different widths or a row index twice.
 */
export function pickAnchors(explained: readonly ExplainedRow[], options: SummaryOptions, rowsFailed = 0): Explanation<AnchorSummaryData> {
  const { budget, perClass } = checkSummaryOptions(options);
  if (!Array.isArray(explained) || explained.length === 0) throw new InvalidInputError('a summary needs at least one explained row; got none');
  const seen = new Set<number>();
  explained.forEach(({ row, explanation }, i) => {
    checkAnchorTabular(explanation, `explained row ${i} (row ${row})`);
    if (!Number.isSafeInteger(row) || row < 0 || seen.has(row)) {
      throw new InvalidInputError(`explained row ${i} has row index ${String(row)}; expected distinct integers >= 0`);
    }
    seen.add(row);
    for (const param of ['seed', 'threshold'] as const) {
      const mine = explanation.meta.params?.[param];
      const theirs = explained[0].explanation.meta.params?.[param];
      if (mine !== theirs) {
        throw new InvalidInputError(`row ${row} was explained with ${param} ${String(mine)} but row ${explained[0].row} with ${String(theirs)}; expected the explanations of one run (one seed and threshold)`);
      }
    }
    const width = explanation.data.raw.instance.length;
    if (width !== explained[0].explanation.data.raw.instance.length) {
      throw new InvalidInputError(`row ${row} has ${width} features but row ${explained[0].row} has ${explained[0].explanation.data.raw.instance.length}; expected explanations of one explainer`);
    }
  });

  const candidates = distinctAnchors(explained);
  const classes = perClass ? [...new Set(explained.map((e) => e.explanation.data.raw.prediction))].sort((a, b) => a - b) : [null];
  const picked: PickedAnchor[] = [];
  const groups: SummaryGroup[] = [];
  const union = emptyBitset(explained.length);
  for (const cls of classes) {
    const inGroup = explained.map((e) => cls === null || e.explanation.data.raw.prediction === cls);
    const groupRows = inGroup.filter(Boolean).length;
    const pool = candidates.filter((c) => cls === null || c.explanation.data.raw.prediction === cls);
    const sets = pool.map((c) => coveredRows(c, explained, inGroup));
    const cover = greedyCover(sets, budget);
    const group: SummaryGroup = { class: cls, rows: groupRows, picked: [], coverage_curve: cover.covered.map((n) => n / groupRows) };
    cover.picked.forEach((s, k) => {
      for (let w = 0; w < union.length; w++) union[w] |= sets[s][w];
      group.picked.push(picked.length);
      picked.push(describePick(pool[s], explained, cover.gains[k]));
    });
    groups.push(group);
  }
  const unionCount = union.reduce((n, word) => n + popcount32(word), 0);

  const data: AnchorSummaryData = {
    picked,
    union_coverage: unionCount / explained.length,
    groups,
    feature_counts: { all: featureCounts(candidates.map((c) => c.explanation.data.raw.predicates)), picked: featureCounts(picked.map((p) => p.predicates)) },
    rows: explained.length,
    rows_without_anchor: explained.filter((e) => !e.explanation.data.raw.success).length,
    rows_failed: rowsFailed,
    candidates: candidates.length,
  };
  const first = explained[0].explanation.meta.params;
  return { meta: summaryMeta({ budget, per_class: perClass, seed: first.seed ?? null, threshold: first.threshold ?? null }), data };
}

function summaryMeta(params: Record<string, unknown>): ExplanationMeta {
  return { name: 'AnchorSummary', type: ['blackbox'], explanations: ['global'], params, version: VERSION };
}

/** The distinct successful anchors, in the order rows first found them, with the rows that found each. */
function distinctAnchors(explained: readonly ExplainedRow[]): Candidate[] {
  const byKey = new Map<string, Candidate>();
  for (const { row, explanation } of explained) {
    const { raw } = explanation.data;
    if (!raw.success) continue;
    const key = JSON.stringify([raw.prediction, raw.predicates.map((p) => (p.op === 'eq' ? [p.feature, p.value] : [p.feature, p.lower ?? null, p.upper ?? null]))]);
    const known = byKey.get(key);
    if (known === undefined) byKey.set(key, { explanation, explainedRows: [row] });
    else known.explainedRows.push(row);
  }
  return [...byKey.values()];
}

/** The positions (in `explained`) of the rows of the group that satisfy the candidate's anchor, as a bitset. */
function coveredRows(candidate: Candidate, explained: readonly ExplainedRow[], inGroup: readonly boolean[]): Uint32Array {
  const bits = emptyBitset(explained.length);
  const { predicates } = candidate.explanation.data.raw;
  explained.forEach((e, i) => {
    if (inGroup[i] && satisfiesAnchor(predicates, e.explanation.data.raw.instance)) setBit(bits, i);
  });
  return bits;
}

function describePick(candidate: Candidate, explained: readonly ExplainedRow[], gain: number): PickedAnchor {
  const { data } = candidate.explanation;
  const cls = data.raw.prediction;
  const satisfying = explained.filter((e) => satisfiesAnchor(data.raw.predicates, e.explanation.data.raw.instance));
  const agreeing = satisfying.filter((e) => e.explanation.data.raw.prediction === cls).length;
  return {
    anchor: [...data.anchor],
    predicates: data.raw.predicates,
    class: cls,
    precision: data.precision,
    coverage: data.coverage,
    data_coverage: satisfying.length / explained.length,
    data_precision: satisfying.length === 0 ? 0 : agreeing / satisfying.length,
    rows: satisfying.map((e) => e.row).sort((a, b) => a - b),
    explained_rows: candidate.explainedRows,
    gain,
  };
}

/** How many of `anchors` constrain each feature, by feature name, in order of first appearance. */
function featureCounts(anchors: readonly (readonly TabularPredicate[])[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const predicates of anchors) for (const p of predicates) counts[p.name] = (counts[p.name] ?? 0) + 1;
  return counts;
}

/** What {@link summarizeAnchors} explains with: AnchorTabular, or anything explaining rows as it does. */
export interface RowAnchorExplainer {
  /** Explains one row with an anchor. */
  explain(row: TabularRowInput, options?: AnchorTabularExplainOptions): Promise<Explanation<AnchorTabularData>>;
}

/** Options of {@link summarizeAnchors}: the summary's, the explanations' and a progress callback. */
export interface SummarizeAnchorsOptions extends SummaryOptions {
  /** Options of every explanation (the explainer's defaults where left out). */
  explain?: AnchorTabularExplainOptions;
  /** Called after each row is explained, with the rows done and the rows in all. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Explains `rows` with `explainer`, one after the other in this thread, and picks the anchors that
 * summarise them ({@link pickAnchors}); row indices are positions in `rows`. For many rows, explain them
 * on worker threads with `explainBatch` (resumable, sharded) and pick from its output with
 * `summarizeBatchFile`: the same rows and seed give the same summary.
 */
export async function summarizeAnchors(
  explainer: RowAnchorExplainer,
  rows: readonly TabularRowInput[],
  options: SummarizeAnchorsOptions,
): Promise<Explanation<AnchorSummaryData>> {
  if (options === null || typeof options !== 'object') throw new InvalidInputError('summarizeAnchors needs options { budget, perClass?, explain?, onProgress? }');
  const { explain, onProgress, ...pick } = options;
  checkSummaryOptions(pick);
  if (!Array.isArray(rows) || rows.length === 0) throw new InvalidInputError('summarizeAnchors needs a non-empty array of rows');
  const explained: ExplainedRow[] = [];
  for (let row = 0; row < rows.length; row++) {
    explained.push({ row, explanation: await explainer.explain(rows[row], explain) });
    onProgress?.(row + 1, rows.length);
  }
  return pickAnchors(explained, pick);
}
