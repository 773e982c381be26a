import type { Explanation } from '../core/explanation.js';
import type { AnchorSummaryData, SummaryGroup } from '../summary/anchor-summary.js';
import { className } from './anchor-card.js';
import { fractionBar } from './bars.js';
import { escapeHtml, formatCount, formatFraction } from './html.js';
import { PALETTES, cardStyle } from './theme.js';

/** What a summary card needs beyond the summary: the class names. */
export interface SummaryRenderOptions {
  targetNames?: readonly string[];
}

const CURVE = { width: 360, height: 140, left: 36, bottom: 22, top: 8, right: 10 };

/**
 * A group's coverage curve as inline SVG: the fraction of its rows covered by its first k picked anchors,
 * k = 0 (nothing covered) to the budget used, as a polyline with a dot per pick.
 */
function coverageCurve(group: SummaryGroup, label: string): string {
  const { width, height, left, bottom, top, right } = CURVE;
  const points = [0, ...group.coverage_curve];
  const steps = Math.max(1, points.length - 1);
  const x = (k: number) => left + ((width - left - right) * k) / steps;
  const y = (v: number) => top + (height - top - bottom) * (1 - v);
  const c = PALETTES.light;
  const line = points.map((v, k) => `${x(k).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const dots = points.map((v, k) => `<circle cx="${x(k).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${c.accent}"><title>${k} anchor${k === 1 ? '' : 's'}: ${formatFraction(v)}</title></circle>`).join('');
  const grid = [0, 0.5, 1]
    .map((v) => `<line x1="${left}" x2="${width - right}" y1="${y(v)}" y2="${y(v)}" stroke="${c.border}"/><text x="${left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="10" fill="${c.muted}">${v.toFixed(1)}</text>`)
    .join('');
  const ticks = points.map((_, k) => `<text x="${x(k).toFixed(1)}" y="${height - 6}" text-anchor="middle" font-size="10" fill="${c.muted}">${k}</text>`).join('');
  return (
    `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(`${label}: coverage by number of anchors`)}">` +
    `${grid}${ticks}<polyline points="${line}" fill="none" stroke="${c.accent}" stroke-width="2"/>${dots}</svg>`
  );
}

/**
 * The card of an anchor summary (`AnchorSummary`, the submodular pick of Ribeiro et al., AAAI 2018,
 * §3.3): how much of the explained rows the picked anchors cover together, the coverage curve of each
 * group (how coverage grows with the budget), the picked anchors as a table (class, conditions,
 * precision and coverage as the search estimated them and on the explained rows, rows added), and how
 * often each feature appears in the anchors found.
 */
export function renderSummaryHtml(explanation: Explanation<AnchorSummaryData>, options: SummaryRenderOptions = {}): string {
  const { data, meta } = explanation;
  const name = (cls: number | null) => (cls === null ? 'all rows' : `rows predicted ${className(cls, options.targetNames)}`);
  const curves = data.groups
    .map((g) => `<figure class="gbx-figure">${coverageCurve(g, name(g.class))}<figcaption>${escapeHtml(`${name(g.class)} (${formatCount(g.rows)}): coverage by number of anchors`)}</figcaption></figure>`)
    .join('');
  const head = ['#', 'Class', 'Anchor', 'Precision (search)', 'Precision (rows)', 'Coverage (rows)', 'Rows', 'Added'].map((h) => `<th>${h}</th>`).join('');
  const body = data.picked
    .map(
      (p, k) =>
        `<tr><td>${k + 1}</td><td>${escapeHtml(className(p.class, options.targetNames))}</td>` +
        `<td>${p.anchor.length === 0 ? '<span class="gbx-note">(empty anchor)</span>' : p.anchor.map((a) => `<span class="gbx-pill">${escapeHtml(a)}</span>`).join('<span class="gbx-and">AND</span>')}</td>` +
        `<td>${formatFraction(p.precision)}</td><td>${fractionBar(p.data_precision, { label: 'precision on the rows', width: 60 })}</td>` +
        `<td>${fractionBar(p.data_coverage, { label: 'coverage on the rows', width: 60 })}</td><td>${formatCount(p.rows.length)}</td><td>+${formatCount(p.gain)}</td></tr>`,
    )
    .join('');
  const features = Object.entries(data.feature_counts.all)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([f, n]) => `<span class="gbx-pill">${escapeHtml(f)} ${formatCount(n)}</span>`)
    .join(' ');
  const perClass = meta.params.per_class === true ? ' per class' : '';
  return (
    `<div class="gbx gbx-summary">${cardStyle()}` +
    `<h3>${formatCount(data.picked.length)} anchors cover ${formatFraction(data.union_coverage)} of ${formatCount(data.rows)} explained rows<span class="gbx-kind">AnchorSummary</span></h3>` +
    `<div class="gbx-grid"><span class="gbx-label">Union coverage</span>${fractionBar(data.union_coverage, { label: 'union coverage' })}` +
    `<span class="gbx-label">Budget</span><span>${escapeHtml(String(meta.params.budget))} anchors${perClass}, picked greedily from ${formatCount(data.candidates)} distinct anchors</span></div>` +
    `<div class="gbx-figures">${curves}</div>` +
    `<h4>The picked anchors</h4><div class="gbx-scroll"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>` +
    `<h4>Features in the anchors found</h4><div>${features || '<span class="gbx-note">none</span>'}</div>` +
    `<div class="gbx-footer">${formatCount(data.rows_without_anchor)} rows without an anchor reaching the threshold; ${formatCount(data.rows_failed)} rows failed. ` +
    `Greedy maximum coverage: at least 1 − 1/e of the best cover of this budget (Nemhauser et al. 1978).</div></div>`
  );
}
