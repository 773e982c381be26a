import { describe, expect, it } from 'vitest';
import { fractionBar } from '../../src/viz/bars.js';
import { escapeHtml, formatValue, htmlDocument } from '../../src/viz/html.js';
import { InvalidInputError } from '../../src/core/errors.js';

describe('escapeHtml', () => {
  it('escapes the five characters that can end text or an attribute', () => {
    expect(escapeHtml(`<img src=x onerror="alert('&')">`)).toBe('&lt;img src=x onerror=&quot;alert(&#39;&amp;&#39;)&quot;&gt;');
    expect(escapeHtml('Hours per week <= 40.00')).toBe('Hours per week &lt;= 40.00');
    expect(escapeHtml(0.95)).toBe('0.95');
  });
});

describe('formatValue', () => {
  it('keeps integers and rounds other numbers to two decimals', () => {
    expect([formatValue(5013), formatValue(0), formatValue(37.456), formatValue(-1.5)]).toEqual(['5013', '0', '37.46', '-1.50']);
  });
});

describe('fractionBar', () => {
  it('draws the filled part in proportion, the tick at the threshold, and prints the value', () => {
    const bar = fractionBar(0.5, { label: 'precision', width: 200, tick: 0.95 });
    expect(bar).toContain('<rect class="gbx-fill" width="100"');
    expect(bar).toContain('x1="190"');
    expect(bar).toContain('aria-label="precision 0.50"');
    expect(bar).toMatch(/>0\.50<\/span><\/span>$/);
  });

  it('keeps a tiny non-zero value visible and an empty one empty', () => {
    expect(fractionBar(0.001, { label: 'coverage', width: 160 })).toContain('class="gbx-fill" width="1"');
    expect(fractionBar(0, { label: 'coverage', width: 160 })).toContain('class="gbx-fill" width="0"');
  });

  it('rejects values outside [0, 1], naming the measure', () => {
    expect(() => fractionBar(1.2, { label: 'precision' })).toThrow(InvalidInputError);
    expect(() => fractionBar(Number.NaN, { label: 'coverage' })).toThrow('coverage is NaN; expected a fraction in [0, 1]');
  });
});

describe('htmlDocument', () => {
  it('wraps a card in a complete UTF-8 page that follows the light or dark scheme, with an escaped title', () => {
    const page = htmlDocument('<div class="gbx">card</div>', 'A <b> title');
    expect(page).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain('<meta name="color-scheme" content="light dark">');
    expect(page).toContain('<title>A &lt;b&gt; title</title>');
    expect(page).toContain('<div class="gbx">card</div>');
  });
});
