import type { AnchorImageData } from '../anchors/image/anchor-image.js';
import type { AnchorTabularData } from '../anchors/tabular/anchor-tabular.js';
import type { AnchorTextData } from '../anchors/text/anchor-text.js';
import type { CEMData } from '../counterfactuals/cem.js';
import type { CounterfactualData } from '../counterfactuals/counterfactual.js';
import type { CounterfactualProtoData } from '../counterfactuals/proto/counterfactual-proto.js';
import type { DiverseCounterfactualsData } from '../counterfactuals/diverse/diverse-counterfactuals.js';
import { InvalidInputError } from '../core/errors.js';
import type { Explanation } from '../core/explanation.js';
import { renderAnchorImageHtml, type ImageRenderOptions } from './anchor-image-card.js';
import { renderAnchorTabularHtml, type TabularRenderOptions } from './anchor-tabular-card.js';
import { renderAnchorTextHtml, type TextRenderOptions } from './anchor-text-card.js';
import { renderCemHtml, renderCounterfactualHtml } from './counterfactual-card.js';
import { renderCounterfactualProtoHtml, type CounterfactualProtoRenderOptions } from './counterfactual-proto-card.js';
import { renderDiverseCounterfactualsHtml } from './diverse-counterfactuals-card.js';
import { htmlDocument } from './html.js';
import { renderSummaryHtml } from './summary-card.js';
import type { AnchorSummaryData } from '../summary/anchor-summary.js';
import { renderAnchorCounterfactualHtml } from './anchor-counterfactual-card.js';
import type { AnchorCounterfactualData } from '../keeps-and-flips/anchor-counterfactual.js';

/** Options of {@link renderHtml}: what each kind of card needs to name things (see each card's options). */
export type RenderOptions = TabularRenderOptions & TextRenderOptions & ImageRenderOptions & CounterfactualProtoRenderOptions;

type Renderer = (explanation: Explanation<never>, options: RenderOptions) => string;

/** The card of each explainer, by `meta.name`. */
const CARDS: Record<string, Renderer> = {
  AnchorTabular: (e, o) => renderAnchorTabularHtml(e as Explanation<AnchorTabularData>, o),
  AnchorText: (e, o) => renderAnchorTextHtml(e as Explanation<AnchorTextData>, o),
  AnchorImage: (e, o) => renderAnchorImageHtml(e as Explanation<AnchorImageData>, o),
  Counterfactual: (e, o) => renderCounterfactualHtml(e as Explanation<CounterfactualData>, o),
  CEM: (e, o) => renderCemHtml(e as Explanation<CEMData>, o),
  CounterfactualProto: (e, o) => renderCounterfactualProtoHtml(e as Explanation<CounterfactualProtoData>, o),
  DiverseCounterfactuals: (e, o) => renderDiverseCounterfactualsHtml(e as Explanation<DiverseCounterfactualsData>, o),
  AnchorSummary: (e, o) => renderSummaryHtml(e as Explanation<AnchorSummaryData>, o),
  AnchorCounterfactual: (e, o) => renderAnchorCounterfactualHtml(e as Explanation<AnchorCounterfactualData>, o, renderHtml),
};

/** The explainers whose explanations {@link renderHtml} draws. */
export const RENDERABLE_EXPLAINERS: readonly string[] = Object.freeze(Object.keys(CARDS));

function cardFor(explanation: Explanation<unknown>): Renderer {
  const name = (explanation as { meta?: { name?: unknown } } | null)?.meta?.name;
  const card = typeof name === 'string' && Object.hasOwn(CARDS, name) ? CARDS[name] : undefined;
  if (card === undefined || typeof explanation.data !== 'object' || explanation.data === null) {
    throw new InvalidInputError(
      `cannot render ${typeof name === 'string' ? `an explanation of "${name}"` : 'a value without meta.name'}; ` +
        `expected an explanation ({meta, data}) of one of: ${RENDERABLE_EXPLAINERS.join(', ')}`,
    );
  }
  return card;
}

/**
 * An explanation as a self-contained HTML card: a `<div>` with its own `<style>` (scoped to the card)
 * and inline SVG, no script and no external resource, readable on light and dark pages. The card is
 * chosen by `meta.name`; an explanation of another explainer is an `InvalidInputError`.
 */
export function renderHtml(explanation: Explanation<unknown>, options: RenderOptions = {}): string {
  return cardFor(explanation)(explanation as Explanation<never>, options);
}

/** The card of {@link renderHtml} as a complete HTML page, e.g. to write to a file. */
export function renderHtmlPage(explanation: Explanation<unknown>, options: RenderOptions = {}): string {
  return htmlDocument(renderHtml(explanation, options), `${explanation.meta.name} explanation`);
}
