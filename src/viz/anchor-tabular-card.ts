import type { AnchorTabularData } from '../anchors/tabular/anchor-tabular.js';
import { InvalidInputError } from '../core/errors.js';
import type { Explanation } from '../core/explanation.js';
import { TabularSchema, type CategoryMap } from '../core/tabular-schema.js';
import {
  anchorFooter,
  anchorHeader,
  anchorSteps,
  checkMaxExamples,
  examplesHeading,
  summarizeAnchor,
  type AnchorRenderOptions,
  type AnchorSummary,
  type ExamplesHeading,
} from './anchor-card.js';
import { escapeHtml, formatValue } from './html.js';
import { cardStyle } from './theme.js';

/**
 * What a tabular card needs beyond the explanation to name things: the same `featureNames` and
 * `categoryMap` the explainer was built with, and the class names. A bundled data set
 * (`loadAdult()`) has exactly these fields, so it can be passed as it is.
 */
export interface TabularRenderOptions extends AnchorRenderOptions {
  /** One name per column; without them columns are called `column 0`, `column 1`, ... */
  featureNames?: readonly string[];
  /** Category names of the categorical columns, so that codes read as names. */
  categoryMap?: CategoryMap;
}

function schemaFor(instance: readonly number[], options: TabularRenderOptions): TabularSchema {
  const names = options.featureNames ?? instance.map((_, f) => `column ${f}`);
  if (names.length !== instance.length) {
    throw new InvalidInputError(
      `featureNames has ${names.length} names but the explained row has ${instance.length} values; pass the featureNames the explainer was built with`,
    );
  }
  return new TabularSchema(names, options.categoryMap ?? {});
}

function rowsTable(schema: TabularSchema, rows: readonly (readonly number[])[], anchored: ReadonlySet<number>): string {
  const head = schema.featureNames
    .map((name, f) => `<th${anchored.has(f) ? ' class="gbx-anchored"' : ''}>${escapeHtml(name)}</th>`)
    .join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${row
          .map((x, f) => {
            const text = schema.isCategorical(f) ? schema.valueName(f, x) : formatValue(x);
            return `<td${anchored.has(f) ? ' class="gbx-anchored"' : ''}>${escapeHtml(text)}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  return `<div class="gbx-scroll"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** One group of covered example rows with its heading, or a note when the search kept none. */
function examplesSection(
  schema: TabularSchema,
  rows: readonly (readonly number[])[],
  max: number,
  anchored: ReadonlySet<number>,
  heading: ExamplesHeading,
): string {
  const shown = rows.slice(0, max);
  return examplesHeading(heading, shown.length, rows.length) + (shown.length === 0 ? '' : rowsTable(schema, shown, anchored));
}

/**
 * The anchor card of a tabular explanation (`AnchorTabular`): the prediction, the anchor's conditions,
 * precision and coverage as bars, how the search built the anchor, the explained row, and example rows
 * on which the anchor holds where the model agreed with the prediction and where it did not (the
 * `covered_true` / `covered_false` examples of the anchor's last step, as the anchors paper shows them).
 * Columns the anchor constrains are highlighted; categorical values read as their category names.
 */
export function renderAnchorTabularHtml(
  explanation: Explanation<AnchorTabularData>,
  options: TabularRenderOptions = {},
): string {
  const { data, meta } = explanation;
  const { raw } = data;
  const maxExamples = checkMaxExamples(options.maxExamples);
  const schema = schemaFor(raw.instance, options);
  const summary = summarizeAnchor(meta, data, options.targetNames);
  const { prediction } = summary;
  const anchored = new Set(raw.predicates.map((p) => p.feature));
  const last = raw.examples[raw.examples.length - 1] ?? { covered_true: [], covered_false: [] };
  return (
    `<div class="gbx gbx-anchor-tabular">${cardStyle()}` +
    anchorHeader(summary, `Empty anchor: the model predicts ${prediction} on ${data.precision.toFixed(2)} of the rows sampled with nothing fixed`) +
    anchorSteps(summary) +
    `<h4>The explained row</h4>` +
    rowsTable(schema, [raw.instance], anchored) +
    examplesSection(schema, last.covered_true, maxExamples, anchored, {
      text: `Rows where the anchor holds and the model agrees (${prediction})`,
      agrees: true,
      none: 'The search kept no such rows.',
    }) +
    examplesSection(schema, last.covered_false, maxExamples, anchored, {
      text: 'Rows where the anchor holds and the model disagrees',
      agrees: false,
      none: 'None among the kept samples: the model kept its prediction on every one.',
    }) +
    anchorFooter(summary) +
    `</div>`
  );
}
