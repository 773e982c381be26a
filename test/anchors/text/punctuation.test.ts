import { describe, expect, it } from 'vitest';
import { AnchorText } from '../../../src/anchors/text/anchor-text.js';
import { unknownPerturbation } from '../../../src/anchors/text/perturbations.js';
import { TextRebuilder, tokenize } from '../../../src/anchors/text/tokenize.js';
import { InvalidInputError } from '../../../src/core/errors.js';
import { loadSentimentModel } from '../../../src/models/sentiment-models.js';

/**
 * Issue 14, item 9: replacing a token never merges it with its neighbours, the default sampler keeps
 * punctuation (Alibi's `sample_punctuation=False`), and a text with nothing to change is an error.
 */

describe('the text sampler and punctuation', () => {
  it('sets a replaced token apart from a touching word by one space, and keeps every other gap', () => {
    const text = 'was slow.Really';
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.text)).toEqual(['was', 'slow', '.', 'Really']);
    const rebuild = new TextRebuilder(text, tokens);
    expect(rebuild.build(['was', 'slow', 'UNK', 'Really'])).toBe('was slow UNK Really');
    expect(rebuild.build(['was', 'UNK', '.', 'Really'])).toBe('was UNK.Really');
    expect(rebuild.build(['was', 'slow', '.', 'Really'])).toBe(text);
    const contraction = tokenize('Great!!x');
    expect(new TextRebuilder('Great!!x', contraction).build(['UNK', '!!', 'x'])).toBe('UNK!!x');
  });

  it('the unknown sampler changes words only: punctuation is kept', () => {
    const text = 'The plot was painfully slow.';
    const perturbation = unknownPerturbation(text, tokenize(text));
    expect(perturbation.numFeatures).toBe(5);
    expect(perturbation.featureTokens).toEqual([0, 1, 2, 3, 4]);
  });

  it('a text with no word to change is an InvalidInputError, not an anchor of "?"', async () => {
    const explainer = new AnchorText(loadSentimentModel().predictor, { seed: 0 });
    const err = await explainer.explain('!!! ... ?').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toBe(
      `sampling 'unknown' can perturb no word of the text "!!! ... ?": it has no words, only punctuation or symbols, which the sampler keeps; explain a text with words`,
    );
  });

  it('the anchor of a mixed review names the word that carries its sentiment', async () => {
    const explainer = new AnchorText(loadSentimentModel().predictor, { seed: 0 });
    const e = await explainer.explain('The acting was good but the plot was painfully slow.');
    expect(e.data.raw.prediction).toBe(0);
    expect(e.data.anchor).toEqual(['slow']);
    expect(e.data.precision).toBeGreaterThanOrEqual(0.95);
    for (const sample of e.data.raw.examples.flatMap((x) => [...x.covered_true, ...x.covered_false])) expect(sample).not.toMatch(/\wUNK|UNK\w/);
  });
});
