import type { AnchorTextData } from '../anchors/text/anchor-text.js';
import { tokenize, type Token } from '../anchors/text/tokenize.js';
import { InvalidInputError } from '../core/errors.js';
import type { Explanation } from '../core/explanation.js';
import {
  anchorFooter,
  anchorHeader,
  anchorSteps,
  checkMaxExamples,
  examplesHeading,
  summarizeAnchor,
  type AnchorRenderOptions,
  type ExamplesHeading,
} from './anchor-card.js';
import { escapeHtml } from './html.js';
import { alignPerturbedText, tokenGaps } from './text-alignment.js';
import { cardStyle } from './theme.js';

/** What a text card needs beyond the explanation: the class names, and how many examples to list. */
export type TextRenderOptions = AnchorRenderOptions;

/** Token i of a text, highlighted when it belongs to the anchor. */
function tokenHtml(text: string, anchored: boolean, changed = false): string {
  const escaped = escapeHtml(text);
  if (anchored) return `<mark class="gbx-anchored">${escaped}</mark>`;
  return changed ? `<span class="gbx-changed">${escaped}</span>` : escaped;
}

/** The explained text with the anchor's words highlighted, everything between tokens kept as it is. */
function highlightedText(source: string, tokens: readonly Token[], anchored: ReadonlySet<number>): string {
  const gaps = tokenGaps(source, tokens);
  return tokens.map((t, i) => escapeHtml(gaps[i]) + tokenHtml(t.text, anchored.has(i))).join('') + escapeHtml(gaps[tokens.length]);
}

/**
 * A perturbed text with the anchor's words highlighted and the replaced words marked; as plain text
 * when it cannot be aligned with the original.
 */
function perturbedText(source: string, tokens: readonly Token[], anchored: ReadonlySet<number>, text: string): string {
  const aligned = alignPerturbedText(source, tokens, text);
  if (aligned === undefined) return escapeHtml(text);
  const gaps = tokenGaps(source, tokens);
  return aligned.map((t, i) => escapeHtml(gaps[i]) + tokenHtml(t.text, anchored.has(i), t.changed)).join('') + escapeHtml(gaps[tokens.length]);
}

function examplesList(
  source: string,
  tokens: readonly Token[],
  anchored: ReadonlySet<number>,
  texts: readonly string[],
  max: number,
  heading: ExamplesHeading,
): string {
  const shown = texts.slice(0, max);
  return (
    examplesHeading(heading, shown.length, texts.length) +
    (shown.length === 0
      ? ''
      : `<ul class="gbx-examples">${shown.map((t) => `<li>${perturbedText(source, tokens, anchored, t)}</li>`).join('')}</ul>`)
  );
}

/**
 * The anchor card of a text explanation (`AnchorText`): the prediction, the text with the anchor's
 * words highlighted, the anchor's precision and coverage as bars, how the search built it, and
 * perturbed texts in which the anchor's words stay, where the model agreed with the prediction and where
 * it did not, with the words the perturbation replaced underlined.
 */
export function renderAnchorTextHtml(explanation: Explanation<AnchorTextData>, options: TextRenderOptions = {}): string {
  const { data, meta } = explanation;
  const { raw } = data;
  const maxExamples = checkMaxExamples(options.maxExamples);
  const tokens = tokenize(raw.instance);
  raw.feature.forEach((token, i) => {
    if (tokens[token]?.text !== data.anchor[i]) {
      throw new InvalidInputError(
        `anchor word ${i} is "${data.anchor[i]}" but token ${token} of the explained text is ${JSON.stringify(tokens[token]?.text)}; ` +
          'expected an AnchorText explanation of raw.instance',
      );
    }
  });
  const anchored = new Set(raw.feature);
  const summary = summarizeAnchor(meta, data, options.targetNames);
  const last = raw.examples[raw.examples.length - 1] ?? { covered_true: [], covered_false: [] };
  const sampling = typeof meta.params.sampling === 'string' ? [`sampling ${meta.params.sampling}`] : [];
  return (
    `<div class="gbx gbx-anchor-text">${cardStyle()}` +
    anchorHeader(summary, `Empty anchor: the model predicts ${summary.prediction} on ${data.precision.toFixed(2)} of the perturbed texts`) +
    `<h4>The explained text</h4><div class="gbx-text">${highlightedText(raw.instance, tokens, anchored)}</div>` +
    anchorSteps(summary) +
    examplesList(raw.instance, tokens, anchored, last.covered_true, maxExamples, {
      text: `Perturbed texts that keep the anchor, where the model agrees (${summary.prediction})`,
      agrees: true,
      none: 'The search kept no such texts.',
    }) +
    examplesList(raw.instance, tokens, anchored, last.covered_false, maxExamples, {
      text: 'Perturbed texts that keep the anchor, where the model disagrees',
      agrees: false,
      none: 'None among the kept samples: the model kept its prediction on every one.',
    }) +
    anchorFooter(summary, sampling) +
    `</div>`
  );
}
