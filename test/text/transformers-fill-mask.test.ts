import { describe, expect, it } from 'vitest';
import { AnchorText } from '../../src/anchors/text/anchor-text.js';
import { InvalidInputError, PredictorError } from '../../src/core/errors.js';
import { transformersFillMask, type FillMaskPipelineLike } from '../../src/text/transformers-fill-mask.js';

/**
 * A stand-in for a transformers.js fill-mask pipeline with the same calling convention and output
 * shape (`@huggingface/transformers` v3 FillMaskPipeline: an array of texts and `{ top_k }` in, one
 * array of `{ score, token, token_str, sequence }` per text out), predicting from a fixed table keyed
 * by the word before the mask.
 */
function fakePipeline(maskToken = '[MASK]') {
  const calls: Array<{ texts: string[]; topK: number }> = [];
  const table: Record<string, Array<[string, number]>> = {
    a: [['great', 0.5], ['##ish', 0.2], [' fine', 0.1], ['', 0.05]],
    great: [['movie', 0.6], ['film', 0.3]],
  };
  const pipe = (async (texts: string[], { top_k }: { top_k: number }) => {
    calls.push({ texts, topK: top_k });
    return texts.map((text) => {
      const words = text.split(' ');
      const before = words[words.indexOf(maskToken) - 1];
      return (table[before] ?? [['thing', 1]]).slice(0, top_k).map(([token_str, score], token) => ({
        score,
        token,
        token_str,
        sequence: text.replace(maskToken, token_str),
      }));
    });
  }) as FillMaskPipelineLike;
  pipe.tokenizer = { mask_token: maskToken };
  return { pipe, calls };
}

describe('transformersFillMask', () => {
  it("maps a pipeline's predictions to candidates: one text per masked word, word pieces and empty tokens dropped", async () => {
    const { pipe, calls } = fakePipeline();
    const fill = transformersFillMask(pipe);
    const answer = await fill.fill([{ tokens: ['a', 'great', 'movie', '.'], masked: [1, 2] }], 4);
    expect(calls).toEqual([{ texts: ['a [MASK] movie .', 'a great [MASK] .'], topK: 4 }]);
    expect(answer).toEqual([
      [
        [
          { word: 'great', score: 0.5 },
          { word: 'fine', score: 0.1 },
        ],
        [
          { word: 'movie', score: 0.6 },
          { word: 'film', score: 0.3 },
        ],
      ],
    ]);
  });

  it('asks about each distinct text once, across calls, in batches of batchSize', async () => {
    const { pipe, calls } = fakePipeline('<mask>');
    const fill = transformersFillMask(pipe, { batchSize: 2, name: 'roberta' });
    expect(fill.name).toBe('roberta');
    const tokens = ['x', 'y', 'z'];
    await fill.fill([{ tokens, masked: [0, 1, 2] }, { tokens, masked: [1] }], 3);
    expect(calls.map((c) => c.texts)).toEqual([['<mask> y z', 'x <mask> z'], ['x y <mask>']]);
    await fill.fill([{ tokens, masked: [2] }], 3);
    expect(calls).toHaveLength(2);
    await fill.fill([{ tokens, masked: [2] }], 5); // another topN is another question
    expect(calls).toHaveLength(3);
  });

  it('accepts a one-text batch answered as that text’s predictions', async () => {
    const pipe = (async () => [{ score: 0.9, token_str: 'yes' }]) as FillMaskPipelineLike;
    const fill = transformersFillMask(pipe, { maskToken: '[MASK]' });
    expect(await fill.fill([{ tokens: ['ok'], masked: [0] }], 1)).toEqual([[[{ word: 'yes', score: 0.9 }]]]);
  });

  it('drives the language-model sampler of AnchorText', async () => {
    const { pipe } = fakePipeline();
    const predict = (texts: string[]) => texts.map((t) => (t.includes('great') ? 1 : 0));
    const e = await new AnchorText(predict, { sampling: 'language_model', fillMask: transformersFillMask(pipe), seed: 1 }).explain(
      'a great movie',
    );
    expect(e.data.anchor).toEqual(['great']);
    expect(e.meta.params.fill_mask).toBe('transformers.js fill-mask');
  });

  it('rejects a missing mask token and malformed answers with typed errors', async () => {
    expect(() => transformersFillMask((async () => []) as FillMaskPipelineLike)).toThrow(InvalidInputError);
    expect(() => transformersFillMask((async () => []) as FillMaskPipelineLike)).toThrow(/pass the model's mask token as options.maskToken/);
    expect(() => transformersFillMask('bert' as never)).toThrow(/expects a fill-mask pipeline \(a function\); received string/);
    const request = [{ tokens: ['a', 'b'], masked: [0, 1] }];
    const wrongLength = transformersFillMask((async () => [[]]) as FillMaskPipelineLike, { maskToken: '[MASK]' });
    await expect(wrongLength.fill(request, 2)).rejects.toThrow(new PredictorError('transformers.js fill-mask answered 1 results for 2 texts; expected one array of predictions per text'));
    const malformed = transformersFillMask((async (texts: string[]) => texts.map(() => [{ score: 'high' }])) as FillMaskPipelineLike, { maskToken: '[MASK]' });
    await expect(malformed.fill(request, 2)).rejects.toThrow(/answered a malformed prediction list for "\[MASK\] b"/);
    const throwing = transformersFillMask((async () => {
      throw new Error('session closed');
    }) as FillMaskPipelineLike, { maskToken: '[MASK]' });
    await expect(throwing.fill(request, 2)).rejects.toThrow(/threw on a batch of 2 texts: session closed/);
  });
});
