import { createHash } from 'node:crypto';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CEM, Counterfactual, ExplainerFileError, loadExplainer, saveExplainer } from '../../src/index.js';
import { loadMnist } from '../../src/entries/demo.js';
import { loadTf } from '../../src/entries/predictors.js';
import { useMnistModels } from '../counterfactuals/mnist-models.js';
import { tempDir } from './helpers.js';

const mnist = loadMnist();
const models = useMnistModels();

/** Far smaller budgets than Alibi's defaults, to keep the tests fast; they need not succeed to compare. */
const CF_BUDGET = { maxIter: 30, maxLamSteps: 2, lamInit: 0.01 } as const;
const CEM_BUDGET = { maxIterations: 20, cInit: 1000, cSteps: 2 } as const;

describe('saving and loading Counterfactual and CEM (MNIST digits, bundled CNN, autodiff)', () => {
  it('Counterfactual: explains byte for byte as before saving, with per-feature ranges and constraints', async () => {
    const tf = await loadTf();
    const before = tf.memory().numTensors;
    // Per-feature ranges: the top row of pixels may not change at all.
    const upper = Float32Array.from({ length: 784 }, (_, i) => (i < 28 ? 0 : 1));
    const explainer = new Counterfactual(models.predictor, {
      shape: [28, 28, 1],
      featureRange: [0, upper],
      constraints: { immutable: [400, 401] },
      targetClass: 'other',
      ...CF_BUDGET,
    });
    const dir = await tempDir();
    await saveExplainer(explainer, dir);
    const json = JSON.parse(await readFile(join(dir, 'explainer.json'), 'utf8'));
    expect(json.options.featureRange[1]).toMatchObject({ $binary: 'options.featureRange.1.bin', dtype: 'float32', length: 784 });
    expect(json.options.featureRange[0]).toMatchObject({ $binary: 'options.featureRange.0.bin', length: 784 });
    const loaded = await loadExplainer(dir, models.predictor);
    expect(loaded.instanceDescription).toBe('an instance of shape [28, 28, 1]: 784 numbers, flat or nested');
    const digit = mnist.test.image(0);
    const a = JSON.stringify(await explainer.explain(digit));
    expect(JSON.stringify(await loaded.explain(digit))).toBe(a);
    expect(JSON.parse(a).meta.params).toMatchObject({ max_iter: 30, max_lam_steps: 2, constraints: { immutable: [400, 401] } });
    await expect(loaded.explain(digit, { maxIter: 5 })).rejects.toThrow(/Counterfactual takes no explain options \(received maxIter\)/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('CEM: keeps fitted no-information values and explains a pertinent positive byte for byte as before saving', async () => {
    const explainer = new CEM(models.predictor, { mode: 'PP', shape: [28, 28, 1], featureRange: [0, 1], ...CEM_BUDGET });
    await explainer.fit(Array.from({ length: 50 }, (_, i) => mnist.train.image(i)), { noInfoType: 'mean' });
    const dir = await tempDir();
    await saveExplainer(explainer, dir);
    const json = JSON.parse(await readFile(join(dir, 'explainer.json'), 'utf8'));
    expect(json.state).toMatchObject({ ae: false, noInfoVal: { dtype: 'float32', length: 784 } });
    const loaded = await loadExplainer(dir, models.predictor);
    const digit = mnist.test.image(3);
    expect(JSON.stringify(await loaded.explain(digit))).toBe(JSON.stringify(await explainer.explain(digit)));
  });

  it('CEM with an autoencoder: the autoencoder is saved in ae/ (checked on loading) or passed on loading', async () => {
    const explainer = new CEM(models.predictor, { mode: 'PN', shape: [28, 28, 1], featureRange: [0, 1], noInfoVal: 0, gamma: 0.1, ae: models.ae, ...CEM_BUDGET });
    const dir = await tempDir();
    await saveExplainer(explainer, dir);
    const digit = mnist.test.image(5);
    const expected = JSON.stringify(await explainer.explain(digit));
    expect(JSON.stringify(await (await loadExplainer(dir, models.predictor)).explain(digit))).toBe(expected);
    expect(JSON.stringify(await (await loadExplainer(dir, models.predictor, { ae: models.ae })).explain(digit))).toBe(expected);
    // A model.json whose weights manifest points out of the folder, with explainer.json's checksum to match.
    const escaping = await tempDir();
    await cp(dir, escaping, { recursive: true });
    const modelJson = JSON.parse(await readFile(join(escaping, 'ae', 'model.json'), 'utf8'));
    modelJson.weightsManifest[0].paths = ['../explainer.json'];
    const altered = Buffer.from(JSON.stringify(modelJson));
    await writeFile(join(escaping, 'ae', 'model.json'), altered);
    const manifest = JSON.parse(await readFile(join(escaping, 'explainer.json'), 'utf8'));
    manifest.models.ae['model.json'] = { bytes: altered.length, sha256: createHash('sha256').update(altered).digest('hex') };
    await writeFile(join(escaping, 'explainer.json'), JSON.stringify(manifest));
    const escaped = await loadExplainer(escaping, models.predictor).catch((e: unknown) => e);
    expect(escaped).toBeInstanceOf(ExplainerFileError);
    expect((escaped as Error).message).toMatch(/ae\/model.json: names the weights file "..\/explainer.json"; expected only "weights.bin" beside it/);
    const weights = join(dir, 'ae', 'weights.bin');
    const bytes = await readFile(weights);
    bytes[0] ^= 1;
    await writeFile(weights, bytes);
    const err = await loadExplainer(dir, models.predictor).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExplainerFileError);
    expect((err as Error).message).toMatch(/ae\/weights.bin: has SHA-256 .*; expected .* \(as "models.ae.weights.bin" in explainer.json says\)/);
    const json = JSON.parse(await readFile(join(dir, 'explainer.json'), 'utf8'));
    delete json.models;
    await writeFile(join(dir, 'explainer.json'), JSON.stringify(json));
    const missing = await loadExplainer(dir, models.predictor).catch((e: unknown) => e);
    expect((missing as Error).message).toMatch(/cannot restore the saved CEM: this CEM was saved with an autoencoder \(gamma 0\.1\); pass the same autoencoder \(option ae\)/);
  });
});
