import { existsSync } from 'node:fs';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { GlassboxError } from '../../src/core/errors.js';
import { Counterfactual } from '../../src/counterfactuals/counterfactual.js';
import { chromiumPath, PngRenderer, renderPng } from '../../src/viz/png.js';
import { renderHtml, renderHtmlPage } from '../../src/viz/render.js';
import { adult, counterfactualsOfDigit0, digitNames, explainDigit0, explainer, explainRow15, explainSentence0, protoOfAdultRow0, sentimentTargets } from './fixtures.js';

/** Mean and variance of the pixels' luma (ITU-R BT.601 weights), 0..255. */
function lumaStats(png: Buffer): { width: number; height: number; mean: number; variance: number } {
  const image = PNG.sync.read(png);
  const n = image.width * image.height;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const y = 0.299 * image.data[4 * i] + 0.587 * image.data[4 * i + 1] + 0.114 * image.data[4 * i + 2];
    sum += y;
    sumSq += y * y;
  }
  const mean = sum / n;
  return { width: image.width, height: image.height, mean, variance: sumSq / n - mean * mean };
}

const chromium = chromiumPath();
const hasChromium = existsSync(chromium);
if (!hasChromium) {
  console.warn(`test/viz/visual.test.ts: SKIPPED, no Chromium at ${chromium} (apt-get install chromium, or set GLASSBOX_CHROMIUM)`);
}

describe('PngRenderer without a browser', () => {
  it('says which executable is missing and how to get one', async () => {
    const launch = PngRenderer.launch({ executablePath: '/nonexistent/chromium' });
    await expect(launch).rejects.toThrow(GlassboxError);
    await expect(PngRenderer.launch({ executablePath: '/nonexistent/chromium' })).rejects.toThrow(
      'no Chromium at /nonexistent/chromium: PNG pictures need a headless Chromium; install one (Debian: apt-get install chromium) or set GLASSBOX_CHROMIUM',
    );
  });

  it('rejects picture options out of range before starting anything', async () => {
    await expect(renderPng('<p>x</p>', { width: 50 })).rejects.toThrow('option width is 50; expected an integer from 200 to 4000');
    await expect(renderPng('<p>x</p>', { scale: 0 })).rejects.toThrow('option scale is 0; expected a number in (0, 4]');
    await expect(renderPng('<p>x</p>', { colorScheme: 'sepia' as never })).rejects.toThrow('option colorScheme is "sepia"');
  });
});

