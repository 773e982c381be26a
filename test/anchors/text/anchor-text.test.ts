import { describe, expect, it } from 'vitest';
import { AnchorText, type AnchorTextOptions } from '../../../src/anchors/text/anchor-text.js';
import type { FillMask, WordEmbeddings } from '../../../src/anchors/text/fill-mask.js';
import { InvalidInputError, PredictorError } from '../../../src/core/errors.js';
import { loadSentimentFillMask } from '../../../src/models/sentiment-models.js';
import type { Predictor } from '../../../src/predictors/predictor.js';
import { WordVectors } from '../../../src/text/word-vectors.js';

/** The known-answer model: positive iff the text has the word "good" and not the word "not". */
const goodNotNot: Predictor<string> = (texts) =>
  texts.map((t) => {
    const words = t.toLowerCase().split(/[^a-z']+/);
    return words.includes('good') && !words.includes('not') ? 1 : 0;
  });

/** Records every batch a predictor is asked about. */
function recording(predictor: Predictor<string>) {
  const batches: string[][] = [];
  const wrapped: Predictor<string> = (texts) => {
    batches.push(texts);
    return predictor(texts);
  };
  return { wrapped, batches };
}

/** Small word vectors in which "movie" and "film" are neighbours, and so are "this" and "that". */
const smallVectors = new WordVectors(
  'small',
  ['this', 'that', 'movie', 'film', 'good', 'great', 'is', 'was'],
  Float32Array.from([1, 0, 0, 0, 0.9, 0.1, 0, 0, 0, 1, 0, 0, 0, 0.9, 0.1, 0, 0, 0, 1, 0, 0, 0, 0.9, 0.1, 0, 0, 0, 1, 0.1, 0, 0, 0.9]),
  4,
);

describe('AnchorText', () => {
  it('finds exactly ["good"] with precision 1 for "this is a good movie" (known-answer model)', async () => {
    const e = await new AnchorText(goodNotNot, { seed: 1 }).explain('this is a good movie');
    expect(e.data.anchor).toEqual(['good']);
    expect(e.data.precision).toBe(1);
    expect(e.data.raw.success).toBe(true);
    expect(e.data.raw.prediction).toBe(1);
    expect(e.data.raw.feature).toEqual([3]);
    expect(e.data.raw.positions).toEqual([10]);
    expect(e.data.coverage).toBeCloseTo(0.5, 1);
    expect(e.data.raw.examples[0].covered_true.every((t) => t.includes('good'))).toBe(true);
  });

  it('finds ["good"] with the language-model sampler and the bundled masked-word model too', async () => {
    const e = await new AnchorText(goodNotNot, { sampling: 'language_model', fillMask: loadSentimentFillMask(), seed: 2 }).explain(
      'This is a good movie.',
    );
    expect(e.data.anchor).toEqual(['good']);
    expect(e.data.precision).toBe(1);
    expect(e.data.raw.fill_mask?.calls).toBeGreaterThan(0);
  });

  it('explains a negative prediction by the negation that causes it', async () => {
    const e = await new AnchorText(goodNotNot, { seed: 3 }).explain('the movie is not good');
    expect(e.data.raw.prediction).toBe(0);
    expect(e.data.anchor).toEqual(['not']);
    expect(e.data.raw.positions).toEqual(['the movie is '.length]);
  });

  it('unknown sampling replaces about sampleProba of the words by UNK, and keeps the anchor', async () => {
    for (const sampleProba of [0.5, 0.2]) {
      const { wrapped, batches } = recording(goodNotNot);
      await new AnchorText(wrapped, { sampleProba, seed: 4 }).explain('one two three four five six seven eight nine ten', {
        minSamplesStart: 2000,
      });
      const start = batches[0].slice(1); // the explained text, with the empty anchor's samples
      expect(start).toHaveLength(2000);
      const replaced = start.flatMap((t) => t.split(' ')).filter((w) => w === 'UNK').length;
      expect(replaced / (2000 * 10)).toBeCloseTo(sampleProba, 1.5);
    }
  });

  it('similarity sampling replaces words only by their neighbours, keeps words without vectors, and never changes punctuation', async () => {
    const { wrapped, batches } = recording(goodNotNot);
    await new AnchorText(wrapped, { sampling: 'similarity', embeddings: smallVectors, topN: 1, seed: 5 }).explain(
      'this zorblax movie is good!',
    );
    const allowed: Record<string, string> = { this: 'that', movie: 'film', is: 'was', good: 'great' };
    let changed = 0;
    for (const text of batches.flat().slice(1)) {
      const words = text.slice(0, -1).split(' ');
      expect(text.endsWith('!')).toBe(true);
      expect(words[1]).toBe('zorblax');
      ['this', 'zorblax', 'movie', 'is', 'good'].forEach((w, i) => {
        if (words[i] !== w) {
          expect(words[i]).toBe(allowed[w]);
          changed += 1;
        }
      });
    }
    expect(changed).toBeGreaterThan(0);
  });

  it('gives byte-identical JSON for the same seed with each sampling, and different samples for another seed', async () => {
    const text = 'The acting was good, but the plot was not good at all.';
    const configs: AnchorTextOptions[] = [
      { sampling: 'unknown' },
      { sampling: 'similarity', embeddings: smallVectors, topN: 2 },
      { sampling: 'language_model', fillMask: loadSentimentFillMask() },
    ];
    for (const config of configs) {
      const run = async (seed: number) => JSON.stringify(await new AnchorText(goodNotNot, { ...config, seed }).explain(text));
      const a = await run(7);
      expect(await run(7)).toBe(a);
      expect(await run(8)).not.toBe(a);
    }
  });

  it('records its options in meta and the model use in raw', async () => {
    const e = await new AnchorText(goodNotNot, { sampling: 'similarity', embeddings: smallVectors, seed: 'x' }).explain('good film', {
      threshold: 0.9,
    });
    expect(e.meta).toMatchObject({
      name: 'AnchorText',
      type: ['blackbox'],
      explanations: ['local'],
      params: { seed: 'x', sampling: 'similarity', sample_proba: 0.5, top_n: 100, use_proba: false, temperature: 1, embeddings: 'small', threshold: 0.9, stop_on_first: true, coverage_samples: 10000 },
    });
    expect(e.data.raw.model_rows).toBe(e.data.raw.num_preds + 1);
    expect(e.data.raw.instance).toBe('good film');
    expect(e.data.raw.fill_mask).toBeUndefined();
  });

  it('rejects bad texts and options with typed errors that name the problem', async () => {
    const explainer = new AnchorText(goodNotNot);
    await expect(explainer.explain('')).rejects.toThrow(new InvalidInputError('the text to explain is empty; expected at least one word'));
    await expect(explainer.explain(' \n ')).rejects.toThrow(/only white space/);
    await expect(explainer.explain(42 as unknown as string)).rejects.toThrow(/the text to explain is number; expected a string/);
    await expect(explainer.explain('good', { threshold: 2 })).rejects.toThrow(/option threshold is 2/);
    await expect(explainer.explain('good', { coverageSamples: 0 })).rejects.toThrow(/option coverageSamples is 0; expected an integer in 1..100000/);
    await expect(explainer.explain('good', { bogus: 1 } as never)).rejects.toThrow(/unknown option "bogus"/);

    const make = (options: AnchorTextOptions) => () => new AnchorText(goodNotNot, options);
    expect(make({ sampling: 'bert' as never })).toThrow(/option sampling is "bert"; expected one of: unknown, similarity, language_model/);
    expect(make({ sampleProba: 0 })).toThrow(/option sampleProba is 0; expected a number in \(0, 1\]/);
    expect(make({ topN: 5 })).toThrow(/option topN applies to sampling 'similarity' or 'language_model'; sampling is 'unknown'/);
    expect(make({ sampling: 'similarity' })).toThrow(/sampling 'similarity' needs the embeddings option/);
    expect(make({ sampling: 'language_model' })).toThrow(/sampling 'language_model' needs the fillMask option/);
    expect(make({ sampling: 'similarity', embeddings: smallVectors, temperature: 0 })).toThrow(/option temperature is 0; expected a positive number/);
    expect(make({ sampling: 'similarity', embeddings: smallVectors, fracMaskTemplates: 0.5 })).toThrow(/applies to sampling 'language_model'/);
    expect(make({ seeds: 1 } as never)).toThrow(/unknown option "seeds"/);
    expect(() => new AnchorText('model' as never)).toThrow(PredictorError);
  });

  it('says when the sampling can change no word of the text', async () => {
    const lm = new AnchorText(goodNotNot, { sampling: 'language_model', fillMask: loadSentimentFillMask() });
    await expect(lm.explain('It is what it is.')).rejects.toThrow(/every word is a stopword or punctuation/);
    const sim = new AnchorText(goodNotNot, { sampling: 'similarity', embeddings: smallVectors });
    await expect(sim.explain('zorblax quux')).rejects.toThrow(/none of its words has neighbours in the word vectors \(small\)/);
  });

  it('reports a predictor answering with the wrong length, and malformed word vectors or fills', async () => {
    // The first call asks about the explained text and the empty anchor's 100 samples.
    await expect(new AnchorText((texts) => texts.map(() => 1).slice(1)).explain('good movie')).rejects.toThrow(
      new PredictorError('predictor returned 100 predictions for 101 inputs; expected exactly one per input'),
    );
    await expect(new AnchorText((texts) => [...texts.map(() => 1), 1]).explain('good movie')).rejects.toThrow(/returned 102 predictions for 101 inputs/);
    const badVectors: WordEmbeddings = { name: 'bad', neighbours: () => [{ word: 'x' }] as never };
    await expect(new AnchorText(goodNotNot, { sampling: 'similarity', embeddings: badVectors }).explain('good')).rejects.toThrow(
      /word vectors bad answered neighbours\("good"\) with a malformed array/,
    );
    const badFill: FillMask = { name: 'bad-lm', fill: (requests) => requests.map(() => []) };
    await expect(new AnchorText(goodNotNot, { sampling: 'language_model', fillMask: badFill }).explain('good movie')).rejects.toThrow(
      /fill-mask model bad-lm answered 0 candidate lists for masked sentence 0, which has [12] masked words/,
    );
  });

  it('returns the most precise anchor with success false when none reaches the threshold', async () => {
    // A coin-flip model: no set of words decides it.
    let calls = 0;
    const noisy: Predictor<string> = (texts) => texts.map((_, i) => (i === 0 && calls++ === 0 ? 1 : (i * 7919) % 3 === 0 ? 1 : 0));
    const e = await new AnchorText(noisy, { seed: 1 }).explain('a b c', { maxAnchorSize: 2 });
    expect(e.data.raw.success).toBe(false);
    expect(e.data.raw.warning).toMatch(/Could not find an anchor with precision >= 0.95/);
  });
});
