import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSentiment } from '../../src/datasets/sentiment.js';
import { BagOfWordsLogisticRegression } from '../../src/models/bag-of-words.js';
import { accuracy } from '../../src/models/metrics.js';
import { loadSentimentFillMask, loadSentimentModel } from '../../src/models/sentiment-models.js';

describe('the bundled sentiment classifier', () => {
  const { predictor, model, info } = loadSentimentModel();
  const { test } = loadSentiment();

  it('reaches held-out accuracy >= 0.75 (the recorded value) with probabilities that sum to 1', async () => {
    const proba = (await predictor(test.texts)) as number[][];
    const acc = accuracy(proba, test.target);
    expect(acc).toBeGreaterThanOrEqual(0.75);
    expect(acc).toBeCloseTo(info.testAccuracy, 10);
    for (const [p0, p1] of proba) expect(p0 + p1).toBeCloseTo(1, 12);
    expect(info).toMatchObject({ name: 'sentiment-logreg', dataset: 'sentiment', targetNames: ['negative', 'positive'] });
  });

  it('has sentiment words with the signs one expects', () => {
    for (const w of ['great', 'excellent', 'love']) expect(model.weightOf(w), w).toBeGreaterThan(0.5);
    for (const w of ['bad', 'worst', 'not']) expect(model.weightOf(w), w).toBeLessThan(-0.5);
    expect(model.weightOf('zorblax')).toBe(0);
  });

  it('round-trips through JSON and trains deterministically', () => {
    const again = BagOfWordsLogisticRegression.fromJSON(JSON.parse(JSON.stringify(model)));
    expect(again.predictMargins(test.texts.slice(0, 50))).toEqual(model.predictMargins(test.texts.slice(0, 50)));
    const texts = ['good food', 'bad food', 'good service', 'bad service', 'good', 'bad'];
    const a = BagOfWordsLogisticRegression.train(texts, [1, 0, 1, 0, 1, 0], { minCount: 1 });
    const b = BagOfWordsLogisticRegression.train(texts, [1, 0, 1, 0, 1, 0], { minCount: 1 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.weightOf('good')).toBeGreaterThan(0);
    expect(a.weightOf('food')).toBeCloseTo(0, 6);
  });

  it('rejects bad inputs, bad training data and malformed or missing files', () => {
    expect(() => model.predictProba([3 as unknown as string])).toThrow(/text 0 is number; expected a string/);
    expect(() => BagOfWordsLogisticRegression.train(['a'], [2])).toThrow(/target 0 is 2; expected 0 or 1/);
    expect(() => BagOfWordsLogisticRegression.train(['a', 'b'], [0, 1])).toThrow(/no token occurs in 2 or more training texts/);
    const json = model.toJSON();
    expect(() => BagOfWordsLogisticRegression.fromJSON({ ...json, weights: [1] }, 'm.json')).toThrow(/m.json: "weights" should be an array of \d+ finite numbers/);
    const empty = mkdtempSync(join(tmpdir(), 'models-'));
    expect(() => loadSentimentModel({ dir: empty })).toThrow(/model file not found: .*sentiment-logreg.json; regenerate it with `npx tsx scripts\/train-sentiment-models.ts`/);
    expect(() => loadSentimentFillMask({ dir: empty })).toThrow(/context-fill-mask.json/);
  });
});
