import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnchorText, ExplainerFileError, loadExplainer, saveExplainer, type AnchorTextOptions } from '../../src/index.js';
import { bundledEmbeddings, GloVeVectors, loadGloVe, loadSentiment, loadSentimentFillMask, loadSentimentModel } from '../../src/entries/demo.js';
import { WordVectors } from '../../src/entries/text.js';
import { tempDir } from './helpers.js';

const { predictor } = loadSentimentModel();
const sentences = loadSentiment().test.texts;

describe('saving and loading AnchorText (sentiment sentences, bundled logistic regression)', () => {
  const cases: [string, AnchorTextOptions, string[]][] = [
    ['unknown', { sampling: 'unknown', sampleProba: 0.4 }, ['explainer.json']],
    ['similarity (the bundled GloVe vectors, found by name with bundledEmbeddings)', { sampling: 'similarity', embeddings: loadGloVe(), topN: 20 }, ['explainer.json']],
    ['language_model (the ContextFillMask saved beside it)', { sampling: 'language_model', fillMask: loadSentimentFillMask() }, ['explainer.json', 'fill-mask.json']],
  ];
  for (const [name, options, files] of cases) {
    it(`explains byte for byte as before saving: ${name}`, async () => {
      const explainer = new AnchorText(predictor, { ...options, seed: 4 });
      const dir = await tempDir();
      await saveExplainer(explainer, dir);
      expect((await readdir(dir)).sort()).toEqual(files);
      const loaded = await loadExplainer(dir, predictor, { findEmbeddings: bundledEmbeddings });
      expect(loaded.type).toBe('AnchorText');
      expect(loaded.instanceDescription).toBe('a string');
      for (const text of [sentences[0], sentences[5]]) {
        const before = JSON.stringify(await explainer.explain(text, { threshold: 0.9 }));
        expect(JSON.stringify(await loaded.explain(text, { threshold: 0.9 }))).toBe(before);
      }
      if (options.sampling === 'similarity') expect((loaded.explainer as AnchorText).resources.embeddings).toBeInstanceOf(GloVeVectors);
    });
  }

  it('finds no word vectors by name without findEmbeddings: the library does not load the bundled ones itself', async () => {
    const dir = await tempDir();
    await saveExplainer(new AnchorText(predictor, { sampling: 'similarity', embeddings: loadGloVe(), seed: 4 }), dir);
    await expect(loadExplainer(dir, predictor)).rejects.toThrow(/samples with embeddings "glove-100d-top20k"; received none/);
  });

  it('checks the saved ContextFillMask file like the binary arrays: size and checksum', async () => {
    const dir = await tempDir();
    await saveExplainer(new AnchorText(predictor, { sampling: 'language_model', fillMask: loadSentimentFillMask() }), dir);
    const json = JSON.parse(await readFile(join(dir, 'explainer.json'), 'utf8'));
    expect(json.files['fill-mask.json']).toEqual({ bytes: (await readFile(join(dir, 'fill-mask.json'))).byteLength, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const text = await readFile(join(dir, 'fill-mask.json'), 'utf8');
    await writeFile(join(dir, 'fill-mask.json'), text.replace(/\d/, (d) => String((Number(d) + 1) % 10)));
    const err = await loadExplainer(dir, predictor).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExplainerFileError);
    expect((err as ExplainerFileError).file).toBe(join(dir, 'fill-mask.json'));
    expect((err as Error).message).toMatch(/has SHA-256 [0-9a-f]{64}; expected [0-9a-f]{64} \(as "files\.fill-mask\.json" in explainer\.json says\)/);
  });

  it('needs word vectors other than the bundled ones passed on loading, under the same name', async () => {
    const words = ['good', 'great', 'fine', 'bad', 'awful', 'poor'];
    const vectors = Float32Array.from(words.flatMap((_, i) => [Math.cos(i), Math.sin(i), i < 3 ? 1 : -1]));
    const embeddings = new WordVectors('tiny-vectors', words, vectors, 3);
    const explainer = new AnchorText(predictor, { sampling: 'similarity', embeddings, topN: 2 });
    const dir = await tempDir();
    await saveExplainer(explainer, dir);
    const err = await loadExplainer(dir, predictor).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExplainerFileError);
    expect((err as Error).message).toBe(
      `${join(dir, 'explainer.json')}: cannot restore the saved AnchorText: the explainer samples with embeddings "tiny-vectors"; received none`,
    );
    await expect(loadExplainer(dir, predictor, { embeddings: loadGloVe() })).rejects.toThrow(/samples with embeddings "tiny-vectors"; received "glove-100d-top20k"/);
    const loaded = await loadExplainer(dir, predictor, { embeddings });
    const text = 'The food was good but the service was awful.';
    expect(JSON.stringify(await loaded.explain(text))).toBe(JSON.stringify(await explainer.explain(text)));
  });

  it('rejects an instance that is not a string, saying what it expected', async () => {
    const dir = await tempDir();
    await saveExplainer(new AnchorText(predictor), dir);
    const loaded = await loadExplainer(dir, predictor);
    await expect(loaded.explain(42)).rejects.toThrow(/the text to explain is number; expected a string/);
  });
});
