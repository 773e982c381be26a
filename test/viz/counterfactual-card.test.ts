import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import type { Explanation } from '../../src/core/explanation.js';
import type { CEMData } from '../../src/counterfactuals/cem.js';
import { Counterfactual, type CounterfactualData } from '../../src/counterfactuals/counterfactual.js';
import { loadMnist } from '../../src/datasets/mnist.js';
import { loadTf } from '../../src/tf/tf.js';
import { renderHtml } from '../../src/viz/render.js';
import { counterfactualsOfDigit0 } from './fixtures.js';

const mnist = loadMnist();
let digit: Float32Array;
let counterfactual: Explanation<CounterfactualData>;
let pn: Explanation<CEMData>;
let html: string;

/** The PNG pictures of a card, decoded. */
const pictures = (card: string) =>
  [...card.matchAll(/<img class="gbx-img" src="data:image\/png;base64,([^"]+)"/g)].map((m) => PNG.sync.read(Buffer.from(m[1], 'base64')));
/** The colour of image pixel (y, x) in a picture magnified 8x (28 x 28 drawn 224 x 224). */
const rgb = (png: PNG, y: number, x: number) => {
  const o = ((y * 8 + 4) * png.width + x * 8 + 4) * 4;
  return [png.data[o], png.data[o + 1], png.data[o + 2]];
};
const flat = (x: unknown) => (x as number[][][]).flat(2);

beforeAll(async () => {
  const tf = await loadTf();
  const before = tf.memory().numTensors;
  ({ digit, counterfactual, pn } = await counterfactualsOfDigit0());
  html = renderHtml(counterfactual, { instance: digit, targetNames: mnist.targetNames });
  expect(tf.memory().numTensors).toBe(before);
});

describe('the card of an image counterfactual (MNIST held-out digit 0, bundled CNN)', () => {
  it('names the prediction before and after, with probabilities and the distance', () => {
    const { cf, orig_class, orig_proba } = counterfactual.data;
    expect(cf).not.toBeNull();
    const after = String(cf!.class);
    expect(html).toContain(`What would make the model predict <span class="gbx-pill">${after}</span> instead of <span class="gbx-pill">4</span>`);
    expect(html).toContain(`<span class="gbx-label">Prediction</span><span><span class="gbx-pill">4</span> p = ${orig_proba[orig_class!].toFixed(2)}</span>`);
    expect(html).toContain(`aria-label="p(${after}) after ${cf!.proba[cf!.class!].toFixed(2)}"`);
    expect(html).toContain(`<span class="gbx-strong">${cf!.distance.toFixed(2)}</span>`);
  });

  it('draws the digit, the counterfactual and their difference', () => {
    const [instance, other, difference] = pictures(html);
    expect([instance.width, other.width, difference.width]).toEqual([224, 224, 224]);
    const x = flat(counterfactual.data.cf!.X);
    let largest = 0;
    let at = 0;
    for (let p = 0; p < 784; p++) {
      const y = Math.floor(p / 28);
      const [r] = rgb(instance, y, p % 28);
      expect(r).toBe(Math.round(255 * digit[p]));
      expect(rgb(other, y, p % 28)[0]).toBe(Math.round(255 * x[p]));
      if (Math.abs(x[p] - digit[p]) > largest) [largest, at] = [Math.abs(x[p] - digit[p]), p];
      if (x[p] === digit[p]) expect(rgb(difference, y, p % 28)).toEqual([255, 255, 255]);
    }
    // The largest change is drawn at full colour: green if ink was added, red if removed.
    expect(rgb(difference, Math.floor(at / 28), at % 28)).toEqual(x[at] > digit[at] ? [0, 255, 0] : [255, 0, 0]);
    expect(html).toMatch(/The difference: green more, red less \(full colour: 0\.\d\d\)/);
  });

  it('needs the instance, which a Counterfactual explanation does not keep', () => {
    expect(() => renderHtml(counterfactual)).toThrow(InvalidInputError);
    expect(() => renderHtml(counterfactual)).toThrow('a Counterfactual card needs the explained instance: pass it as options.instance');
    expect(() => renderHtml(counterfactual, { instance: [1, 2, 3] })).toThrow(/options\.instance/);
  });
});

