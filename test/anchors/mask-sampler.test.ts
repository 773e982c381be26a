import { describe, expect, it } from 'vitest';
import { searchAnchor } from '../../src/anchors/beam-search.js';
import { MaskSampler, type MaskPerturbation } from '../../src/anchors/mask-sampler.js';
import { ANCHOR_SEARCH_DEFAULTS } from '../../src/anchors/options.js';
import { createRng } from '../../src/core/rng.js';
import { LabelModel } from '../../src/predictors/predictor.js';

/** Sentences of five words where a perturbed word becomes "UNK". */
const words = ['the', 'film', 'was', 'very', 'good'];
const unk: MaskPerturbation<string> = {
  numFeatures: words.length,
  perturb: (masks, count) =>
    Array.from({ length: count }, (_, k) => words.map((w, j) => (masks[k * words.length + j] ? w : 'UNK')).join(' ')),
};
/** Positive iff the sentence still contains "good". */
const model = () => new LabelModel<string>((texts) => texts.map((t) => (t.includes('good') ? 1 : 0)));

describe('MaskSampler', () => {
  it('keeps anchor features, perturbs the others with the given probability, and reports the masks', async () => {
    const sampler = new MaskSampler(unk, model(), () => 1, createRng(1), { perturbProbability: 0.3, coverageSamples: 2000 });
    const [batch] = await sampler.sample([{ anchor: [1], count: 4000 }]);
    let perturbed = 0;
    batch.inputs.forEach((text, k) => {
      const tokens = text.split(' ');
      expect(tokens[1]).toBe('film');
      tokens.forEach((t, j) => expect(batch.satisfies[k * 5 + j]).toBe(t === 'UNK' ? 0 : 1));
      perturbed += tokens.filter((t) => t === 'UNK').length;
      expect(batch.agrees[k]).toBe(tokens[4] === 'good' ? 1 : 0);
    });
    expect(perturbed / (4000 * 4)).toBeCloseTo(0.3, 1);
  });

  it('measures coverage as the chance that every anchor feature is kept', () => {
    const sampler = new MaskSampler(unk, model(), () => 1, createRng(2), { perturbProbability: 0.5, coverageSamples: 20000 });
    expect(sampler.coverage([])).toBe(1);
    expect(sampler.coverage([4])).toBeCloseTo(0.5, 1);
    expect(sampler.coverage([0, 4])).toBeCloseTo(0.25, 1);
  });

  it('asks the model once per sample call, whatever the number of requests', async () => {
    const m = model();
    const sampler = new MaskSampler(unk, m, () => 1, createRng(3), { perturbProbability: 0.5, coverageSamples: 100 });
    await sampler.sample([{ anchor: [], count: 10 }, { anchor: [4], count: 20 }]);
    expect(m.usage).toEqual({ calls: 1, rows: 30 });
  });

  it('repeats ceil(templateFraction × count) mask templates over a request, and draws every mask with fraction 1', async () => {
    const sampler = new MaskSampler(unk, model(), () => 1, createRng(5), { perturbProbability: 0.5, coverageSamples: 10, templateFraction: 0.1 });
    const [batch] = await sampler.sample([{ anchor: [4], count: 95 }]);
    const rows = Array.from({ length: 95 }, (_, k) => batch.satisfies.slice(k * 5, k * 5 + 5).join(''));
    expect(rows.slice(10)).toEqual(rows.slice(0, 85)); // 10 templates, in turn
    expect(rows.every((r) => r[4] === '1')).toBe(true);
    const all = new MaskSampler(unk, model(), () => 1, createRng(5), { perturbProbability: 0.5, coverageSamples: 10 });
    const [fresh] = await all.sample([{ anchor: [4], count: 95 }]);
    expect(new Set(Array.from({ length: 95 }, (_, k) => fresh.satisfies.slice(k * 5, k * 5 + 5).join(''))).size).toBe(16);
  });

  it('drives the anchor search to the one word the model looks at', async () => {
    const sampler = new MaskSampler(unk, model(), () => 1, createRng(4), { perturbProbability: 0.5, coverageSamples: 1000 });
    const found = await searchAnchor(sampler, { ...ANCHOR_SEARCH_DEFAULTS });
    expect(found.anchor).toEqual([4]);
    expect(found.precision).toBe(1);
    expect(found.success).toBe(true);
  });
});
