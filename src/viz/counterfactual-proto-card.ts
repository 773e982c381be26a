import type { CounterfactualProtoData } from '../counterfactuals/proto/counterfactual-proto.js';
import type { Prototype } from '../counterfactuals/proto/prototypes.js';
import { flattenInstance, type InstanceInput } from '../counterfactuals/instance.js';
import type { Explanation } from '../core/explanation.js';
import { className } from './anchor-card.js';
import {
  classChangeFacts,
  comparisonCard,
  counterfactualTitle,
  flat,
  imageShape,
  pill,
  shapeOf,
  shownChanges,
  type CounterfactualRenderOptions,
} from './comparison-card.js';
import { escapeHtml, formatCount } from './html.js';

/** What a prototype-guided counterfactual card takes beyond the other counterfactual cards' options. */
export interface CounterfactualProtoRenderOptions extends CounterfactualRenderOptions {
  /**
   * The prototype as an input, flat or nested in the explainer's `shape`, to draw beside the instance
   * and the counterfactual: `explainer.prototypeInput(explanation.data.prototype, trainRows)` gives the
   * training row of a k-d tree prototype, or the mean of the training inputs an encoder prototype
   * averages. Without it the card names the prototype but does not draw it.
   */
  prototype?: InstanceInput;
}

/** The prototype in words: which training rows it is, its class and its distance to the instance. */
function describePrototype(p: Prototype, targetNames?: readonly string[]): string {
  const cls = className(p.class, targetNames);
  const what =
    p.source === 'kdtree'
      ? `training row ${p.rows[0]} (k-d tree), distance ${p.distance.toFixed(2)}`
      : `${
          p.size === 1 && p.rows.length === 1
            ? `the encoding of training input ${p.rows[0]}`
            : `the mean encoding of ${p.rows.length === 0 ? 'the' : 'the nearest'} ${formatCount(p.size)} training inputs predicted as ${cls}`
        }, distance ${p.distance.toFixed(2)} in the encoder's space`;
  return (
    `${pill(cls)} <span class="gbx-note">${escapeHtml(what)}</span>` +
    (p.feasible ? '' : ` <span class="gbx-warning">out of reach under the constraints</span>`)
  );
}

/**
 * The card of a prototype-guided counterfactual (`CounterfactualProto`, Van Looveren & Klaise 2019): the
 * prediction before and after with the class probabilities as bars, the distance the search minimised
 * (β·L1 + L2², section 3 of the paper), the prototype of the class it was pulled towards (Alibi's
 * `id_proto`), and the instance beside the counterfactual: for rows, the changed features (`from → to`)
 * and a table of every feature with the changes highlighted and the prototype's values; for images, the
 * instance, the counterfactual, their difference and the prototype (when given) as pictures.
 */
export function renderCounterfactualProtoHtml(explanation: Explanation<CounterfactualProtoData>, options: CounterfactualProtoRenderOptions = {}): string {
  const { meta, data } = explanation;
  const shape = shapeOf(meta);
  const instance = flat(data.raw.instance, shape, 'data.raw.instance');
  const { cf, prototype } = data;
  const other = cf === null ? undefined : flat(cf.X, shape, 'data.cf.X');
  const orig = { class: data.orig_class, proba: data.orig_proba };
  const facts = classChangeFacts(orig, cf, options.targetNames);
  if (cf !== null && other !== undefined) {
    const changes =
      imageShape(shape) === undefined
        ? shownChanges(instance, other, options)
            .map((c) => pill(`${c.name}: ${c.from} → ${c.to}`))
            .join(' ') || '<span class="gbx-note">none that show in the table</span>'
        : `<span class="gbx-strong">${formatCount(cf.changed)}</span> <span class="gbx-note">of ${formatCount(instance.length)} values</span>`;
    facts.push(
      ['Changes', changes],
      [
        'Distance',
        `<span class="gbx-strong">${escapeHtml(cf.distance.toFixed(2))}</span> <span class="gbx-note">β·L1 + L2²: L1 ${escapeHtml(cf.l1.toFixed(2))}, ` +
          `L2² ${escapeHtml(cf.l2.toFixed(2))}, c = ${escapeHtml(cf.c.toExponential(2))}</span>`,
      ],
    );
  }
  facts.push(['Prototype', describePrototype(prototype, options.targetNames)]);
  const prototypeName = `The prototype (${className(prototype.class, options.targetNames)})`;
  return comparisonCard(
    {
      meta,
      shape,
      instance,
      other,
      reference: options.prototype === undefined ? undefined : { values: flattenInstance(options.prototype, shape, 'options.prototype'), name: prototypeName },
      title: counterfactualTitle(orig, cf, options.targetNames),
      names: ['The instance', 'The counterfactual', 'The difference'],
      facts,
      footer: [
        `${data.raw.gradients} gradients`,
        `${prototype.source === 'kdtree' ? 'k-d tree' : 'encoder'} prototypes`,
        `${formatCount(data.iterations)} iterations over ${data.raw.steps.length} values of c`,
        `${formatCount(data.model_rows)} model rows in ${formatCount(data.model_calls)} calls`,
      ],
    },
    options,
    'counterfactual-proto',
  );
}