describe('the card of a pertinent negative (CEM)', () => {
  it('shows what was added to change the prediction', () => {
    expect(pn.data.success).toBe(true);
    const card = renderHtml(pn, { targetNames: mnist.targetNames });
    expect(card).toContain(`What, added, would make the model predict <span class="gbx-pill">${pn.data.PN_pred}</span> instead of <span class="gbx-pill">4</span>`);
    expect(card).toContain('<figcaption>The pertinent negative</figcaption>');
    const [instance, added, difference] = pictures(card);
    const x = flat(pn.data.PN);
    // A pertinent negative only adds ink: the difference is green or white, never red.
    for (let p = 0; p < 784; p++) {
      expect(x[p]).toBeGreaterThanOrEqual(digit[p] - 1e-6);
      const [, g] = rgb(difference, Math.floor(p / 28), p % 28);
      expect(g).toBe(255);
      expect(rgb(added, Math.floor(p / 28), p % 28)[0]).toBe(Math.round(255 * Math.min(1, x[p])));
    }
    expect(instance.width).toBe(224);
  });
});

describe('the card of a tabular counterfactual', () => {
  // A black box over [income, debt, region]: approves (class 1) when 2·income − debt > 1; region is categorical.
  const predict = (rows: number[][]) => rows.map(([income, debt]) => {
    const p = 1 / (1 + Math.exp(-8 * (2 * income - debt - 1)));
    return [1 - p, p];
  });
  const names = { featureNames: ['income', 'debt', 'region'], categoryMap: { 2: ['north', 'south'] }, targetNames: ['refused', 'approved'] };

  it('shows a before/after table with the changed features highlighted and categories named', async () => {
    const row = [0.5, 0.5, 1];
    const e = await new Counterfactual(predict, {
      shape: [3],
      featureRange: [[0, 0, 0], [1, 1, 1]],
      constraints: { immutable: [2] },
      targetProba: 0.9,
      tol: 0.1,
    }).explain(row);
    expect(e.data.success).toBe(true);
    const card = renderHtml(e, { ...names, instance: row });
    expect(card).toContain('What would make the model predict <span class="gbx-pill">approved</span> instead of <span class="gbx-pill">refused</span>');
    const rows = [...card.matchAll(/<tr( class="gbx-anchored")?><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => ({
      highlighted: m[1] !== undefined,
      cells: m.slice(2),
    }));
    expect(rows.map((r) => r.cells[0])).toEqual(['income', 'debt', 'region']);
    const x = flat([e.data.cf!.X]);
    rows.forEach(({ highlighted, cells }, f) => {
      expect(highlighted).toBe(Math.abs(x[f] - row[f]) >= 0.005);
      if (highlighted) expect(cells[3]).toBe(`${x[f] > row[f] ? '+' : ''}${(x[f] - row[f]).toFixed(2)}`);
    });
    expect(rows[0].highlighted || rows[1].highlighted).toBe(true);
    expect(rows[2]).toEqual({ highlighted: false, cells: ['region', 'south', 'south', ''] });
    expect(card).not.toContain('<img');
  });

  it('says when no counterfactual was found, and shows the instance alone', async () => {
    const row = [0.1, 0.9, 0];
    const e = await new Counterfactual(predict, { shape: [3], featureRange: [0, 1], constraints: { immutable: [0, 1] }, maxIter: 20, maxLamSteps: 1 }).explain(row);
    expect(e.data.success).toBe(false);
    const card = renderHtml(e, { ...names, instance: row });
    expect(card).toContain('No counterfactual found for <span class="gbx-pill">refused</span>');
    expect(card).toContain('<thead><tr><th>feature</th><th>The instance</th></tr></thead>');
    expect(card).toContain('<td>north</td>');
  });
});
