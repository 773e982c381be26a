import type { AnchorTabularData, AnchorTabularExplainOptions } from '../anchors/tabular/anchor-tabular.js';
import { ExplanationTypeError, InvalidInputError } from '../core/errors.js';
import type { Explanation } from '../core/explanation.js';
import { VERSION } from '../version.js';
import type { RowAnchorExplainer } from '../summary/anchor-summary.js';
import type { TabularRowInput } from '../core/tabular-schema.js';

/**
 * "What keeps it, what flips it": one explanation holding, for the same row and model, an anchor (the
 * conditions that keep the prediction, Ribeiro et al. 2018) and a counterfactual (the small change that
 * flips it), as `data.anchor` and `data.cf`, each the explanation its explainer wrote. The counterfactual
 * part is pluggable: any search returning an explanation with `data.orig_class` and `data.cf` (one
 * counterfactual or null: CounterfactualProto, Counterfactual) or `data.cfs` (several alternatives:
 * DiverseCounterfactuals, after DiCE, Mothilal, Sharma & Tan 2020, which the CLI pairs with the anchor).
 */

/** What a counterfactual explanation must hold to be paired with an anchor. */
export interface CounterfactualLikeData {
  /** Null for a regression model's counterfactuals, which cannot be paired with an anchor of a class. */
  orig_class: number | null;
  cf?: unknown;
  cfs?: unknown;
}

/**
 * The `data` of a keeps-and-flips explanation: an anchor (what keeps the prediction) and a counterfactual (what
 * flips it) of the same row.
 */
export interface AnchorCounterfactualData {
  /** The anchor explanation (AnchorTabular): what keeps the prediction. */
  anchor: Explanation<AnchorTabularData>;
  /** The counterfactual explanation (DiverseCounterfactuals, CounterfactualProto, ...): what flips it. */
  cf: Explanation<CounterfactualLikeData>;
  /** The class both explain: the model's prediction for the row. */
  orig_class: number;
}

/** A counterfactual search for one row, in the anchor explainer's encoding (it rescales itself if it needs to). */
export type CounterfactualSearch = (row: number[]) => Promise<Explanation<CounterfactualLikeData>>;

/**
 * Pairs an anchor explanation and a counterfactual explanation of the same row.
 *
 * @throws ExplanationTypeError when `anchor` is not an AnchorTabular explanation or `cf` has neither
 *   `data.cf` nor a `data.cfs` array; InvalidInputError when the two explain different predictions (they were
 *   given different models or rows).
 */
export function pairAnchorCounterfactual(
  anchor: Explanation<AnchorTabularData>,
  cf: Explanation<CounterfactualLikeData>,
): Explanation<AnchorCounterfactualData> {
  if (anchor?.meta?.name !== 'AnchorTabular') {
    throw new ExplanationTypeError(['AnchorTabular'], `an explanation of ${String(anchor?.meta?.name)}`, 'the anchor');
  }
  const data = cf?.data;
  if (typeof data?.orig_class !== 'number' || (data.cf === undefined && !Array.isArray(data.cfs))) {
    throw new ExplanationTypeError(['DiverseCounterfactuals', 'CounterfactualProto', 'Counterfactual', 'a search with data.cf or data.cfs'], `an explanation of ${String(cf?.meta?.name)}`, 'the counterfactual');
  }
  const prediction = anchor.data.raw.prediction;
  if (data.orig_class !== prediction) {
    throw new InvalidInputError(
      `the anchor explains class ${prediction} but the counterfactual explains class ${data.orig_class}; expected explanations of the same row by the same model`,
    );
  }
  return {
    meta: { name: 'AnchorCounterfactual', type: ['blackbox'], explanations: ['local'], params: { anchor: anchor.meta.name, counterfactual: cf.meta.name }, version: VERSION },
    data: { anchor, cf, orig_class: prediction },
  };
}

/**
 * Explains `row` with both halves: the anchor from `anchors` (AnchorTabular), then a counterfactual
 * from `counterfactual`, given the row as the anchor explainer encoded it (`data.raw.instance`).
 */
export async function explainWithCounterfactual(
  anchors: RowAnchorExplainer,
  row: TabularRowInput,
  counterfactual: CounterfactualSearch,
  options: AnchorTabularExplainOptions = {},
): Promise<Explanation<AnchorCounterfactualData>> {
  const anchor = await anchors.explain(row, options);
  return pairAnchorCounterfactual(anchor, await counterfactual([...anchor.data.raw.instance]));
}
