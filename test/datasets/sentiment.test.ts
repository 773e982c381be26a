import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSentiment } from '../../src/datasets/sentiment.js';

describe('loadSentiment', () => {
  const data = loadSentiment();

  it('reads the 3,000 sentences into a stratified 2,400 / 600 split', () => {
    expect(data.targetNames).toEqual(['negative', 'positive']);
    expect(data.train.texts).toHaveLength(2400);
    expect(data.test.texts).toHaveLength(600);
    for (const source of ['amazon', 'imdb', 'yelp'] as const) {
      for (const label of [0, 1]) {
        const inTest = data.test.source.filter((s, i) => s === source && data.test.target[i] === label).length;
        expect(inTest, `${source}/${label}`).toBe(100);
      }
    }
    const all = new Set([...data.train.texts, ...data.test.texts]);
    expect(all.size).toBeGreaterThan(2970); // a few sentences repeat in the original files
  });

  it('keeps U+0085 inside imdb sentences (split on \\n only) and trims trailing spaces', () => {
    const texts = [...data.train.texts, ...data.test.texts];
    const withNel = texts.filter((t) => t.includes('\u0085'));
    expect(withNel).toHaveLength(2);
    expect(withNel).toContain('The script is\u0085was there a script?');
    expect(texts.filter((t) => t.endsWith(' '))).toEqual([]);
  });

  it('splits the same way for the same seed and differently for another', () => {
    expect(loadSentiment().test.texts).toEqual(data.test.texts);
    const other = loadSentiment({ seed: 1, testFraction: 0.1 });
    expect(other.test.texts).toHaveLength(300);
    expect(other.test.texts.slice(0, 20)).not.toEqual(data.test.texts.slice(0, 20));
  });

  it('names the file and line of a malformed line, and rejects a bad testFraction', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentiment-'));
    writeFileSync(join(dir, 'amazon_cells_labelled.txt'), 'Good phone.\t1\nBad phone.\t2\n');
    expect(() => loadSentiment({ dir })).toThrow(/amazon_cells_labelled.txt line 2: expected "sentence<TAB>0" or "sentence<TAB>1"; the line reads "Bad phone.\\t2"/);
    writeFileSync(join(dir, 'amazon_cells_labelled.txt'), 'Good phone.\t1\n');
    expect(() => loadSentiment({ dir })).toThrow(/sentiment data file not found: .*imdb_labelled.txt/);
    expect(() => loadSentiment({ testFraction: 1 })).toThrow(/option testFraction is 1; expected a number in \(0, 1\)/);
  });
});
