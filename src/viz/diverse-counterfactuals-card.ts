import type { DiverseCounterfactualsData } from '../counterfactuals/diverse/diverse-counterfactuals.js';
import { InvalidInputError } from '../core/errors.js';
import type { Explanation } from '../core/explanation.js';
import { TabularSchema, type CategoryMap } from '../core/tabular-schema.js';
import { className } from './anchor-card.js';
import { fractionBar } from './bars.js';
import { pill } from './comparison-card.js';
import { escapeHtml, formatCount, formatValue } from './html.js';
import { cardStyle } from './theme.js';

/** What a diverse counterfactuals card takes: class names (the feature names and categories come with the explanation). */
export interface DiverseCounterfactualsRenderOptions {
  targetNames?: readonly string[];
}

/**
 * The card of diverse counterfactuals (`DiverseCounterfactuals`, after DiCE, Mothilal, Sharma & Tan
 * 2020): the prediction and the class asked for, the metrics of the set (validity, features changed,
 * proximity, diversity), how often each feature is changed (DiCE's local feature importance), and a
 * table with the row beside its alternatives, every changed cell highlighted and immutable features
 * marked.
 */
export function renderDiverseCounterfactualsHtml(explanation: Explanation<DiverseCounterfactualsData>, options: DiverseCounterfactualsRenderOptions = {}): string {
  const { meta, data } = explanation;
  const featureNames = meta.params.feature_names;
  if (!Array.isArray(featureNames) || featureNames.length !== data.instance?.length) {
    throw new InvalidInputError(`meta.params.feature_names is ${JSON.stringify(featureNames)}; expected one name per value of data.instance`);
  }
  const schema = new TabularSchema(featureNames as string[], (meta.params.category_map ?? {}) as CategoryMap);
  const immutable = new Set(((meta.params.constraints as { immutable?: number[] } | undefined)?.immutable ?? []).map(Number));
  const { targetNames } = options;
  const show = (f: number, v: number) => (schema.isCategorical(f) ? schema.valueName(f, v) : formatValue(v));
  const count = Number(meta.params.count);
  // A regression model's counterfactuals reach a range of values (data.desired_range) instead of a class.
  const range = data.desired_range;
  const outcome = (k: number | null, value: number | undefined) => (k === null ? formatValue(value ?? NaN) : className(k, targetNames));
  const before = pill(outcome(data.orig_class, data.orig_prediction));
  const wanted = range !== undefined ? pill(`[${formatValue(range[0])}, ${formatValue(range[1])}]`) : data.desired_class === 'other' ? 'another class' : pill(className(data.desired_class!, targetNames));
  const proba = data.orig_proba === null || data.orig_class === null ? '' : ` p = ${data.orig_proba[data.orig_class].toFixed(2)}`;
  const facts: Array<[string, string]> = [
    ['Prediction', `${before}${proba}`],
    ['Asked for', `${formatCount(count)} counterfactuals of ${data.desired_class === 'other' ? escapeHtml(wanted) : wanted}`],
    [
      'Found',
      `<span class="gbx-strong">${formatCount(data.cfs.length)}</span> <span class="gbx-note">valid (validity ${data.validity.toFixed(2)})</span>` +
        (data.success ? '' : ` <span class="gbx-warning">${escapeHtml(data.reason ?? 'fewer than asked for')}</span>`),
    ],
    ['Features changed', `<span class="gbx-strong">${data.mean_changed.toFixed(2)}</span> <span class="gbx-note">on average; proximity ${data.proximity.toFixed(3)} (mean change per feature, numbers by their MAD)</span>`],
    ['Diversity', fractionBar(Math.min(1, Math.max(0, data.diversity)), { label: 'diversity' }) + ' <span class="gbx-note">share of features on which two differ</span>'],
  ];
  const importance = Object.entries(data.feature_importance).filter(([, share]) => share > 0).sort((a, b) => b[1] - a[1]);
  if (importance.length > 0) {
    facts.push(['Changed most', importance.map(([name, share]) => `${escapeHtml(name)} ${fractionBar(share, { label: `share of counterfactuals changing ${name}`, width: 80 })}`).join('<br>')]);
  }
  const heads = ['feature', 'the row', ...data.cfs.map((cf, i) => `#${i + 1}: ${outcome(cf.class, cf.prediction)}`)];
  const rows = schema.featureNames.map((name, f) => {
    const label = immutable.has(f) ? `${escapeHtml(name)} <span class="gbx-note">(immutable)</span>` : escapeHtml(name);
    const cells = data.cfs.map((cf) =>
      cf.X[f] === data.instance[f] ? `<td class="gbx-note">${escapeHtml(show(f, cf.X[f]))}</td>` : `<td class="gbx-anchored"><span class="gbx-strong">${escapeHtml(show(f, cf.X[f]))}</span></td>`,
    );
    return `<tr><td>${label}</td><td>${escapeHtml(show(f, data.instance[f]))}</td>${cells.join('')}</tr>`;
  });
  const table =
    `<h4>The row and its alternatives: changed cells are highlighted</h4><div class="gbx-scroll"><table><thead><tr>${heads.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div>`;
  const footer = [meta.name, `method ${data.raw.method}`, `${formatCount(data.raw.iterations)} ${data.raw.method === 'genetic' ? 'generations' : 'rounds'}`, `${formatCount(data.model_rows)} model rows in ${formatCount(data.model_calls)} calls`, `glassbox ${meta.version}`];
  return (
    `<div class="gbx gbx-diverse-counterfactuals">${cardStyle()}` +
    `<h3>What could change for the model to predict ${wanted} instead of ${before}<span class="gbx-kind">${escapeHtml(meta.name)}</span></h3>` +
    `<div class="gbx-grid">${facts.map(([label, html]) => `<span class="gbx-label">${escapeHtml(label)}</span><span>${html}</span>`).join('')}</div>` +
    table +
    `<div class="gbx-footer">${footer.map(escapeHtml).join(' · ')}</div>` +
    `</div>`
  );
}
