import { describe, expect, it } from 'vitest';
import { MaskSampler } from '../../../src/anchors/mask-sampler.js';
import { AnchorText, type AnchorTextOptions } from '../../../src/anchors/text/anchor-text.js';
import { createRng } from '../../../src/core/rng.js';
import { loadGloVe } from '../../../src/datasets/glove.js';
import { loadSentiment } from '../../../src/datasets/sentiment.js';
import { loadSentimentFillMask, loadSentimentModel } from '../../../src/models/sentiment-models.js';
import { LabelModel } from '../../../src/predictors/predictor.js';

const threshold = 0.95;
const { predictor } = loadSentimentModel();
const sentences = loadSentiment().test.texts.slice(0, 10);
const samplings: AnchorTextOptions[] = [
  { sampling: 'unknown' },
  { sampling: 'similarity', embeddings: loadGloVe() },
  { sampling: 'language_model', fillMask: loadSentimentFillMask() },
];

describe('text anchor fidelity on the bundled sentiment model', () => {
  it.each(samplings.map((o) => [o.sampling, o] as const))(
    '%s: successful anchors keep the prediction on 1,000 fresh samples from the same sampler',
    async (_, options) => {
      const explainer = new AnchorText(predictor, { ...options, seed: 11 });
      let checked = 0;
      for (const text of sentences) {
        const e = await explainer.explain(text, { threshold });
        if (!e.data.raw.success) continue;
        checked += 1;
        // Fresh samples: the same perturbation distribution, conditioned on the anchor, another seed.
        const perturbation = await explainer.perturbationFor(text);
        const anchor = e.data.raw.feature.map((token) => perturbation.featureTokens.indexOf(token));
        const sampler = new MaskSampler(perturbation, new LabelModel(predictor), () => e.data.raw.prediction, createRng('fresh'), {
          perturbProbability: 0.5,
          coverageSamples: 1,
          ...(options.sampling === 'language_model' && { templateFraction: 0.1 }),
        });
        const [batch] = await sampler.sample([{ anchor, count: 1000 }]);
        const precision = batch.agrees.reduce((a, b) => a + b, 0) / 1000;
        // Accepted anchors have precision >= threshold with a lower bound above threshold - 0.05.
        expect(precision, `${JSON.stringify(text)}: anchor ${e.data.anchor.join(' AND ')}`).toBeGreaterThanOrEqual(threshold - 0.05);
      }
      expect(checked).toBeGreaterThanOrEqual(8);
    },
  );
});
