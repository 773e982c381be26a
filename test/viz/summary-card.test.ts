import { describe, expect, it } from 'vitest';
import type { AnchorTabularData } from '../../src/anchors/tabular/anchor-tabular.js';
import type { TabularPredicate } from '../../src/anchors/tabular/predicates.js';
import { pickAnchors, type ExplainedRow } from '../../src/summary/anchor-summary.js';
import { renderHtml, RENDERABLE_EXPLAINERS } from '../../src/viz/render.js';

function explained(row: number, x: number, prediction: number, predicates: TabularPredicate[]): ExplainedRow {
  const data = { anchor: predicates.map((p) => p.text), precision: 0.96, coverage: 0.4, raw: { predicates, instance: [x], prediction, success: true } } as unknown as AnchorTabularData;
  return { row, explanation: { meta: { name: 'AnchorTabular', type: ['blackbox'], explanations: ['local'], params: {}, version: 'test' }, data } };
}
const low: TabularPredicate = { feature: 0, name: 'x<0>', op: 'range', upper: 5, text: 'x<0> <= 5.00' };
const high: TabularPredicate = { feature: 0, name: 'x<0>', op: 'range', lower: 5, text: 'x<0> > 5.00' };

describe('the AnchorSummary card', () => {
  it('shows the union coverage, a coverage curve with a point per budget, and the picked anchors, escaped', () => {
    const summary = pickAnchors([explained(0, 1, 0, [low]), explained(1, 2, 0, [low]), explained(2, 9, 1, [high]), explained(3, 3, 1, [high])], { budget: 2, perClass: true });
    expect(RENDERABLE_EXPLAINERS).toContain('AnchorSummary');
    const card = renderHtml(summary, { targetNames: ['no', 'yes'] });
    expect(card).toContain('2 anchors cover 0.75 of 4 explained rows');
    // One curve per class: points for 0 and 1 anchors, each with its value.
    expect(card.match(/<polyline/g)).toHaveLength(2);
    expect(card).toContain('<title>1 anchor: 1.00</title>');
    expect(card).toContain('<title>1 anchor: 0.50</title>');
    expect(card).toContain('rows predicted yes (2): coverage by number of anchors');
    expect(card).toContain('<span class="gbx-pill">x&lt;0&gt; &lt;= 5.00</span>');
    expect(card).not.toContain('x<0>');
    expect(card).toContain('<td>+2</td>');
    expect(card).toContain('<span class="gbx-pill">x&lt;0&gt; 2</span>');
  });
});
