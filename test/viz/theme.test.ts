import { describe, expect, it } from 'vitest';
import { CARD_CSS, PALETTES, type Palette } from '../../src/viz/theme.js';

/** WCAG 2.x relative luminance of an sRGB colour `#rrggbb`. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2.x contrast ratio of two colours, from 1 (none) to 21 (black on white). */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe('card palettes', () => {
  // Every pair of text colour and background the card draws text with.
  const textPairs: Array<[keyof Palette, keyof Palette]> = [
    ['fg', 'bg'], ['muted', 'bg'], ['agree', 'bg'], ['disagree', 'bg'], ['accent', 'bg'],
    ['fg', 'subtle'], ['muted', 'subtle'], ['fg', 'highlight'],
  ];

  for (const scheme of ['light', 'dark'] as const) {
    it(`gives every text at least WCAG AA contrast (4.5:1) in the ${scheme} palette`, () => {
      const p = PALETTES[scheme];
      for (const [text, background] of textPairs) {
        expect(contrast(p[text], p[background]), `${text} on ${background}`).toBeGreaterThanOrEqual(4.5);
      }
    });
  }

  it('is a light card on a light page and a dark card on a dark one', () => {
    expect(luminance(PALETTES.light.bg)).toBeGreaterThan(0.9);
    expect(luminance(PALETTES.dark.bg)).toBeLessThan(0.02);
  });

  it('switches palettes with prefers-color-scheme and with the notebook theme, only inside .gbx', () => {
    expect(CARD_CSS).toContain(`@media (prefers-color-scheme: dark){.gbx{--gbx-fg:${PALETTES.dark.fg};`);
    expect(CARD_CSS).toContain(`[data-jp-theme-light="false"] .gbx,body.vscode-dark .gbx`);
    expect(CARD_CSS).toContain(`[data-jp-theme-light="true"] .gbx,body.vscode-light .gbx`);
    const selectors = CARD_CSS.replace(/@media[^{]*\{/g, '').match(/(^|})([^{}]+)\{/g) ?? [];
    const parts = selectors.flatMap((s) => s.replace(/^}/, '').replace(/\{$/, '').split(','));
    expect(parts.length).toBeGreaterThan(25);
    for (const part of parts) expect(part, 'every selector is scoped to the card').toMatch(/\.gbx\b/);
  });
});
