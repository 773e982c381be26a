import type { CEMData } from '../counterfactuals/cem.js';
import type { CounterfactualData } from '../counterfactuals/counterfactual.js';
import { flattenInstance, shapeSize, type InstanceInput, type NestedNumbers } from '../counterfactuals/instance.js';
import { InvalidInputError } from '../core/errors.js';
import type { Explanation, ExplanationMeta } from '../core/explanation.js';
import { TabularSchema, type CategoryMap } from '../core/tabular-schema.js';
import type { Image } from '../image/image.js';
import { renderAnchor } from '../image/render.js';
import { className } from './anchor-card.js';
import { fractionBar } from './bars.js';
import { escapeHtml, formatCount, formatValue } from './html.js';
import { figure, pngImg } from './images.js';
import { cardStyle } from './theme.js';

/**
 * What a counterfactual card needs beyond the explanation: the explained instance (a `Counterfactual`
 * explanation does not keep it; a `CEM` one does), and the names of features, categories and classes.
 */
export interface CounterfactualRenderOptions {
  /** The explained instance, flat or nested, in the explainer's `shape`. */
  instance?: InstanceInput;
  featureNames?: readonly string[];
  categoryMap?: CategoryMap;
  targetNames?: readonly string[];
}

/** Pixels drawn per image pixel: the smallest that makes the longer side at least 224 pixels. */
const MIN_PICTURE_SIDE = 224;

/**
 * A feature counts as changed when the change shows in the table, whose numbers have two decimals: at
 * least half a unit of the last one. Float32 optimisation leaves smaller traces on features it did not
 * mean to change.
 */
const VISIBLE_CHANGE = 0.005;

/** Instance and counterfactual (or pertinent negative / positive), as the card compares them. */
interface Comparison {
  meta: ExplanationMeta;
  shape: number[];
  instance: Float32Array;
  /** The other point, or undefined when the search found none. */
  other: Float32Array | undefined;
  title: string;
  /** Captions of the instance, the other point and their difference. */
  names: [string, string, string];
  /** Rows of the summary grid: label and HTML. */
  facts: Array<[string, string]>;
  footer: string[];
}

/** The image shape `[h, w, c]` of an instance shape, or undefined for a flat (tabular) instance. */
function imageShape(shape: readonly number[]): [number, number, number] | undefined {
  const dims = shape.slice(shape.findIndex((n) => n !== 1));
  if (dims.length < 2 || dims.length > 3 || dims[0] < 2 || dims[1] < 2) return undefined;
  const channels = dims[2] ?? 1;
  return [1, 3, 4].includes(channels) ? [dims[0], dims[1], channels] : undefined;
}

function shapeOf(meta: ExplanationMeta): number[] {
  const shape = meta.params.shape;
  shapeSize(shape, 'meta.params.shape');
  return shape as number[];
}

const flat = (x: NestedNumbers, shape: readonly number[], what: string) => flattenInstance(x as InstanceInput, shape, what);

/** A magnified picture of an image instance, values clipped to [0, 1] (or 0–255 when above 1). */
function picture(values: Float32Array, [height, width, channels]: [number, number, number], alt: string): string {
  const image: Image = { height, width, channels, data: values };
  const whole = { height, width, count: 1, labels: new Int32Array(height * width) };
  const scale = Math.max(1, Math.ceil(MIN_PICTURE_SIDE / Math.max(height, width)));
  return pngImg(renderAnchor(image, whole, [0], { scale }), alt);
}

/**
 * The difference other − instance per pixel (mean over channels), on white: green where values grew, red
 * where they shrank, the largest change at full colour. Returns the picture and that largest change.
 */
function differencePicture(
  instance: Float32Array,
  other: Float32Array,
  [height, width, channels]: [number, number, number],
  alt: string,
): { img: string; largest: number } {
  const deltas = new Float32Array(height * width);
  let largest = 0;
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < channels; c++) deltas[p] += (other[p * channels + c] - instance[p * channels + c]) / channels;
    largest = Math.max(largest, Math.abs(deltas[p]));
  }
  const data = new Float32Array(height * width * 3);
  deltas.forEach((delta, p) => {
    const v = largest === 0 ? 0 : Math.abs(delta) / largest;
    data.set(delta > 0 ? [1 - v, 1, 1 - v] : [1, 1 - v, 1 - v], p * 3);
  });
  return { img: picture(data, [height, width, 3], alt), largest };
}

