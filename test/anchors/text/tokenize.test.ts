import { describe, expect, it } from 'vitest';
import { isSingleWord, matchCase, TextRebuilder, tokenize } from '../../../src/anchors/text/tokenize.js';

describe('tokenize', () => {
  it('cuts words and punctuation with their character offsets', () => {
    const text = "Don't buy it!!! 5.99$, well-known... The end";
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.text)).toEqual(["Don't", 'buy', 'it', '!!!', '5.99', '$,', 'well-known', '...', 'The', 'end']);
    expect(tokens.map((t) => t.isWord)).toEqual([true, true, true, false, true, false, true, false, true, true]);
    for (const t of tokens) expect(text.slice(t.start, t.end)).toBe(t.text);
    expect(tokens[6]).toMatchObject({ start: 23, end: 33 });
  });

  it('splits at U+0085 and other Unicode white space, and keeps accented letters in words', () => {
    const tokens = tokenize('The script is\u0085was there\u00a0a café?');
    expect(tokens.map((t) => t.text)).toEqual(['The', 'script', 'is', 'was', 'there', 'a', 'café', '?']);
  });

  it('finds no tokens in white space', () => {
    expect(tokenize(' \n\t\u0085 ')).toEqual([]);
  });

  it('rebuilds a text with some tokens replaced and everything between them unchanged', () => {
    const text = '  Great food,\n slow service. ';
    const tokens = tokenize(text);
    const rebuild = new TextRebuilder(text, tokens);
    expect(rebuild.build(tokens.map((t) => t.text))).toBe(text);
    expect(rebuild.build(['Bad', 'food', ',', 'UNK', 'service', '!'])).toBe('  Bad food,\n UNK service! ');
  });

  it('tells single words and matches the case of the original word', () => {
    expect(isSingleWord('good')).toBe(true);
    expect(isSingleWord('well-known')).toBe(true);
    expect(isSingleWord('two words')).toBe(false);
    expect(isSingleWord('.')).toBe(false);
    expect(isSingleWord('##ing')).toBe(false);
    expect(matchCase('Great', 'fine')).toBe('Fine');
    expect(matchCase('GREAT', 'fine')).toBe('FINE');
    expect(matchCase('great', 'fine')).toBe('fine');
    expect(matchCase('I', 'we')).toBe('We');
  });
});
