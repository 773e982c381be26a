import type { CEMData } from '../counterfactuals/cem.js';
import type { CounterfactualData } from '../counterfactuals/counterfactual.js';
import { flattenInstance } from '../counterfactuals/instance.js';
import { InvalidInputError } from '../core/errors.js';
import type { Explanation } from '../core/explanation.js';
import { className } from './anchor-card.js';
import {
  classChangeFacts,
  comparisonCard,
  counterfactualTitle,
  flat,
  pill,
  shapeOf,
  type CounterfactualRenderOptions,
  type Predicted,
} from './comparison-card.js';
import { escapeHtml, formatCount } from './html.js';

export type { CounterfactualRenderOptions } from './comparison-card.js';

/**
 * The card of a counterfactual explanation (`Counterfactual`, Wachter et al. 2017): the prediction before
 * and after, the class probabilities as bars, the L1 distance, and the instance beside the
 * counterfactual: for images, the two pictures and their difference (PNG, embedded); for rows, a
 * before/after table with the changed features highlighted.
 */
export function renderCounterfactualHtml(explanation: Explanation<CounterfactualData>, options: CounterfactualRenderOptions = {}): string {
  const { meta, data } = explanation;
  const shape = shapeOf(meta);
  if (options.instance === undefined) {
    throw new InvalidInputError('a Counterfactual card needs the explained instance: pass it as options.instance (the explanation does not keep it)');
  }
  const instance = flattenInstance(options.instance, shape, 'options.instance');
  const { cf } = data;
  const { facts, title } =
    data.orig_class === null
      ? regressionSummary(data)
      : classSummary({ class: data.orig_class, proba: data.orig_proba }, cf === null ? null : { class: cf.class as number, proba: cf.proba }, options.targetNames);
  if (cf !== null) {
    facts.push(['L1 distance', `<span class="gbx-strong">${escapeHtml(cf.distance.toFixed(2))}</span> <span class="gbx-note">λ = ${escapeHtml(cf.lambda.toExponential(2))}</span>`]);
  }
  const names: [string, string, string] = ['The instance', 'The counterfactual', 'The difference'];
  return comparisonCard(
    {
      meta,
      shape,
      instance,
      other: cf === null ? undefined : flat(cf.X, shape, 'data.cf.X'),
      title,
      names,
      facts,
      footer: [
        `${data.raw.gradients} gradients`,
        `${formatCount(data.iterations)} steps over ${data.raw.steps.length} values of λ`,
        `${formatCount(data.model_rows)} model rows in ${formatCount(data.model_calls)} calls`,
      ],
    },
    options,
    'counterfactual',
  );
}

function classSummary(orig: Predicted, cf: Predicted | null, targetNames?: readonly string[]) {
  return { facts: classChangeFacts(orig, cf, targetNames), title: counterfactualTitle(orig, cf, targetNames) };
}

/** A regression counterfactual's summary: the predicted value before and after, and the range asked for. */
function regressionSummary(data: CounterfactualData): { facts: Array<[string, string]>; title: string } {
  const value = (v: number) => `<span class="gbx-strong">${escapeHtml(v.toFixed(2))}</span>`;
  const [low, high] = data.desired_range ?? [NaN, NaN];
  const range = `[${escapeHtml(low.toFixed(2))}, ${escapeHtml(high.toFixed(2))}]`;
  const before = data.orig_proba[0];
  const facts: Array<[string, string]> = [['Prediction', value(before)], ['Desired range', range]];
  if (data.cf !== null) facts.push(['Counterfactual', value(data.cf.proba[0])]);
  else if (data.closest) facts.push(['Closest reached', `${value(data.closest.prediction)} <span class="gbx-note">${escapeHtml(data.closest.distance_to_range.toFixed(2))} from the range</span>`]);
  const title =
    data.cf === null
      ? `No counterfactual brings the prediction ${escapeHtml(before.toFixed(2))} into ${range}`
      : `What would bring the prediction from ${escapeHtml(before.toFixed(2))} into ${range}`;
  return { facts, title };
}

/**
 * The card of a contrastive explanation (`CEM`, Dhurandhar et al. 2018): for a pertinent negative, what
 * must be added to the instance to change the prediction; for a pertinent positive, what must be
 * present to keep it. Pictures (or a table) of the instance, the PN/PP and their difference.
 */
export function renderCemHtml(explanation: Explanation<CEMData>, options: CounterfactualRenderOptions = {}): string {
  const { meta, data } = explanation;
  const shape = shapeOf(meta);
  const instance = flat(data.X, shape, 'data.X');
  const best = data.raw.best;
  const before = className(data.orig_class, options.targetNames);
  const found = best === null ? undefined : className(best.class, options.targetNames);
  const pn = data.mode === 'PN';
  const facts = classChangeFacts({ class: data.orig_class, proba: data.orig_proba }, null, options.targetNames);
  if (best !== null && found !== undefined) {
    facts.push(
      [pn ? 'Pertinent negative' : 'Pertinent positive', `${pill(found)} p = ${best.proba[best.class].toFixed(2)}`],
      ['Distance', `<span class="gbx-strong">${escapeHtml(best.distance.toFixed(2))}</span> <span class="gbx-note">L1 ${escapeHtml(best.l1.toFixed(2))}, L2² ${escapeHtml(best.l2.toFixed(2))}, c = ${escapeHtml(best.c.toExponential(2))}</span>`],
    );
  }
  const what = pn ? 'pertinent negative' : 'pertinent positive';
  const title =
    best === null
      ? `No ${what} found for ${pill(before)}`
      : pn
        ? `What, added, would make the model predict ${pill(found as string)} instead of ${pill(before)}`
        : `What must be present for the model to predict ${pill(before)}`;
  return comparisonCard(
    {
      meta,
      shape,
      instance,
      other: best === null ? undefined : flat(best.X, shape, 'data.raw.best.X'),
      title,
      names: ['The instance', pn ? 'The pertinent negative' : 'The pertinent positive', pn ? 'What was added' : 'The difference'],
      facts,
      footer: [
        `${data.raw.gradients} gradients`,
        `${formatCount(data.iterations)} iterations over ${data.raw.steps.length} values of c`,
        `${formatCount(data.model_rows)} model rows in ${formatCount(data.model_calls)} calls`,
      ],
    },
    options,
    'cem',
  );
}
