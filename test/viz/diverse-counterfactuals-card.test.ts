import { beforeAll, describe, expect, it } from 'vitest';
import type { Explanation } from '../../src/core/explanation.js';
import { DiverseCounterfactuals, type DiverseCounterfactualsData } from '../../src/counterfactuals/diverse/diverse-counterfactuals.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { loadDemoModel } from '../../src/models/demo-models.js';
import { renderHtml, renderHtmlPage, RENDERABLE_EXPLAINERS } from '../../src/viz/render.js';

const adult = loadAdult();
const targetNames = adult.targetNames;
let explanation: Explanation<DiverseCounterfactualsData>;

beforeAll(async () => {
  const dc = await new DiverseCounterfactuals(loadDemoModel('adult-gbt').predictor, adult.featureNames, { categoryMap: adult.categoryMap, seed: 1 }).fit(adult.train.rows.slice(0, 3000));
  explanation = await dc.explain(adult.test.rows[3], { count: 4, constraints: { immutable: ['Sex', 'Race', 'Age'] } });
});

describe('the DiverseCounterfactuals card', () => {
  it('shows the row beside its alternatives, changed cells highlighted, immutable features marked', () => {
    const html = renderHtml(explanation, { targetNames });
    expect(RENDERABLE_EXPLAINERS).toContain('DiverseCounterfactuals');
    expect(html).toContain('What could change for the model to predict another class instead of <span class="gbx-pill">&gt;50K</span>');
    for (const name of ['Sex', 'Race', 'Age']) expect(html).toContain(`${name} <span class="gbx-note">(immutable)</span>`);
    const changed = explanation.data.cfs.reduce((n, cf) => n + cf.changes.length, 0);
    expect(html.match(/<td class="gbx-anchored">/g)).toHaveLength(changed);
    for (const cf of explanation.data.cfs) for (const c of cf.changes) expect(html).toContain(`<span class="gbx-strong">${String(c.to).replace('<', '&lt;')}</span>`);
    expect(html.match(/<th>#\d: &lt;=50K<\/th>/g)).toHaveLength(4);
    expect(html).toContain(`${explanation.data.model_rows.toLocaleString('en-US')} model rows in ${explanation.data.model_calls} calls`);
    expect(html).not.toMatch(/<script/);
    expect(renderHtmlPage(explanation, { targetNames })).toMatch(/^<!doctype html>/);
  });

  it('says why when fewer were found, and refuses an explanation without its feature names', () => {
    const short = { ...explanation, data: { ...explanation.data, cfs: explanation.data.cfs.slice(0, 1), success: false, reason: 'found 1 of the 4 <counterfactuals>' } };
    expect(renderHtml(short, {})).toContain('<span class="gbx-warning">found 1 of the 4 &lt;counterfactuals&gt;</span>');
    const nameless = { ...explanation, meta: { ...explanation.meta, params: { ...explanation.meta.params, feature_names: undefined } } };
    expect(() => renderHtml(nameless)).toThrow(/meta.params.feature_names is undefined; expected one name per value of data.instance/);
  });
});
