import { describe, expect, it } from 'vitest';
import { DEFAULT_STOPWORDS } from '../../src/anchors/text/stopwords.js';
import { InvalidInputError } from '../../src/core/errors.js';
import { loadSentimentFillMask } from '../../src/models/sentiment-models.js';
import { ContextFillMask } from '../../src/text/context-fill-mask.js';

const corpus = [
  'the soup was hot .',
  'the soup was cold .',
  'the soup was hot .',
  'the tea was hot .',
  'the tea was cold .',
  'my phone broke today .',
  'my phone broke again .',
  'my car broke today .',
];

describe('ContextFillMask', () => {
  it('fills a word from both neighbours: P(w | l, r) ∝ P(w | l) P(w | r) / P(w), Witten–Bell smoothed', () => {
    const lm = ContextFillMask.train(corpus, { minCount: 2, stopwords: ['the', 'my', 'was'] });
    // Candidates are the words seen twice or more; punctuation, <unk> ("again", "car") and stopwords are not.
    const [[between]] = lm.fill([{ tokens: ['the', 'soup', 'was', 'hot', '.'], masked: [1] }], 10);
    expect(between.map((c) => c.word).sort()).toEqual(['broke', 'cold', 'hot', 'phone', 'soup', 'tea', 'today']);
    expect(between.slice(0, 2).map((c) => c.word)).toEqual(['soup', 'tea']);

    // By hand, for the slot between "was" and ".": 48 tokens (38 in the vocabulary, 2 <unk>, 8 </s>).
    // "was" is followed by hot 3, cold 2 (c = 5, T = 2); "." is preceded by hot 3, cold 2, today 2, <unk> 1 (c = 8, T = 4).
    const P: Record<string, number> = { soup: 3, hot: 3, broke: 3, tea: 2, cold: 2, phone: 2, today: 2 };
    const after: Record<string, number> = { hot: 3, cold: 2 };
    const before: Record<string, number> = { hot: 3, cold: 2, today: 2 };
    const score = (w: string) => {
      const p = P[w] / 48;
      return (((after[w] ?? 0) + 2 * p) / 7) * (((before[w] ?? 0) + 4 * p) / 12) / p;
    };
    const total = Object.keys(P).reduce((s, w) => s + score(w), 0);
    const [[fills]] = lm.fill([{ tokens: ['the', 'soup', 'was', 'hot', '.'], masked: [3] }], 7);
    expect(fills.map((c) => c.word)).toEqual(['hot', 'cold', 'today', 'broke', 'soup', 'phone', 'tea']);
    for (const c of fills) expect(c.score).toBeCloseTo(score(c.word) / total, 12);
    expect(fills[0].score / fills[1].score).toBeCloseTo(1.5, 12);
  });

  it('ignores a masked neighbour, and reads unknown words as <unk>', () => {
    const lm = ContextFillMask.train(corpus, { minCount: 2, stopwords: ['the', 'my', 'was'] });
    const [[a, b]] = lm.fill([{ tokens: ['my', 'phone', 'broke', 'today', '.'], masked: [1, 2] }], 3);
    expect(b[0].word).toBe('broke'); // from its right neighbour "today" alone
    expect(a.length).toBe(3);
    const [[c]] = lm.fill([{ tokens: ['my', 'zorblax', 'broke', 'today'], masked: [2] }], 1);
    expect(c[0].word).toBe('broke');
  });

  it('round-trips through JSON and checks what it reads', () => {
    const lm = ContextFillMask.train(corpus);
    const again = ContextFillMask.fromJSON(JSON.parse(JSON.stringify(lm)));
    const request = [{ tokens: ['the', 'soup', 'was', 'hot'], masked: [1, 3] }];
    expect(again.fill(request, 5)).toEqual(lm.fill(request, 5));
    const json = lm.toJSON();
    expect(() => ContextFillMask.fromJSON({ ...json, format: 'x' }, 'm.json')).toThrow(new InvalidInputError('m.json: "format" should be "glassbox/context-fill-mask"; found string "x"'));
    expect(() => ContextFillMask.fromJSON({ ...json, counts: [1] }, 'm.json')).toThrow(/"counts" should be an array of \d+ finite numbers/);
    expect(() => ContextFillMask.fromJSON({ ...json, bigrams: [0, 99, 1] }, 'm.json')).toThrow(/"bigrams\[1\]" should be an integer from 0 to/);
    expect(() => ContextFillMask.train([])).toThrow(/non-empty array of sentences/);
    expect(() => lm.fill(request, 0)).toThrow(/topN is 0/);
  });

  it('bundled: proposes only words that are not stopwords, sensibly for a sentiment slot', () => {
    const lm = loadSentimentFillMask();
    expect(lm.name).toBe('context-fill-mask');
    const [[fills]] = lm.fill([{ tokens: ['The', 'food', 'was', 'really', 'good', '.'], masked: [4] }], 100);
    expect(fills).toHaveLength(100);
    const stop = new Set(DEFAULT_STOPWORDS);
    for (const { word } of fills) {
      expect(word).toMatch(/^\p{L}[\p{L}\p{N}'’-]*$/u);
      expect(stop.has(word)).toBe(false);
    }
    expect(fills.slice(0, 30).map((f) => f.word)).toEqual(expect.arrayContaining(['good', 'bad']));
  });
});