describe.skipIf(!hasChromium)('cards drawn by headless Chromium', () => {
  let renderer: PngRenderer;
  beforeAll(async () => {
    renderer = await PngRenderer.launch();
  });
  afterAll(async () => {
    await renderer?.close();
  });

  it('draws the tabular anchor card, light and dark, with its text in the page', async () => {
    const explanation = await explainRow15();
    const html = renderHtml(explanation, adult);
    const light = await renderer.render(html, { colorScheme: 'light' });
    const dark = await renderer.render(html, { colorScheme: 'dark' });
    for (const picture of [light, dark]) {
      const stats = lumaStats(picture.png);
      expect([stats.width, stats.height]).toEqual([picture.width, picture.height]);
      // A card with tables and bars: wide, taller than its header, and far from a blank picture.
      expect(stats.width).toBeGreaterThan(600);
      expect(stats.height).toBeGreaterThan(400);
      expect(stats.variance, 'a blank picture has no variance').toBeGreaterThan(200);
      for (const key of ['Why the model predicts', '>50K', 'Education = Masters', 'Marital Status = Married', 'Occupation = White-Collar',
        'Precision', 'Coverage', explanation.data.precision.toFixed(2), 'The explained row', 'United-States', 'the model disagrees']) {
        expect(picture.text).toContain(key);
      }
    }
    // The palettes follow prefers-color-scheme: a light card on white, a dark card on black.
    expect(lumaStats(light.png).mean).toBeGreaterThan(200);
    expect(lumaStats(dark.png).mean).toBeLessThan(60);
  });

  it('draws the text anchor card with its highlighted text', async () => {
    const explanation = await explainSentence0();
    const picture = await renderer.render(renderHtml(explanation, { targetNames: sentimentTargets }), { colorScheme: 'dark' });
    const stats = lumaStats(picture.png);
    expect(stats.variance, 'a blank picture has no variance').toBeGreaterThan(200);
    expect(stats.mean).toBeLessThan(60);
    expect(stats.height).toBeGreaterThan(300);
    for (const key of ['Why the model predicts', 'negative', 'worst', explanation.data.raw.instance, 'where the model agrees', 'sampling unknown']) {
      expect(picture.text).toContain(key);
    }
  });

  it('draws the image anchor card with its pictures', async () => {
    const { explanation, digit } = await explainDigit0();
    const picture = await renderer.render(renderHtml(explanation, { image: digit, targetNames: digitNames }));
    const stats = lumaStats(picture.png);
    expect(stats.variance, 'a blank picture has no variance').toBeGreaterThan(200);
    // Three 280-pixel pictures side by side, and thumbnails below them.
    expect(stats.width).toBeGreaterThan(3 * 280);
    expect(stats.height).toBeGreaterThan(280 + 2 * 112);
    for (const key of ['Why the model predicts', '4', 'superpixel', 'The image', 'The anchor', 'where the model agrees']) expect(picture.text).toContain(key);
  });

  it('draws the counterfactual and pertinent-negative cards with their pictures', async () => {
    const { digit, counterfactual, pn } = await counterfactualsOfDigit0();
    const cards = [
      { html: renderHtml(counterfactual, { instance: digit, targetNames: digitNames }), keys: ['What would make the model predict', 'The counterfactual', 'L1 distance'] },
      { html: renderHtml(pn, { targetNames: digitNames }), keys: ['What, added, would make the model predict', 'The pertinent negative', 'What was added'] },
    ];
    for (const { html, keys } of cards) {
      const picture = await renderer.render(html, { colorScheme: 'dark' });
      const stats = lumaStats(picture.png);
      expect(stats.variance, 'a blank picture has no variance').toBeGreaterThan(200);
      expect(stats.width).toBeGreaterThan(3 * 224);
      for (const key of [...keys, 'The instance', '4']) expect(picture.text).toContain(key);
    }
  });

  it('draws the before/after table of a tabular counterfactual', async () => {
    // A black box approving (class 1) when 2·income − debt > 1.
    const predict = (rows: number[][]) => rows.map(([income, debt]) => [1 / (1 + Math.exp(8 * (2 * income - debt - 1))), 1 / (1 + Math.exp(-8 * (2 * income - debt - 1)))]);
    const row = [0.5, 0.5];
    const e = await new Counterfactual(predict, { shape: [2], featureRange: [0, 1], targetProba: 0.9, tol: 0.1 }).explain(row);
    const picture = await renderer.render(renderHtml(e, { instance: row, featureNames: ['income', 'debt'], targetNames: ['refused', 'approved'] }));
    expect(lumaStats(picture.png).variance).toBeGreaterThan(200);
    for (const key of ['approved', 'refused', 'income', 'debt', 'The counterfactual', 'change']) expect(picture.text).toContain(key);
  });

  it('draws the card of a prototype-guided counterfactual with its changes and its prototype', async () => {
    const { task, train, explainer, explanation } = await protoOfAdultRow0();
    const prototype = explainer.prototypeInput(explanation.data.prototype, train);
    const picture = await renderer.render(renderHtml(explanation, { ...task.dataset, unscale: task.unscale, prototype }), { colorScheme: 'dark' });
    const stats = lumaStats(picture.png);
    expect(stats.variance, 'a blank picture has no variance').toBeGreaterThan(200);
    expect(stats.mean).toBeLessThan(60);
    expect(stats.height).toBeGreaterThan(500);
    for (const key of ['What would make the model predict', '>50K', '<=50K', 'Education: Dropout → High School grad', 'The prototype (>50K)',
      `training row ${explanation.data.prototype.rows[0]} (k-d tree)`, 'Hours per week']) {
      expect(picture.text).toContain(key);
    }
  });

  it('widens the picture rather than cut off a table wider than the card', async () => {
    // Held-out row 3: a four-condition anchor whose example rows hold long category names.
    const explanation = await explainer.explain(adult.test.rows[3]);
    const picture = await renderer.render(renderHtml(explanation, adult));
    const narrow = await renderer.render(renderHtml(explanation, { ...adult, maxExamples: 0 }));
    expect(narrow.width).toBeLessThanOrEqual(936); // the card's 920 pixels and the margins
    expect(picture.width).toBeGreaterThan(936);
    expect(picture.text).toContain('Amer-Indian-Eskimo');
  });

  it('draws an empty anchor and a whole page as well', async () => {
    const constant = (batch: number[][]) => batch.map(() => 1);
    const empty = await (await new AnchorTabular(constant, adult.featureNames, { categoryMap: adult.categoryMap })
      .fit(adult.train.rows.slice(0, 500)))
      .explain(adult.test.rows[0]);
    const picture = await renderer.render(renderHtmlPage(empty, adult), { scale: 2 });
    const stats = lumaStats(picture.png);
    expect(stats.variance).toBeGreaterThan(200);
    expect(picture.width % 2).toBe(0);
    expect(picture.text).toContain('Empty anchor: the model predicts >50K');
  });
});
