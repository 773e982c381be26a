import { beforeAll, describe, expect, it } from 'vitest';
import { AnchorTabular, type AnchorTabularData } from '../../src/anchors/tabular/anchor-tabular.js';
import { InvalidInputError } from '../../src/core/errors.js';
import type { Explanation } from '../../src/core/explanation.js';
import { renderAnchorTabularHtml } from '../../src/viz/anchor-tabular-card.js';
import { renderHtml, renderHtmlPage, RENDERABLE_EXPLAINERS } from '../../src/viz/render.js';
import { adult, explainRow15 } from './fixtures.js';

/** The text a reader sees: tags removed and entities decoded. */
const visibleText = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/** The rows of the table that follows the heading containing `heading`, as arrays of cell texts. */
function tableAfter(html: string, heading: string): string[][] {
  const start = html.indexOf(heading);
  expect(start, `heading "${heading}"`).toBeGreaterThan(-1);
  const table = html.slice(start).match(/<tbody>([\s\S]*?)<\/tbody>/)![1];
  return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]));
}

let explanation: Explanation<AnchorTabularData>;
let html: string;

beforeAll(async () => {
  explanation = await explainRow15();
  html = renderHtml(explanation, adult);
});

describe('the anchor card of a tabular explanation (Adult, held-out row 15, demo model)', () => {
  it('shows the prediction by class name, every condition of the anchor, precision and coverage', () => {
    const text = visibleText(html);
    expect(explanation.data.anchor).toEqual(['Education = Masters', 'Marital Status = Married', 'Occupation = White-Collar']);
    expect(text).toContain('Why the model predicts >50K AnchorTabular');
    expect(text).toContain('Anchor Education = Masters AND Marital Status = Married AND Occupation = White-Collar');
    expect(text).toContain(`Precision ${explanation.data.precision.toFixed(2)} threshold 0.95`);
    expect(text).toContain(`Coverage ${explanation.data.coverage.toFixed(2)}`);
    expect(html).toContain(`aria-label="precision ${explanation.data.precision.toFixed(2)}"`);
    // The precision bar's fill is precision * 160 pixels wide, with the threshold tick at 0.95 * 160.
    expect(html).toContain(`<rect class="gbx-fill" width="${Math.round(explanation.data.precision * 1600) / 10}"`);
    expect(html).toContain('x1="152"');
  });

  it('lists the search steps with the condition each one added and its precision and coverage', () => {
    const steps = tableAfter(html, 'How the anchor was built');
    expect(steps).toHaveLength(3);
    steps.forEach((cells, i) => {
      expect(cells[0]).toBe(String(i + 1));
      expect(visibleText(cells[1]).trim()).toBe(explanation.data.anchor[i]);
      expect(cells[2]).toContain(`>${explanation.data.raw.precision[i].toFixed(2)}<`);
      expect(cells[3]).toContain(`>${explanation.data.raw.coverage[i].toFixed(2)}<`);
    });
  });

  it('shows the explained row with category names and the anchored columns highlighted', () => {
    expect(tableAfter(html, 'The explained row')).toEqual([
      ['43', 'Private', 'Masters', 'Married', 'White-Collar', 'Husband', 'White', 'Male', '0', '0', '50', 'United-States'],
    ]);
    const header = html.slice(html.indexOf('The explained row')).match(/<thead>([\s\S]*?)<\/thead>/)![1];
    const highlighted = [...header.matchAll(/<th class="gbx-anchored">([^<]+)<\/th>/g)].map((m) => m[1]);
    expect(highlighted).toEqual(['Education', 'Marital Status', 'Occupation']);
  });

  it('shows covered rows where the model agrees and where it disagrees, all satisfying the anchor', () => {
    const { covered_true, covered_false } = explanation.data.raw.examples.at(-1)!;
    expect(covered_true.length).toBeGreaterThan(5);
    expect(covered_false.length).toBeGreaterThan(0);
    const agree = tableAfter(html, 'the model agrees (&gt;50K)');
    const disagree = tableAfter(html, 'the model disagrees');
    expect(agree).toHaveLength(5);
    expect(html).toContain(`(5 of ${covered_true.length})`);
    expect(disagree).toHaveLength(Math.min(5, covered_false.length));
    for (const row of [...agree, ...disagree]) expect(row.slice(2, 5)).toEqual(['Masters', 'Married', 'White-Collar']);
    // The first agreeing row is the first covered_true example, decoded.
    const first = covered_true[0];
    expect(agree[0]).toEqual(first.map((x, f) => adult.categoryMap[f]?.[x] ?? String(x)));
  });

  it('ends with the counts of the search, no timings, and is the same HTML for the same explanation', () => {
    const { num_preds: numSamples, model_rows: modelRows, model_calls: modelCalls } = explanation.data.raw;
    expect(visibleText(html)).toContain(
      `AnchorTabular · seed 0 · ${numSamples.toLocaleString('en-US')} samples · ${modelRows.toLocaleString('en-US')} model rows in ${modelCalls} calls · glassbox`,
    );
    expect(html).not.toMatch(/\d ms\b/);
    expect(renderHtml(JSON.parse(JSON.stringify(explanation)), adult)).toBe(html);
  });

  it('is self-contained: no script, no external resource, styles scoped to the card', () => {
    expect(html).toMatch(/^<div class="gbx gbx-anchor-tabular"><style>/);
    expect(html).not.toMatch(/<script|<link|<img|src=|href=|url\(|@import/i);
    const page = renderHtmlPage(explanation, adult);
    expect(page).toContain('<title>AnchorTabular explanation</title>');
    expect(page).toContain(html);
  });

  it('shows at most maxExamples rows per table', () => {
    const two = renderHtml(explanation, { ...adult, maxExamples: 2 });
    expect(tableAfter(two, 'the model agrees')).toHaveLength(2);
    expect(tableAfter(two, 'the model disagrees')).toHaveLength(Math.min(2, explanation.data.raw.examples.at(-1)!.covered_false.length));
    expect(() => renderHtml(explanation, { ...adult, maxExamples: -1 })).toThrow('option maxExamples is -1; expected an integer >= 0');
  });

  it('names columns and classes generically without the data set, and codes stay numbers', () => {
    const bare = visibleText(renderAnchorTabularHtml(explanation));
    expect(bare).toContain('Why the model predicts class 1');
    expect(bare).toContain('column 0 column 1');
    expect(bare).toContain('Education = Masters'); // the conditions name themselves
  });
});

describe('the card escapes every name it prints', () => {
  it('turns markup in feature, category and class names into text', async () => {
    const featureNames = ['<b>size</b>', 'colour "quoted"'];
    const categoryMap = { 1: ['red & blue', '<script>alert(1)</script>'] };
    const rows = Array.from({ length: 200 }, (_, i) => [i % 10, i % 2]);
    const predict = (batch: number[][]) => batch.map((r) => r[1]);
    const e = await (await new AnchorTabular(predict, featureNames, { categoryMap, seed: 1 }).fit(rows)).explain([3, 1]);
    const card = renderHtml(e, { featureNames, categoryMap, targetNames: ['no', "<i>'yes'</i>"] });
    expect(card).not.toMatch(/<script>|<b>|<i>/);
    expect(card).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(card).toContain('&lt;i&gt;&#39;yes&#39;&lt;/i&gt;');
    expect(card).toContain('&lt;b&gt;size&lt;/b&gt;');
    expect(card).toContain('colour &quot;quoted&quot; = &lt;script&gt;');
  });
});

describe('an empty anchor', () => {
  it('says that the model predicts the class almost everywhere, and shows no steps', async () => {
    const constant = (batch: number[][]) => batch.map(() => 0);
    const e = await (await new AnchorTabular(constant, adult.featureNames, { categoryMap: adult.categoryMap }).fit(adult.train.rows.slice(0, 500))).explain(adult.test.rows[0]);
    expect(e.data.anchor).toEqual([]);
    const text = visibleText(renderHtml(e, adult));
    expect(text).toContain('Empty anchor: the model predicts <=50K on 1.00 of the rows sampled with nothing fixed');
    expect(text).not.toContain('How the anchor was built');
    expect(text).toContain('The search kept no such rows.');
  });
});

describe('renderHtml', () => {
  it('draws the explainers it knows and names them when given anything else', () => {
    expect(RENDERABLE_EXPLAINERS).toContain('AnchorTabular');
    const other = { meta: { ...explanation.meta, name: 'Mystery' }, data: {} };
    expect(() => renderHtml(other)).toThrow(InvalidInputError);
    expect(() => renderHtml(other)).toThrow('cannot render an explanation of "Mystery"; expected an explanation ({meta, data}) of one of: AnchorTabular');
    expect(() => renderHtml({} as never)).toThrow('cannot render a value without meta.name');
    expect(() => renderHtml({ meta: { name: 'toString' } } as never)).toThrow('"toString"');
  });

  it('rejects feature names that do not match the explained row', () => {
    expect(() => renderHtml(explanation, { featureNames: ['a', 'b'] })).toThrow(
      'featureNames has 2 names but the explained row has 12 values; pass the featureNames the explainer was built with',
    );
  });
});
