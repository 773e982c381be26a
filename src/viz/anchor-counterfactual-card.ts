import type { Explanation } from '../core/explanation.js';
import type { AnchorCounterfactualData } from '../keeps-and-flips/anchor-counterfactual.js';
import { className } from './anchor-card.js';
import { escapeHtml } from './html.js';
import { cardStyle } from './theme.js';

/**
 * The card of "what keeps it, what flips it" (`AnchorCounterfactual`): one heading with the prediction,
 * then the anchor's card (the conditions that keep it) and the counterfactual's card (the change that
 * flips it, or with `data.cfs` the several alternatives that do, their count in its title) side by
 * side, wrapping one under the other on a narrow page. Each half is the card its own
 * explainer has, drawn by `renderPart` (render.ts passes its `renderHtml`), with the same options.
 */
export function renderAnchorCounterfactualHtml<O extends { targetNames?: readonly string[] }>(
  explanation: Explanation<AnchorCounterfactualData>,
  options: O,
  renderPart: (part: Explanation<unknown>, options: O) => string,
): string {
  const { data } = explanation;
  const prediction = className(data.orig_class, options.targetNames);
  const half = (title: string, part: Explanation<unknown>) => `<section class="gbx-half"><h4>${escapeHtml(title)}</h4>${renderPart(part, options)}</section>`;
  return (
    `<div class="gbx gbx-keeps-flips">${cardStyle()}<style>.gbx.gbx-keeps-flips{max-width:1600px;display:block}.gbx-keeps-flips .gbx-halves{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}` +
    `.gbx-keeps-flips .gbx-half{flex:1 1 440px;min-width:0}.gbx-keeps-flips .gbx-half>.gbx{display:block;max-width:100%;overflow-x:auto}</style>` +
    `<h3>The model predicts ${escapeHtml(prediction)}: what keeps it, and what flips it<span class="gbx-kind">AnchorCounterfactual</span></h3>` +
    `<div class="gbx-halves">${half(`What keeps it (${data.anchor.meta.name})`, data.anchor)}${half(`What flips it (${data.cf.meta.name}${alternatives(data.cf.data.cfs)})`, data.cf)}</div></div>`
  );
}

/** ", 4 alternatives" for a search that found several counterfactuals (`data.cfs`), else nothing. */
function alternatives(cfs: unknown): string {
  return Array.isArray(cfs) ? `, ${cfs.length} alternative${cfs.length === 1 ? '' : 's'}` : '';
}
