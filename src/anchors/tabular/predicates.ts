import type { TabularSchema } from '../../core/tabular-schema.js';
import type { FeatureBins } from './discretizer.js';

/**
 * One candidate condition on a row, as the sampler sees it. Categorical features give an equality;
 * numeric features give one-sided bounds at their bin edges (`x <= edge`, `x > edge`), one for every
 * edge on either side of the instance's value, as in the anchors paper's tabular predicates. An anchor
 * holds at most one bound per side of a feature, so bounds intersect into `lower < x <= upper`.
 */
export type PredicateSpec =
  | { feature: number; kind: 'eq'; value: number }
  | { feature: number; kind: 'upper'; bin: number; edge: number }
  | { feature: number; kind: 'lower'; bin: number; edge: number };

/** A condition of an explained anchor, readable by machines (`op`, bounds) and people (`text`). */
export type TabularPredicate =
  | { feature: number; name: string; op: 'eq'; value: number; category: string; text: string }
  | { feature: number; name: string; op: 'range'; lower?: number; upper?: number; text: string };

/**
 * The candidate predicates of an instance, feature by feature, given its per-feature codes (category
 * code, or bin index for numeric features).
 */
export function candidatePredicates(
  schema: TabularSchema,
  bins: ReadonlyArray<FeatureBins | undefined>,
  codes: ArrayLike<number>,
): PredicateSpec[] {
  const out: PredicateSpec[] = [];
  for (let f = 0; f < schema.numFeatures; f++) {
    const fb = bins[f];
    if (fb === undefined) {
      out.push({ feature: f, kind: 'eq', value: codes[f] });
      continue;
    }
    for (let j = codes[f]; j < fb.edges.length; j++) out.push({ feature: f, kind: 'upper', bin: j, edge: fb.edges[j] });
    for (let j = 0; j < codes[f]; j++) out.push({ feature: f, kind: 'lower', bin: j, edge: fb.edges[j] });
  }
  return out;
}

/** Numbers in anchor names are printed with two decimals, as Alibi Explain prints them. */
const fmt = (x: number) => x.toFixed(2);

/**
 * The readable conditions of an anchor: bounds on the same feature merge into one range, and features
 * appear in the order the search first constrained them.
 */
export function describeAnchor(schema: TabularSchema, specs: readonly PredicateSpec[]): TabularPredicate[] {
  const byFeature = new Map<number, PredicateSpec[]>();
  for (const p of specs) byFeature.set(p.feature, [...(byFeature.get(p.feature) ?? []), p]);
  return [...byFeature].map(([feature, ps]) => {
    const name = schema.featureNames[feature];
    const first = ps[0];
    if (first.kind === 'eq') {
      const category = schema.valueName(feature, first.value);
      return { feature, name, op: 'eq', value: first.value, category, text: `${name} = ${category}` };
    }
    const lower = ps.find((p) => p.kind === 'lower')?.edge;
    const upper = ps.find((p) => p.kind === 'upper')?.edge;
    let text: string;
    if (lower !== undefined && upper !== undefined) text = `${fmt(lower)} < ${name} <= ${fmt(upper)}`;
    else if (lower !== undefined) text = `${name} > ${fmt(lower)}`;
    else text = `${name} <= ${fmt(upper as number)}`;
    return { feature, name, op: 'range', ...(lower !== undefined && { lower }), ...(upper !== undefined && { upper }), text };
  });
}

/**
 * Whether an encoded row satisfies every condition of an anchor: a category equal to the predicate's
 * code, a number inside `lower < x <= upper` (the bin edges' sides, as the sampler draws them). The
 * empty anchor holds everywhere.
 */
export function satisfiesAnchor(predicates: readonly TabularPredicate[], row: ArrayLike<number>): boolean {
  for (const p of predicates) {
    const x = row[p.feature];
    if (p.op === 'eq') {
      if (x !== p.value) return false;
    } else if ((p.lower !== undefined && !(x > p.lower)) || (p.upper !== undefined && !(x <= p.upper))) {
      return false;
    }
  }
  return true;
}
