import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnchorImage, AnchorText, CEM, Counterfactual, InvalidInputError, saveExplainer, type Predictor } from '../../src/index.js';
import type { SaveableExplainer } from '../../src/entries/persistence.js';
import { loadTf } from '../../src/entries/predictors.js';
import { loadServableExplainer } from '../../src/entries/server.js';
import { cli } from '../cli/run-cli.js';
import { tempDir } from '../persistence/helpers.js';
import { saveAdultExplainer } from './helpers.js';

/**
 * Which saved explainers `glassbox serve` serves: every type, with rows, texts or images as instances, as
 * long as it needs only the model's predictions and its autoencoder or encoder is saved in its folder;
 * the others are refused at startup, naming the type and why.
 */

const twoClasses: Predictor<number[]> = (rows) => rows.map(() => [0.5, 0.5]);

async function saved(explainer: SaveableExplainer): Promise<string> {
  const dir = await tempDir();
  await saveExplainer(explainer, dir);
  return dir;
}

async function refusal(dir: string): Promise<string> {
  const err = await loadServableExplainer(dir, twoClasses).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InvalidInputError);
  return (err as Error).message;
}

describe('loadServableExplainer', () => {
  it('loads all six types around the server\'s predictor, with the shape of their instances', async () => {
    const tabular = await loadServableExplainer(await saveAdultExplainer(), twoClasses);
    expect([tabular.type, tabular.instanceShape]).toEqual(['AnchorTabular', [12]]);
    const text = await loadServableExplainer(await saved(new AnchorText((texts) => texts.map(() => 0))), twoClasses);
    expect([text.type, text.instanceShape, text.instanceDescription]).toEqual(['AnchorText', 'string', 'a string']);
    const image = await loadServableExplainer(await saved(new AnchorImage((images) => images.map(() => 0), { shape: [8, 8, 1] })), twoClasses);
    expect([image.type, image.instanceShape]).toEqual(['AnchorImage', [8, 8, 1]]);
    const cf = await loadServableExplainer(await saved(new Counterfactual(twoClasses, { shape: [28, 28, 1], featureRange: [0, 1] })), twoClasses);
    expect([cf.type, cf.instanceShape]).toEqual(['Counterfactual', [28, 28, 1]]);
    const cem = await loadServableExplainer(await saved(new CEM(twoClasses, { mode: 'PN', shape: [12], featureRange: [0, 1], noInfoVal: 0 })), twoClasses);
    expect(cem.instanceDescription).toBe('an instance of shape [12]: 12 numbers, flat or nested');
  });

  it('loads a CEM with its autoencoder saved in the folder, and refuses autodiff gradients or a missing model', async () => {
    expect(await refusal(await saved(new Counterfactual(twoClasses, { shape: [12], gradients: 'autodiff' })))).toMatch(
      /Counterfactual saved in .*: it was saved with gradients 'autodiff', and a model behind a URL gives predictions, not gradients/,
    );
    const tf = await loadTf();
    const ae = tf.sequential({ layers: [tf.layers.dense({ units: 12, inputShape: [12] })] });
    try {
      const dir = await saved(new CEM(twoClasses, { mode: 'PN', shape: [12], featureRange: [0, 1], noInfoVal: 0, gamma: 0.1, ae }));
      const json = JSON.parse(await readFile(join(dir, 'explainer.json'), 'utf8'));
      expect(Object.keys(json.models.ae)).toEqual(['model.json', 'weights.bin']);
      const loaded = await loadServableExplainer(dir, twoClasses);
      expect(loaded.type).toBe('CEM');
      delete json.models;
      await writeFile(join(dir, 'explainer.json'), JSON.stringify(json));
      expect(await refusal(dir)).toMatch(/CEM saved in .*: it was saved with an autoencoder \(option ae\) but without its TensorFlow.js model in the folder/);
    } finally {
      ae.dispose();
    }
  });

  it('glassbox serve exits 1 at startup with the reason', async () => {
    const dir = await saved(new Counterfactual(twoClasses, { shape: [12], gradients: 'autodiff' }));
    const { code, stderr } = await cli('serve', '--explainer', dir, '--predictor-url', 'http://127.0.0.1:1/v2/models/a/infer', '--port', '0', '--log-level', 'silent');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^glassbox serve: InvalidInputError: glassbox serve cannot serve the Counterfactual saved in .*: it was saved with gradients 'autodiff'/);
  });
});
