/**
 * glassbox/viz: the cards of each explainer, notebook display, and PNG pictures (puppeteer-core and a
 * Chromium, loaded when the first picture is rendered). renderHtml and show are in the root export.
 */
export { RENDERABLE_EXPLAINERS } from '../viz/render.js';
export { renderAnchorTabularHtml, type TabularRenderOptions } from '../viz/anchor-tabular-card.js';
export { renderAnchorTextHtml, type TextRenderOptions } from '../viz/anchor-text-card.js';
export { renderAnchorImageHtml, type ImageRenderOptions } from '../viz/anchor-image-card.js';
export { renderCounterfactualHtml, renderCemHtml, type CounterfactualRenderOptions } from '../viz/counterfactual-card.js';
export { renderCounterfactualProtoHtml, type CounterfactualProtoRenderOptions } from '../viz/counterfactual-proto-card.js';
export { renderDiverseCounterfactualsHtml, type DiverseCounterfactualsRenderOptions } from '../viz/diverse-counterfactuals-card.js';
export { escapeHtml } from '../viz/html.js';
export { tslabDisplay, type NotebookDisplay } from '../viz/show.js';
export {
  PngRenderer,
  renderPng,
  chromiumPath,
  CHROMIUM_PATH_ENV,
  DEFAULT_CHROMIUM_PATH,
  type PngOptions,
  type RenderedPicture,
} from '../viz/png.js';
