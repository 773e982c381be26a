import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

const sentence = 'The acting was good but the plot was painfully slow.';

describe('glassbox explain sentiment', () => {
  it('explains a sentence for the bundled sentiment model and prints the anchor words', async () => {
    const { code, stdout, stderr } = await cli('explain', 'sentiment', '--text', sentence);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`Text:       ${sentence}`);
    expect(lines[1]).toBe('Prediction: negative');
    const words = lines[2].replace(/^Anchor: {5}/, '').split(' AND ');
    for (const w of words) expect(sentence.split(/\W+/)).toContain(w);
    expect(lines[3]).toMatch(/^Precision: {2}(0\.9[5-9]|1\.00) {3}Coverage: [01]\.\d\d {3}\([\d,]+ model rows in [\d,]+ calls, \d+ ms\)$/);
  });

  it('prints the same JSON for the same seed with each sampling, and explains held-out sentences by --row', async () => {
    for (const sampling of ['unknown', 'similarity', 'language_model']) {
      const args = ['explain', 'sentiment', '--text', sentence, '--sampling', sampling, '--seed', '3', '--threshold', '0.9', '--json'];
      const a = await cli(...args);
      const b = await cli(...args);
      expect(a.code).toBe(0);
      expect(a.stdout).toBe(b.stdout);
      const e = JSON.parse(a.stdout);
      expect(e.meta).toMatchObject({ name: 'AnchorText', params: { sampling, seed: 3, threshold: 0.9 } });
      expect(e.data.raw.instance).toBe(sentence);
      for (const [i, word] of e.data.anchor.entries()) expect(sentence.slice(e.data.raw.positions[i]).startsWith(word)).toBe(true);
    }
    const row = await cli('explain', 'sentiment', '--row', '2', '--json');
    expect(JSON.parse(row.stdout).data.raw.instance).toBe('NOT WHAT I WANTED.');
  });

  it('answers usage mistakes with exit code 2, and keeps text flags away from tabular data sets', async () => {
    expect(await cli('explain', 'sentiment')).toMatchObject({ code: 2, stderr: expect.stringContaining('needs exactly one of --text "SENTENCE" and --row N') });
    expect(await cli('explain', 'sentiment', '--text', 'x', '--row', '1')).toMatchObject({ code: 2, stderr: expect.stringContaining('needs exactly one of') });
    expect(await cli('explain', 'sentiment', '--row', '600')).toMatchObject({ code: 2, stderr: expect.stringContaining('--row 600 is out of range; sentiment has 600 held-out sentences (0..599)') });
    expect(await cli('explain', 'sentiment', '--text', 'x', '--sampling', 'bert')).toMatchObject({ code: 2, stderr: expect.stringContaining('--sampling is "bert"; expected one of: unknown, similarity, language_model') });
    expect(await cli('explain', 'sentiment', '--text', 'x', '--png', '')).toMatchObject({ code: 2, stderr: expect.stringContaining('--png needs a file name') });
    expect(await cli('explain', 'adult', '--row', '0', '--text', 'hi')).toMatchObject({ code: 2, stderr: expect.stringContaining('--text is for the text data sets (sentiment)') });
    expect(await cli('explain', 'iris', '--row', '0')).toMatchObject({ code: 2, stderr: expect.stringContaining('expected one of: adult, sentiment') });
    expect(await cli('explain', 'sentiment', '--text', '   ')).toMatchObject({ code: 1, stderr: expect.stringContaining('InvalidInputError: the text to explain is only white space') });
    expect(await cli('explain', 'sentiment', '--text', 'It is.', '--sampling', 'language_model')).toMatchObject({ code: 1, stderr: expect.stringContaining('every word is a stopword or punctuation') });
  });
});
