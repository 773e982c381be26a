import { flattenInstance, shapeSize, type InstanceInput, type NestedNumbers } from '../counterfactuals/instance.js';
import { InvalidInputError } from '../core/errors.js';
import type { ExplanationMeta } from '../core/explanation.js';
import { TabularSchema, type CategoryMap } from '../core/tabular-schema.js';
import type { Image } from '../image/image.js';
import { renderAnchor } from '../image/render.js';
import { className } from './anchor-card.js';
import { fractionBar } from './bars.js';
import { escapeHtml, formatValue } from './html.js';
import { figure, pngImg } from './images.js';
import { cardStyle } from './theme.js';

/**
 * The card every counterfactual-like explanation shares (Wachter counterfactuals, CEM's pertinent
 * negatives and positives, prototype-guided counterfactuals): the explained instance beside another
 * point (and optionally a third, such as a prototype), drawn as pictures for images and as a table for
 * rows.
 */

/**
 * What a counterfactual card needs beyond the explanation: the explained instance (a `Counterfactual`
 * explanation does not keep it; `CEM` and `CounterfactualProto` ones do), the names of features,
 * categories and classes, and, for rows the explainer saw scaled, the way back to the values a reader
 * knows.
 */
export interface CounterfactualRenderOptions {
  /** The explained instance, flat or nested, in the explainer's `shape`. */
  instance?: InstanceInput;
  featureNames?: readonly string[];
  categoryMap?: CategoryMap;
  targetNames?: readonly string[];
  /**
   * Rows only: maps a row in the explainer's space to the values the table shows, e.g. the `unscale` of
   * `adultCounterfactualTask()` for rows scaled to [-1, 1]. Categorical columns must keep their codes.
   */
  unscale?: (row: number[]) => ArrayLike<number>;
}

/** Pixels drawn per image pixel: the smallest that makes the longer side at least 224 pixels. */
const MIN_PICTURE_SIDE = 224;

/**
 * A feature counts as changed when the change shows in the table, whose numbers have two decimals: at
 * least half a unit of the last one. Float32 optimisation leaves smaller traces on features it did not
 * mean to change.
 */
const VISIBLE_CHANGE = 0.005;

/** A point shown beside the instance and the counterfactual, e.g. the prototype that guided the search. */
export interface ReferencePoint {
  values: Float32Array;
  /** Its caption or column heading. */
  name: string;
}

/** Instance and counterfactual (or pertinent negative / positive), as the card compares them. */
export interface Comparison {
  meta: ExplanationMeta;
  shape: number[];
  instance: Float32Array;
  /** The other point, or undefined when the search found none. */
  other: Float32Array | undefined;
  /** A third point to show, when there is one. */
  reference?: ReferencePoint;
  /** The card's heading, as HTML. */
  title: string;
  /** Captions of the instance, the other point and their difference. */
  names: [string, string, string];
  /** Rows of the summary grid: label and HTML. */
  facts: Array<[string, string]>;
  footer: string[];
}

/** The image shape `[h, w, c]` of an instance shape, or undefined for a flat (tabular) instance. */
export function imageShape(shape: readonly number[]): [number, number, number] | undefined {
  const dims = shape.slice(shape.findIndex((n) => n !== 1));
  if (dims.length < 2 || dims.length > 3 || dims[0] < 2 || dims[1] < 2) return undefined;
  const channels = dims[2] ?? 1;
  return [1, 3, 4].includes(channels) ? [dims[0], dims[1], channels] : undefined;
}

/** The instance shape of a counterfactual explanation, from `meta.params.shape`, checked. */
export function shapeOf(meta: ExplanationMeta): number[] {
  const shape = meta.params.shape;
  shapeSize(shape, 'meta.params.shape');
  return shape as number[];
}

/** A point of an explanation (nested in `shape`), flat. */
export const flat = (x: NestedNumbers, shape: readonly number[], what: string) => flattenInstance(x as InstanceInput, shape, what);

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
  const figures = [figure(picture(c.instance, shape, instanceName), instanceName)];
  if (c.other !== undefined) {
    const difference = differencePicture(c.instance, c.other, shape, differenceName);
    figures.push(
      figure(picture(c.other, shape, otherName), otherName),
      figure(difference.img, `${differenceName}: green more, red less (full colour: ${formatValue(difference.largest)})`),
    );
  }
  if (c.reference !== undefined) figures.push(figure(picture(c.reference.values, shape, c.reference.name), c.reference.name));
  return `<div class="gbx-figures">${figures.join('')}</div>`;
}

/** One changed feature of a row, as the table shows it. */
export interface ShownChange {
  name: string;
  from: string;
  to: string;
  /** `+Δ` for a number, `from → to` for a category. */
  change: string;
}

/** The rows of a tabular comparison as the table shows them: named, unscaled, categories by name. */
class RowView {
  readonly names: readonly string[];
  private readonly schema: TabularSchema;

