import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, NotFittedError } from '../../src/core/errors.js';
import type { Explanation } from '../../src/core/explanation.js';
import { CounterfactualProto, type CounterfactualProtoData } from '../../src/counterfactuals/proto/counterfactual-proto.js';
import { cutEncoder } from '../../src/counterfactuals/proto/encoder.js';
import { loadMnist } from '../../src/datasets/mnist.js';
import { tfjsModel } from '../../src/predictors/tfjs.js';
import { loadBundledModel } from '../../src/tf/models.js';
import { loadTf } from '../../src/tf/tf.js';
import { renderCounterfactualProtoHtml } from '../../src/viz/counterfactual-proto-card.js';
import { renderHtml, renderHtmlPage, RENDERABLE_EXPLAINERS } from '../../src/viz/render.js';
import { digitNames, protoOfAdultRow0 } from './fixtures.js';

/** The rows of the card's table: whether each is highlighted, and its cells' text (as escaped HTML). */
const tableRows = (html: string) =>
  [...html.match(/<tbody>([\s\S]*?)<\/tbody>/)![1].matchAll(/<tr( class="gbx-anchored")?>([\s\S]*?)<\/tr>/g)].map((m) => ({
    highlighted: m[1] !== undefined,
    cells: [...m[2].matchAll(/<td>([^<]*)<\/td>/g)].map((c) => c[1]),
  }));