function imageComparison(c: Comparison, shape: [number, number, number]): string {
  const [instanceName, otherName, differenceName] = c.names;
  if (c.other === undefined) return `<div class="gbx-figures">${figure(picture(c.instance, shape, instanceName), instanceName)}</div>`;
  const difference = differencePicture(c.instance, c.other, shape, differenceName);
  return (
    `<div class="gbx-figures">` +
    figure(picture(c.instance, shape, instanceName), instanceName) +
    figure(picture(c.other, shape, otherName), otherName) +
    figure(difference.img, `${differenceName}: green more, red less (full colour: ${formatValue(difference.largest)})`) +
    `</div>`
  );
}

function tabularComparison(c: Comparison, options: CounterfactualRenderOptions): string {
  const names = options.featureNames ?? Array.from(c.instance, (_, f) => `feature ${f}`);
  if (names.length !== c.instance.length) {
    throw new InvalidInputError(`featureNames has ${names.length} names but the instance has ${c.instance.length} values`);
  }
  const schema = new TabularSchema(names, options.categoryMap ?? {});
  const show = (f: number, x: number) =>
    schema.isCategorical(f) && Number.isInteger(x) && x >= 0 && x < (schema.categories[f] as readonly string[]).length
      ? schema.valueName(f, x)
      : formatValue(x);
  const [instanceName, otherName] = c.names;
  const rows = Array.from(c.instance, (x, f) => {
    const y = c.other?.[f];
    const delta = y === undefined ? 0 : y - x;
    const changed = Math.abs(delta) >= VISIBLE_CHANGE;
    const cls = changed ? ' class="gbx-anchored"' : '';
    return (
      `<tr${cls}><td>${escapeHtml(names[f])}</td><td>${escapeHtml(show(f, x))}</td>` +
      (y === undefined ? '' : `<td>${escapeHtml(show(f, y))}</td><td>${changed ? escapeHtml(`${delta > 0 ? '+' : ''}${formatValue(delta)}`) : ''}</td>`) +
      `</tr>`
    );
  });
  const head = `<th>feature</th><th>${escapeHtml(instanceName)}</th>` + (c.other === undefined ? '' : `<th>${escapeHtml(otherName)}</th><th>change</th>`);
  return `<h4>Changed features are highlighted</h4><div class="gbx-scroll"><table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function comparisonCard(c: Comparison, options: CounterfactualRenderOptions, kind: string): string {
  const image = imageShape(c.shape);
  return (
    `<div class="gbx gbx-${kind}">${cardStyle()}` +
    `<h3>${c.title}<span class="gbx-kind">${escapeHtml(c.meta.name)}</span></h3>` +
    `<div class="gbx-grid">${c.facts.map(([label, html]) => `<span class="gbx-label">${escapeHtml(label)}</span><span>${html}</span>`).join('')}</div>` +
    (image === undefined ? tabularComparison(c, options) : imageComparison(c, image)) +
    `<div class="gbx-footer">${[c.meta.name, ...c.footer].map(escapeHtml).join(' · ')} · glassbox ${escapeHtml(c.meta.version)}</div>` +
    `</div>`
  );
}

const pill = (text: string) => `<span class="gbx-pill">${escapeHtml(text)}</span>`;
const probability = (p: number, label: string) => fractionBar(Math.min(1, Math.max(0, p)), { label });

/**
 * The card of a counterfactual explanation (`Counterfactual`, Wachter et al. 2017): the prediction before
 * and after, the class probabilities as bars, the L1 distance, and the instance beside the
 * counterfactual: for images, the two pictures and their difference (PNG, embedded); for rows, a
 * before/after table with the changed features highlighted.
 */
export function renderCounterfactualHtml(explanation: Explanation<CounterfactualData>, options: CounterfactualRenderOptions = {}): string {
  const { meta, data } = explanation;
  const shape = shapeOf(meta);
  if (options.instance === undefined) {
    throw new InvalidInputError('a Counterfactual card needs the explained instance: pass it as options.instance (the explanation does not keep it)');
  }
  const instance = flattenInstance(options.instance, shape, 'options.instance');
  const { cf } = data;
  const before = className(data.orig_class, options.targetNames);
  const after = cf === null ? undefined : className(cf.class, options.targetNames);
  const facts: Array<[string, string]> = [
    ['Prediction', `${pill(before)} p = ${data.orig_proba[data.orig_class].toFixed(2)}`],
  ];
  if (cf !== null && after !== undefined) {
    facts.push(
      ['Counterfactual', `${pill(after)} p = ${cf.proba[cf.class].toFixed(2)}`],
      [`p(${before})`, `${probability(data.orig_proba[data.orig_class], `p(${before}) before`)} → ${probability(cf.proba[data.orig_class], `p(${before}) after`)}`],
      [`p(${after})`, `${probability(data.orig_proba[cf.class], `p(${after}) before`)} → ${probability(cf.proba[cf.class], `p(${after}) after`)}`],
      ['L1 distance', `<span class="gbx-strong">${escapeHtml(cf.distance.toFixed(2))}</span> <span class="gbx-note">λ = ${escapeHtml(cf.lambda.toExponential(2))}</span>`],
    );
  }
  const title =
    cf === null
      ? `No counterfactual found for ${pill(before)}`
      : `What would make the model predict ${pill(after as string)} instead of ${pill(before)}`;
  const names: [string, string, string] = ['The instance', 'The counterfactual', 'The difference'];
  return comparisonCard(
    {
      meta,
      shape,
      instance,
      other: cf === null ? undefined : flat(cf.X, shape, 'data.cf.X'),
      title,
      names,
      facts,
      footer: [
        `${data.raw.gradients} gradients`,
        `${formatCount(data.iterations)} steps over ${data.raw.steps.length} values of λ`,
        `${formatCount(data.modelRows)} model rows in ${formatCount(data.modelCalls)} calls`,
      ],
    },
    options,
    'counterfactual',
  );
}

/**
 * The card of a contrastive explanation (`CEM`, Dhurandhar et al. 2018): for a pertinent negative, what
 * must be added to the instance to change the prediction; for a pertinent positive, what must be
 * present to keep it. Pictures (or a table) of the instance, the PN/PP and their difference.
 */
export function renderCemHtml(explanation: Explanation<CEMData>, options: CounterfactualRenderOptions = {}): string {
  const { meta, data } = explanation;
  const shape = shapeOf(meta);
  const instance = flat(data.X, shape, 'data.X');
  const best = data.raw.best;
  const before = className(data.orig_class, options.targetNames);
  const found = best === null ? undefined : className(best.class, options.targetNames);
  const pn = data.mode === 'PN';
  const facts: Array<[string, string]> = [['Prediction', `${pill(before)} p = ${data.orig_proba[data.orig_class].toFixed(2)}`]];
  if (best !== null && found !== undefined) {
    facts.push(
      [pn ? 'Pertinent negative' : 'Pertinent positive', `${pill(found)} p = ${best.proba[best.class].toFixed(2)}`],
      ['Distance', `<span class="gbx-strong">${escapeHtml(best.distance.toFixed(2))}</span> <span class="gbx-note">L1 ${escapeHtml(best.l1.toFixed(2))}, L2² ${escapeHtml(best.l2.toFixed(2))}, c = ${escapeHtml(best.c.toExponential(2))}</span>`],
    );
  }
  const what = pn ? 'pertinent negative' : 'pertinent positive';
  const title =
    best === null
      ? `No ${what} found for ${pill(before)}`
      : pn
        ? `What, added, would make the model predict ${pill(found as string)} instead of ${pill(before)}`
        : `What must be present for the model to predict ${pill(before)}`;
  return comparisonCard(
    {
      meta,
      shape,
      instance,
      other: best === null ? undefined : flat(best.X, shape, 'data.raw.best.X'),
      title,
      names: ['The instance', pn ? 'The pertinent negative' : 'The pertinent positive', pn ? 'What was added' : 'The difference'],
      facts,
      footer: [
        `${data.raw.gradients} gradients`,
        `${formatCount(data.iterations)} iterations over ${data.raw.steps.length} values of c`,
        `${formatCount(data.modelRows)} model rows in ${formatCount(data.modelCalls)} calls`,
      ],
    },
    options,
    'cem',
  );
}