  constructor(
    size: number,
    private readonly options: CounterfactualRenderOptions,
  ) {
    this.names = options.featureNames ?? Array.from({ length: size }, (_, f) => `feature ${f}`);
    if (this.names.length !== size) {
      throw new InvalidInputError(`featureNames has ${this.names.length} names but the instance has ${size} values`);
    }
    this.schema = new TabularSchema(this.names, options.categoryMap ?? {});
  }

  /** A row in the values a reader knows (`options.unscale`), checked to keep its length. */
  values(row: Float32Array, what: string): ArrayLike<number> {
    if (this.options.unscale === undefined) return row;
    const out = this.options.unscale(Array.from(row));
    if (out?.length !== row.length) {
      throw new InvalidInputError(`options.unscale turned the ${what} into ${out?.length ?? 'no'} values; expected ${row.length}, one per column`);
    }
    return out;
  }

  show(f: number, x: number): string {
    return this.schema.isCategorical(f) && Number.isInteger(x) && x >= 0 && x < (this.schema.categories[f] as readonly string[]).length
      ? this.schema.valueName(f, x)
      : formatValue(x);
  }

  /** The change of feature `f` from `x` to `y`, or undefined when it does not show. */
  change(f: number, x: number, y: number): ShownChange | undefined {
    const delta = y - x;
    if (Math.abs(delta) < VISIBLE_CHANGE) return undefined;
    const from = this.show(f, x);
    const to = this.show(f, y);
    const change = this.schema.isCategorical(f) ? `${from} → ${to}` : `${delta > 0 ? '+' : ''}${formatValue(delta)}`;
    return { name: this.names[f], from, to, change };
  }
}

/** The features that differ between the instance and the other point, as the card's table shows them. */
export function shownChanges(instance: Float32Array, other: Float32Array, options: CounterfactualRenderOptions): ShownChange[] {
  const view = new RowView(instance.length, options);
  const x = view.values(instance, 'instance');
  const y = view.values(other, 'counterfactual');
  return Array.from(x, (v, f) => view.change(f, v, y[f])).filter((c): c is ShownChange => c !== undefined);
}

function tabularComparison(c: Comparison, options: CounterfactualRenderOptions): string {
  const view = new RowView(c.instance.length, options);
  const x = view.values(c.instance, 'instance');
  const y = c.other === undefined ? undefined : view.values(c.other, 'counterfactual');
  const ref = c.reference === undefined ? undefined : view.values(c.reference.values, c.reference.name);
  const [instanceName, otherName] = c.names;
  const rows = Array.from(x, (v, f) => {
    const changed = y === undefined ? undefined : view.change(f, v, y[f]);
    const cells = [view.names[f], view.show(f, v)];
    if (y !== undefined) cells.push(view.show(f, y[f]), changed?.change ?? '');
    if (ref !== undefined) cells.push(view.show(f, ref[f]));
    return `<tr${changed === undefined ? '' : ' class="gbx-anchored"'}>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`;
  });
  const head = ['feature', instanceName, ...(y === undefined ? [] : [otherName, 'change']), ...(c.reference === undefined ? [] : [c.reference.name])];
  return (
    `<h4>Changed features are highlighted</h4><div class="gbx-scroll"><table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div>`
  );
}

/** The whole card: heading, summary grid, the pictures or the table, and the footer of counts. */
export function comparisonCard(c: Comparison, options: CounterfactualRenderOptions, kind: string): string {
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

/** A class name as a pill. */
export const pill = (text: string) => `<span class="gbx-pill">${escapeHtml(text)}</span>`;

const probability = (p: number, label: string) => fractionBar(Math.min(1, Math.max(0, p)), { label });

/** A prediction: its class and class probabilities. */
export interface Predicted {
  class: number;
  proba: readonly number[];
}

/**
 * The summary rows of a change of class: the prediction and its probability, and with a counterfactual,
 * its class and probability and the probabilities of both classes before and after, as bars.
 */
export function classChangeFacts(orig: Predicted, cf: Predicted | null, targetNames?: readonly string[]): Array<[string, string]> {
  const before = className(orig.class, targetNames);
  const facts: Array<[string, string]> = [['Prediction', `${pill(before)} p = ${orig.proba[orig.class].toFixed(2)}`]];
  if (cf === null) return facts;
  const after = className(cf.class, targetNames);
  facts.push(
    ['Counterfactual', `${pill(after)} p = ${cf.proba[cf.class].toFixed(2)}`],
    [`p(${before})`, `${probability(orig.proba[orig.class], `p(${before}) before`)} → ${probability(cf.proba[orig.class], `p(${before}) after`)}`],
    [`p(${after})`, `${probability(orig.proba[cf.class], `p(${after}) before`)} → ${probability(cf.proba[cf.class], `p(${after}) after`)}`],
  );
  return facts;
}

/** The heading of a counterfactual card: what would change the prediction, or that nothing was found. */
export function counterfactualTitle(orig: Predicted, cf: Predicted | null, targetNames?: readonly string[]): string {
  const before = pill(className(orig.class, targetNames));
  return cf === null
    ? `No counterfactual found for ${before}`
    : `What would make the model predict ${pill(className(cf.class, targetNames))} instead of ${before}`;
}