/** Every element the card opens is closed, in order (`<img>` is void; SVG shapes close themselves, `<rect/>`). */
function expectBalanced(html: string) {
  const open: string[] = [];
  for (const [, close, name, selfClosing] of html.replace(/<style>[\s\S]*?<\/style>/g, '').matchAll(/<(\/?)([a-z][a-z0-9]*)\b[^>]*?(\/?)>/g)) {
    if (name === 'img' || selfClosing === '/') continue;
    if (close === '') open.push(name);
    else expect(open.pop(), `</${name}>`).toBe(name);
  }
  expect(open).toEqual([]);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('the card of a prototype-guided counterfactual of an Adult row (GBT, k-d tree prototypes)', () => {
  let adult: Awaited<ReturnType<typeof protoOfAdultRow0>>;
  let html: string;
  let prototypeRow: number[];

  beforeAll(async () => {
    adult = await protoOfAdultRow0();
    const { task, train, explainer, explanation } = adult;
    prototypeRow = explainer.prototypeInput(explanation.data.prototype, train) as number[];
    html = renderHtml(explanation, { ...task.dataset, unscale: task.unscale, prototype: prototypeRow });
  });

  it('gives the k-d tree prototype as the training row it is', () => {
    const { train, explanation } = adult;
    expect(explanation.data.prototype).toMatchObject({ source: 'kdtree', class: 1, size: 1 });
    expect(prototypeRow).toEqual(Array.from(Float32Array.from(train[explanation.data.prototype.rows[0]])));
  });

  it('names the classes before and after, escaped, with their probabilities', () => {
    const { cf, orig_proba } = adult.explanation.data;
    expect(cf).not.toBeNull();
    expect(html).toContain('What would make the model predict <span class="gbx-pill">&gt;50K</span> instead of <span class="gbx-pill">&lt;=50K</span>');
    expect(html).toContain(`<span class="gbx-label">Prediction</span><span><span class="gbx-pill">&lt;=50K</span> p = ${orig_proba[0].toFixed(2)}</span>`);
    expect(html).toContain(`<span class="gbx-label">Counterfactual</span><span><span class="gbx-pill">&gt;50K</span> p = ${cf!.proba[1].toFixed(2)}</span>`);
    expect(html).toContain(`aria-label="p(&gt;50K) after ${cf!.proba[1].toFixed(2)}"`);
    expect(html).not.toMatch(/[^<]<=50K|>50K<\/span> instead/);
    expectBalanced(html);
  });

  it('lists every change the model sees, from -> to, with numbers unscaled and categories named', () => {
    const { task, explanation } = adult;
    const changes = explanation.data.cf!.changes!.filter(task.matters).map((c) => task.describe(c).replace(' -> ', ' → '));
    expect(changes.length).toBeGreaterThan(0);
    const pills = [...html.match(/<span class="gbx-label">Changes<\/span><span>([\s\S]*?)<\/span><span class="gbx-label">/)![1].matchAll(/<span class="gbx-pill">([^<]*)<\/span>/g)].map((m) => m[1]);
    expect(pills).toEqual(changes.map(esc));
    // Row 0 moves up in Education, a category, with the step named in the change column.
    expect(changes).toContain('Education: Dropout → High School grad');
  });

  it('shows every feature before, after and in the prototype, the changed ones highlighted', () => {
    const { task, explanation } = adult;
    const { featureNames, categoryMap } = task;
    const before = task.unscale(explanation.data.raw.instance as number[]);
    const after = task.unscale(explanation.data.cf!.X as number[]);
    const proto = task.unscale(prototypeRow);
    const show = (f: number, v: number) => esc(categoryMap[f]?.[v] ?? String(v));
    expect(html).toContain('<thead><tr><th>feature</th><th>The instance</th><th>The counterfactual</th><th>change</th><th>The prototype (&gt;50K)</th></tr></thead>');
    const rows = tableRows(html);
    expect(rows.map((r) => r.cells[0])).toEqual(featureNames);
    rows.forEach(({ highlighted, cells }, f) => {
      expect(cells[1]).toBe(show(f, before[f]));
      expect(cells[2]).toBe(show(f, after[f]));
      expect(cells[4]).toBe(show(f, proto[f]));
      expect(highlighted, featureNames[f]).toBe(before[f] !== after[f]);
      if (highlighted) expect(cells[3]).toBe(categoryMap[f] === undefined ? `+${after[f] - before[f]}` : `${show(f, before[f])} → ${show(f, after[f])}`);
      else expect(cells[3]).toBe('');
    });
    // Immutable features keep their values.
    for (const name of ['Race', 'Sex', 'Country']) expect(rows[featureNames.indexOf(name)].highlighted).toBe(false);
  });

  it('names the prototype and counts the search, never timings', () => {
    const { data } = adult.explanation;
    expect(html).toContain(`<span class="gbx-label">Prototype</span><span><span class="gbx-pill">&gt;50K</span> <span class="gbx-note">training row ${data.prototype.rows[0]} (k-d tree), distance ${data.prototype.distance.toFixed(2)}</span></span>`);
    expect(html).toContain(
      `CounterfactualProto · finite-differences gradients · k-d tree prototypes · 600 iterations over 3 values of c · ${data.model_rows.toLocaleString('en-US')} model rows in ${data.model_calls} calls`,
    );
    expect(html).not.toMatch(/\d ms\b/);
  });

  it('escapes names it is given and draws the same card for the same explanation', () => {
    const { task, explanation } = adult;
    const featureNames = task.featureNames.map((n, f) => (f === 2 ? '<script>alert("x")</script>' : n));
    const card = renderCounterfactualProtoHtml(explanation, { featureNames, categoryMap: task.categoryMap, targetNames: ['poor & "low"', 'rich'], unscale: task.unscale });
    expect(card).not.toContain('<script>');
    expect(card).toContain('<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</td>');
    expect(card).toContain('instead of <span class="gbx-pill">poor &amp; &quot;low&quot;</span>');
    // Without a prototype row the card names the prototype but has no prototype column.
    expect(card).toContain('<th>change</th></tr></thead>');
    expectBalanced(card);
    expect(renderHtmlPage(explanation, task.dataset)).toBe(renderHtmlPage(JSON.parse(JSON.stringify(explanation)), task.dataset));
  });

  it('says what is wrong with the options it is given', () => {
    const { task, train, explainer, explanation } = adult;
    expect(() => renderHtml(explanation, { prototype: [1, 2, 3] })).toThrow(InvalidInputError);
    expect(() => renderHtml(explanation, { prototype: [1, 2, 3] })).toThrow('options.prototype has 3 values; expected 12');
    expect(() => renderHtml(explanation, { ...task.dataset, unscale: (row) => row.slice(1) })).toThrow('options.unscale turned the instance into 11 values; expected 12, one per column');
    expect(() => renderHtml(explanation, { featureNames: ['Age'] })).toThrow('featureNames has 1 names but the instance has 12 values');
    expect(() => explainer.prototypeInput(explanation.data.prototype, train.slice(1))).toThrow(`trainRows has ${train.length - 1} rows; expected the ${train.length} rows given to fit`);
    expect(() => explainer.prototypeInput({ ...explanation.data.prototype, rows: [train.length] }, train)).toThrow(/the prototype names rows \[\d+\] of class 1; expected training rows 0\.\.\d+/);
    expect(() => new CounterfactualProto(task.predictor, { shape: [12], theta: 1 }).prototypeInput(explanation.data.prototype, train)).toThrow(NotFittedError);
  });

  it('is one of the explanations renderHtml draws', () => {
    expect(RENDERABLE_EXPLAINERS).toContain('CounterfactualProto');
  });
});

describe('the card of a prototype-guided counterfactual of an MNIST digit (CNN, encoder prototypes)', () => {
  const mnist = loadMnist();
  const digits = Array.from({ length: 500 }, (_, i) => mnist.train.image(i));
  let explanation: Explanation<CounterfactualProtoData>;
  let prototype: number[];
  let html: string;

  /** The PNG pictures of a card, decoded, and the grey level of image pixel p in one (28 x 28 drawn 224 x 224). */
  const pictures = (card: string) =>
    [...card.matchAll(/<img class="gbx-img" src="data:image\/png;base64,([^"]+)"/g)].map((m) => PNG.sync.read(Buffer.from(m[1], 'base64')));
  const grey = (png: PNG, p: number) => png.data[((Math.floor(p / 28) * 8 + 4) * png.width + (p % 28) * 8 + 4) * 4];

  beforeAll(async () => {
    const tf = await loadTf();
    const before = tf.memory().numTensors;
    const cnn = await loadBundledModel('mnist-cnn');
    const ae = await loadBundledModel('mnist-ae');
    try {
      const explainer = await new CounterfactualProto(tfjsModel(cnn), {
        shape: mnist.shape,
        featureRange: [0, 1],
        encoder: await cutEncoder(ae, 4),
        theta: 10,
        cInit: 10,
        cSteps: 1,
        maxIterations: 100,
      }).fit(digits);
      explanation = await explainer.explain(mnist.test.image(0));
      prototype = (explainer.prototypeInput(explanation.data.prototype, digits) as number[][][]).flat(2);
      html = renderHtml(explanation, { targetNames: digitNames, prototype });
    } finally {
      cnn.dispose();
      ae.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the encoder prototype as the mean of the training digits of its class', async () => {
    const { prototype: p } = explanation.data;
    expect(p).toMatchObject({ source: 'encoder', rows: [] });
    const model = await loadBundledModel('mnist-cnn');
    try {
      const proba = await tfjsModel(model)(digits);
      const members = digits.filter((_, i) => proba[i].indexOf(Math.max(...proba[i])) === p.class);
      expect(members).toHaveLength(p.size);
      for (const pixel of [0, 300, 407, 600]) {
        expect(prototype[pixel]).toBeCloseTo(members.reduce((s, d) => s + d[pixel], 0) / members.length, 5);
      }
    } finally {
      model.dispose();
    }
  });

  it('draws the digit, the counterfactual, their difference and the prototype', () => {
    const { cf, prototype: p } = explanation.data;
    expect(cf).not.toBeNull();
    const [instance, other, difference, proto] = pictures(html);
    expect([instance, other, difference, proto].map((png) => png.width)).toEqual([224, 224, 224, 224]);
    const digit = mnist.test.image(0);
    const x = (cf!.X as number[][][]).flat(2);
    for (let i = 0; i < 784; i++) {
      expect(grey(instance, i)).toBe(Math.round(255 * digit[i]));
      expect(grey(other, i)).toBe(Math.round(255 * x[i]));
      expect(grey(proto, i)).toBe(Math.round(255 * prototype[i]));
    }
    expect(difference.width).toBe(224);
    expect(html).toContain(`<figcaption>The prototype (${p.class})</figcaption>`);
    expect(html).toContain(`What would make the model predict <span class="gbx-pill">${cf!.class}</span> instead of <span class="gbx-pill">4</span>`);
    expect(html).toContain(`<span class="gbx-strong">${cf!.changed}</span> <span class="gbx-note">of 784 values</span>`);
    expect(html).toContain(`the mean encoding of the ${p.size} training inputs predicted as ${p.class}, distance ${p.distance.toFixed(2)} in the encoder&#39;s space`);
    expect(html).not.toContain('<table');
    expectBalanced(html);
  });

  it('says which encodings a prototype of the k nearest (kType mean or point) is made of', () => {
    const { prototype: p } = explanation.data;
    const as = (rows: number[]) => renderHtml({ ...explanation, data: { ...explanation.data, prototype: { ...p, rows, size: rows.length } } }, { targetNames: digitNames });
    expect(as([4, 8, 15])).toContain(`the mean encoding of the nearest 3 training inputs predicted as ${p.class}, distance`);
    expect(as([16])).toContain('the encoding of training input 16, distance');
  });

  it('draws no prototype picture when none is given', () => {
    expect(pictures(renderHtml(explanation, { targetNames: digitNames }))).toHaveLength(3);
  });
});
