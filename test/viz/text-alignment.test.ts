import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/anchors/text/tokenize.js';
import { alignPerturbedText, tokenGaps } from '../../src/viz/text-alignment.js';

const source = 'Service was excellent, by Aria.';
const tokens = tokenize(source);
const changed = (text: string) => alignPerturbedText(source, tokens, text)?.filter((t) => t.changed).map((t) => t.text);

describe('alignPerturbedText', () => {
  it("splits a perturbed text into the original's tokens and marks the replaced ones", () => {
    expect(tokenGaps(source, tokens)).toEqual(['', ' ', ' ', '', ' ', ' ', '', '']);
    expect(alignPerturbedText(source, tokens, source)?.every((t) => !t.changed)).toBe(true);
    expect(alignPerturbedText(source, tokens, 'UNK was excellent, by Aria.')).toEqual([
      { text: 'UNK', changed: true },
      { text: 'was', changed: false },
      { text: 'excellent', changed: false },
      { text: ',', changed: false },
      { text: 'by', changed: false },
      { text: 'Aria', changed: false },
      { text: '.', changed: false },
    ]);
    expect(changed('Service UNK excellentUNK by extraordinarily.')).toEqual(['UNK', 'UNK', 'extraordinarily']);
  });

  it('keeps a token that touches a replaced one unchanged (Aria. -> AriaUNK)', () => {
    const aligned = alignPerturbedText(source, tokens, 'Service was excellent, by AriaUNK')!;
    expect(aligned.slice(-2)).toEqual([
      { text: 'Aria', changed: false },
      { text: 'UNK', changed: true },
    ]);
    expect(alignPerturbedText(source, tokens, 'Service was excellent, by UNK.')!.slice(-2)).toEqual([
      { text: 'UNK', changed: true },
      { text: '.', changed: false },
    ]);
  });

  it('returns undefined for a text that is not a token-for-token perturbation of the original', () => {
    expect(alignPerturbedText(source, tokens, 'Something else entirely')).toBeUndefined();
    expect(alignPerturbedText(source, tokens, 'Service  was excellent, by Aria.')).toBeUndefined();
    expect(alignPerturbedText(source, tokens, 'Service was excellent, byAria.')).toBeUndefined();
    expect(alignPerturbedText(source, tokens, 'Service was two words, by Aria.')).toBeUndefined();
  });

  it('handles texts without tokens', () => {
    expect(alignPerturbedText('  ', [], '  ')).toEqual([]);
    expect(alignPerturbedText('  ', [], ' x ')).toBeUndefined();
  });
});
