import { beforeAll, describe, expect, it } from 'vitest';
import { AnchorText, type AnchorTextData } from '../../src/anchors/text/anchor-text.js';
import { InvalidInputError } from '../../src/core/errors.js';
import type { Explanation } from '../../src/core/explanation.js';
import { renderHtml } from '../../src/viz/render.js';
import { explainSentence0, sentimentTargets } from './fixtures.js';

const visibleText = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** The `<li>` items of the list that follows the heading containing `heading`. */
function itemsAfter(html: string, heading: string): string[] {
  const start = html.indexOf(heading);
  expect(start, `heading "${heading}"`).toBeGreaterThan(-1);
  const list = html.slice(start).match(/^[\s\S]*?(<ul class="gbx-examples">[\s\S]*?<\/ul>|<div class="gbx-note">)/)![1];
  return [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]);
}

let explanation: Explanation<AnchorTextData>;
let html: string;

beforeAll(async () => {
  explanation = await explainSentence0();
  html = renderHtml(explanation, { targetNames: sentimentTargets });
});

describe('the anchor card of a text explanation (held-out sentiment sentence 0, unknown sampling)', () => {
  it('shows the prediction, the anchor word, precision and coverage', () => {
    expect(explanation.data.anchor).toEqual(['worst']);
    const text = visibleText(html);
    expect(text).toContain('Why the model predicts negativeAnchorText');
    expect(text).toContain(`Precision${explanation.data.precision.toFixed(2)} threshold 0.95`);
    expect(text).toContain(`Coverage${explanation.data.coverage.toFixed(2)}`);
  });

  it('shows the explained text unchanged, with the anchor word highlighted where it stands', () => {
    const shown = html.match(/<div class="gbx-text">([\s\S]*?)<\/div>/)![1];
    expect(visibleText(shown)).toBe(explanation.data.raw.instance);
    expect(shown.startsWith('Also, the fries are without a doubt the <mark class="gbx-anchored">worst</mark> fries')).toBe(true);
    expect(shown.match(/<mark/g)).toHaveLength(1);
  });

  it('lists perturbed texts that keep the anchor, with the replaced words marked', () => {
    const { covered_true, covered_false } = explanation.data.raw.examples.at(-1)!;
    const agree = itemsAfter(html, 'where the model agrees (negative)');
    expect(agree).toHaveLength(5);
    expect(html).toContain(`(5 of ${covered_true.length})`);
    agree.forEach((item, i) => {
      expect(visibleText(item)).toBe(covered_true[i]);
      expect(item).toContain('<mark class="gbx-anchored">worst</mark>');
      // The replaced words are the UNKs, all of them (two touching UNKs may split anywhere: UNKUNK).
      const marked = [...item.matchAll(/<span class="gbx-changed">([^<]*)<\/span>/g)].map((m) => m[1]);
      expect(marked.join('')).toBe('UNK'.repeat(covered_true[i].match(/UNK/g)!.length));
      expect(item.replace(/<span class="gbx-changed">[^<]*<\/span>/g, '')).not.toContain('UNK');
    });
    expect(covered_false).toEqual([]);
    expect(itemsAfter(html, 'where the model disagrees')).toEqual([]);
    expect(visibleText(html)).toContain('None among the kept samples');
  });

  it('names the sampling and the counts in the footer, and draws the same HTML for the same explanation', () => {
    const { num_preds: numSamples, model_rows: modelRows, model_calls: modelCalls } = explanation.data.raw;
    expect(visibleText(html)).toContain(`AnchorText · seed 0 · sampling unknown · ${numSamples} samples · ${modelRows} model rows in ${modelCalls} calls`);
    expect(renderHtml(JSON.parse(JSON.stringify(explanation)), { targetNames: sentimentTargets })).toBe(html);
    expect(html).not.toMatch(/<script|<link|<img|src=|href=|url\(|@import/i);
  });

  it('rejects an explanation whose anchor words are not where it says they are', () => {
    const broken = JSON.parse(JSON.stringify(explanation)) as Explanation<AnchorTextData>;
    broken.data.raw.feature = [0];
    expect(() => renderHtml(broken)).toThrow(InvalidInputError);
    expect(() => renderHtml(broken)).toThrow('anchor word 0 is "worst" but token 0 of the explained text is "Also"');
  });
});

describe('the text card escapes the text', () => {
  it('shows markup in the text and class names as text', async () => {
    const predict = (texts: string[]) => texts.map((t) => (/\bgood\b/.test(t) ? 1 : 0));
    const text = '<img src=x onerror="alert(1)"> is good & fine';
    const e = await new AnchorText(predict, { seed: 3 }).explain(text);
    expect(e.data.anchor).toEqual(['good']);
    const card = renderHtml(e, { targetNames: ['bad', '<b>good</b>'] });
    expect(card).not.toMatch(/<img|<b>/);
    expect(card).toContain('&lt;b&gt;good&lt;/b&gt;');
    const shown = card.match(/<div class="gbx-text">([\s\S]*?)<\/div>/)![1];
    expect(shown).toBe('&lt;img src=x onerror=&quot;alert(1)&quot;&gt; is <mark class="gbx-anchored">good</mark> &amp; fine');
  });
});
