import { beforeAll, describe, expect, it } from 'vitest';
import { AnchorText } from '../../../src/anchors/text/anchor-text.js';
import type { FillMask, FillMaskRequest } from '../../../src/anchors/text/fill-mask.js';
import { WeightedChoice } from '../../../src/anchors/text/perturbations.js';
import { DEFAULT_STOPWORDS } from '../../../src/anchors/text/stopwords.js';
import { tokenize } from '../../../src/anchors/text/tokenize.js';
import { createRng } from '../../../src/core/rng.js';
import { loadGloVe, type GloVeVectors } from '../../../src/datasets/glove.js';
import { loadSentimentFillMask, loadSentimentModel } from '../../../src/models/sentiment-models.js';
import type { Predictor } from '../../../src/predictors/predictor.js';

/** Records every text a predictor is asked about (after the explained one, the first of the first batch). */
function recording(predictor: Predictor<string>) {
  const texts: string[] = [];
  let first = true;
  const wrapped: Predictor<string> = (batch) => {
    texts.push(...(first ? batch.slice(1) : batch));
    first = false;
    return predictor(batch);
  };
  return { wrapped, texts };
}

const { predictor: sentiment } = loadSentimentModel();
const stopwords = new Set(DEFAULT_STOPWORDS);

describe('the language-model sampler', () => {
  it('never masks punctuation or stopwords, and replaces the other words about sampleProba of the time', async () => {
    const text = 'The food was awful, and the waiter was rude; I will never come back!';
    const tokens = tokenize(text);
    const { wrapped, texts } = recording(sentiment);
    await new AnchorText(wrapped, { sampling: 'language_model', fillMask: loadSentimentFillMask(), seed: 1, fracMaskTemplates: 1 }).explain(
      text,
      { minSamplesStart: 1000 },
    );
    const fixed = tokens.filter((t) => !t.isWord || stopwords.has(t.text.toLowerCase()));
    const open = tokens.filter((t) => !fixed.includes(t));
    expect(fixed.map((t) => t.text)).toEqual(['The', 'was', ',', 'and', 'the', 'was', ';', 'I', 'will', '!']);
    let changed = 0;
    for (const sample of texts.slice(0, 1000)) {
      const words = tokenize(sample);
      expect(words).toHaveLength(tokens.length); // a replacement is always one word
      tokens.forEach((t, i) => {
        if (fixed.includes(t)) expect(words[i].text).toBe(t.text);
        else if (words[i].text !== t.text) {
          changed += 1;
          expect(stopwords.has(words[i].text.toLowerCase()), words[i].text).toBe(false);
          expect(words[i].isWord).toBe(true);
        }
      });
    }
    // Masked words change unless the model proposes nothing usable, which is rare.
    expect(changed / (1000 * open.length)).toBeGreaterThan(0.4);
    expect(changed / (1000 * open.length)).toBeLessThan(0.55);
  });

  it('fills each distinct mask template once: fracMaskTemplates bounds the masked sentences sent to the model', async () => {
    const requests: FillMaskRequest[] = [];
    const counting: FillMask = {
      name: 'counting',
      fill: (batch) => {
        requests.push(...batch);
        return batch.map((r) => r.masked.map((p) => [{ word: `${r.tokens[p]}x`, score: 1 }]));
      },
    };
    const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu';
    // A constant model: the empty anchor is precise enough after the first 200 samples, the only sampling call.
    const constant: Predictor<string> = (texts) => texts.map(() => 1);
    const e = await new AnchorText(constant, { sampling: 'language_model', fillMask: counting, fracMaskTemplates: 0.1, seed: 3 }).explain(
      words,
      { minSamplesStart: 200 },
    );
    expect(e.data.raw.num_preds).toBe(200);
    expect(e.data.raw.fill_mask?.calls).toBe(1);
    // 200 samples from 20 templates: at most 20 distinct masked sentences, each filled once.
    const keys = new Set(requests.map((r) => r.masked.join(',')));
    expect(requests.length).toBe(keys.size);
    expect(requests.length).toBeLessThanOrEqual(20);
    expect(requests.length).toBeGreaterThan(10);
  });

  it('draws uniformly, or by weight with useProba, sharper at a lower temperature', () => {
    const rng = createRng(9);
    const freq = (choice: WeightedChoice) => {
      const n = { a: 0, b: 0 };
      for (let i = 0; i < 20000; i++) n[choice.draw(rng) as 'a' | 'b'] += 1;
      return n.a / 20000;
    };
    const logWeights = [Math.log(0.75), Math.log(0.25)];
    expect(freq(new WeightedChoice(['a', 'b'], logWeights, false))).toBeCloseTo(0.5, 1);
    expect(freq(new WeightedChoice(['a', 'b'], logWeights, true))).toBeCloseTo(0.75, 1);
    // Temperature 0.5 squares the weights: 0.75² / (0.75² + 0.25²) = 0.9.
    expect(freq(new WeightedChoice(['a', 'b'], logWeights.map((w) => w / 0.5), true))).toBeCloseTo(0.9, 1);
  });
});

describe('the similarity sampler with the bundled GloVe vectors', () => {
  let glove: GloVeVectors;
  beforeAll(() => {
    glove = loadGloVe();
  });

  it('replaces each word only by one of its topN nearest neighbours (case kept), and keeps words without vectors', async () => {
    const text = 'Great pizza, terrible service at Zorblax.';
    const tokens = tokenize(text);
    const { wrapped, texts } = recording(sentiment);
    const topN = 20;
    await new AnchorText(wrapped, { sampling: 'similarity', embeddings: glove, topN, seed: 2 }).explain(text);
    expect(texts.length).toBeGreaterThan(100);
    const neighbours = new Map(tokens.map((t) => [t.text, new Set((glove.neighbours(t.text, topN) ?? []).map((n) => n.word))]));
    expect(neighbours.get('Zorblax')?.size).toBe(0);
    let changed = 0;
    for (const sample of texts) {
      tokenize(sample).forEach((w, i) => {
        const original = tokens[i].text;
        if (w.text === original) return;
        changed += 1;
        expect(tokens[i].isWord).toBe(true);
        expect(neighbours.get(original)?.has(w.text.toLowerCase()), `${original} -> ${w.text}`).toBe(true);
        if (original === 'Great') expect(w.text[0]).toBe(w.text[0].toUpperCase());
      });
    }
    expect(changed).toBeGreaterThan(texts.length);
  });
});
