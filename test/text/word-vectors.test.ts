import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { loadGloVe } from '../../src/datasets/glove.js';
import { topK } from '../../src/text/top-k.js';
import { WordVectors } from '../../src/text/word-vectors.js';

describe('topK', () => {
  it('returns the indices of the k largest scores, largest first, ties to the smaller index, skipping some', () => {
    const scores = [0.1, 0.9, 0.5, 0.9, -1, 0.7];
    expect(topK(scores, 3)).toEqual([1, 3, 5]);
    expect(topK(scores, 10)).toEqual([1, 3, 5, 2, 0, 4]);
    expect(topK(scores, 2, (i) => i === 1)).toEqual([3, 5]);
    expect(topK(scores, 0)).toEqual([]);
  });

  it('agrees with a full sort on random scores', () => {
    const scores = Array.from({ length: 5000 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453));
    const sorted = scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    expect(topK(scores, 100)).toEqual(sorted.slice(0, 100).map(([, i]) => i));
  });
});

describe('WordVectors', () => {
  const text = ['cat 1 0 0', 'dog 0.9 0.1 0', 'car 0 0 2', 'truck 0 0.2 1.8', 'zero 0 0 0', ''].join('\n');

  it('finds nearest neighbours by cosine similarity, without the word itself, and caches them', () => {
    const v = WordVectors.fromGloVeText(text, 'tiny');
    expect(v.dimension).toBe(3);
    const n = v.neighbours('CAR', 2) as { word: string; similarity: number }[];
    expect(n.map((x) => x.word)).toEqual(['truck', 'cat']); // cat, dog and zero tie at 0: row order decides
    expect(n[0].similarity).toBeCloseTo(1.8 / Math.hypot(0.2, 1.8), 6);
    expect(v.similarity('cat', 'dog')).toBeCloseTo(0.9 / Math.hypot(0.9, 0.1), 6);
    expect(v.neighbours('car', 1)?.map((x) => x.word)).toEqual(['truck']);
    expect(v.neighbours('car', 4)?.map((x) => x.word)).toEqual(['truck', 'cat', 'dog', 'zero']);
    expect(v.neighbours('cat', 1)).toEqual([{ word: 'dog', similarity: expect.closeTo(0.9 / Math.hypot(0.9, 0.1), 6) }]);
    expect(v.neighbours('unicorn', 3)).toBeUndefined();
    expect(v.has('Dog')).toBe(true);
  });

  it('rejects malformed tables with the line and value', () => {
    expect(() => WordVectors.fromGloVeText('a 1 2\nb 1\n', 't')).toThrow(new InvalidInputError('word vectors t line 2: 1 values; expected 2 like line 1'));
    expect(() => WordVectors.fromGloVeText('a 1 x\n', 't')).toThrow(/line 1: value 2 is "x"; expected a number/);
    expect(() => WordVectors.fromGloVeText('a 1\na 2\n', 't')).toThrow(/the word "a" appears twice \(rows 0 and 1\)/);
    expect(() => new WordVectors('t', ['a'], new Float32Array(3), 2)).toThrow(/3 values for 1 words of dimension 2/);
    expect(() => WordVectors.fromGloVeText(text, 't').neighbours('cat', 0)).toThrow(/topN is 0; expected an integer >= 1/);
  });
});

describe('loadGloVe', () => {
  it('reads nothing until the first query, then gives GloVe neighbours', () => {
    const glove = loadGloVe();
    expect(glove.loaded).toBe(false);
    const n = glove.neighbours('terrible', 5)?.map((x) => x.word);
    expect(glove.loaded).toBe(true);
    expect(glove.vectors().words).toHaveLength(20000);
    expect(glove.vectors().dimension).toBe(100);
    expect(n).toContain('horrible');
    expect(n).toContain('awful');
    expect(glove.neighbours('zorblax', 5)).toBeUndefined();
  });

  it('reads a gzip file from another folder, and says when it is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glove-'));
    writeFileSync(join(dir, 'glove.6B.100d.top20k.txt.gz'), gzipSync('up 0 1\ndown 0 -1\nhigh 0.1 1\n'));
    expect(loadGloVe({ dir }).neighbours('up', 1)).toEqual([{ word: 'high', similarity: expect.closeTo(1 / Math.hypot(0.1, 1), 6) }]);
    const missing = loadGloVe({ dir: join(dir, 'nope') });
    expect(() => missing.neighbours('up', 1)).toThrow(/GloVe vectors not found: .*nope\/glove.6B.100d.top20k.txt.gz/);
  });
});
