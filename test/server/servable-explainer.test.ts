import { describe, expect, it } from 'vitest';
import { AnchorImage, AnchorText, CEM, Counterfactual, InvalidInputError, saveExplainer, type Predictor } from '../../src/index.js';
import type { SaveableExplainer } from '../../src/entries/persistence.js';
import { loadTf } from '../../src/entries/predictors.js';
import { loadServableExplainer } from '../../src/entries/server.js';
import { cli } from '../cli/run-cli.js';
import { tempDir } from '../persistence/helpers.js';
import { saveAdultExplainer } from './helpers.js';

/**
 * Which saved explainers `glassbox serve` serves: those whose instances are rows of numbers and that need
 * only the model's predictions, because the remote predictor sends the model [rows, features] tensors;
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
  it('loads AnchorTabular, and tabular Counterfactual and CEM, around the server\'s predictor', async () => {
    expect((await loadServableExplainer(await saveAdultExplainer(), twoClasses)).type).toBe('AnchorTabular');
    const cf = await loadServableExplainer(await saved(new Counterfactual(twoClasses, { shape: [12], featureRange: [0, 1] })), twoClasses);
    expect(cf.type).toBe('Counterfactual');
    const cem = await loadServableExplainer(await saved(new CEM(twoClasses, { mode: 'PN', shape: [12], featureRange: [0, 1], noInfoVal: 0 })), twoClasses);
    expect(cem.instanceDescription).toBe('an instance of shape [12]: 12 numbers, flat or nested');
  });

  it('refuses text, images, image-shaped counterfactuals, autodiff gradients and saved models, naming the type and why', async () => {
    const dir = await saved(new AnchorText((texts) => texts.map(() => 0)));
    expect(await refusal(dir)).toBe(
      `glassbox serve cannot serve the AnchorText saved in ${dir}: it explains strings, and the model is called through the remote predictor, ` +
        'which sends rows of numbers, not v2 BYTES tensors of strings; explain texts in-process (AnchorText with the model, or glassbox explain sentiment). ' +
        'It serves AnchorTabular, CounterfactualProto, Counterfactual, CEM, DiverseCounterfactuals with rows of numbers as instances',
    );
    expect(await refusal(await saved(new AnchorImage((images) => images.map(() => 0), { shape: [8, 8, 1] })))).toMatch(
      /^glassbox serve cannot serve the AnchorImage saved in .*: it explains images through a predictor of images, and the remote predictor sends the model \[rows, features\] tensors/,
    );
    expect(await refusal(await saved(new Counterfactual(twoClasses, { shape: [28, 28, 1], featureRange: [0, 1] })))).toMatch(
      /^glassbox serve cannot serve the Counterfactual saved in .*: its instances have shape \[28, 28, 1\], and the remote predictor sends the model \[rows, features\] tensors of flat rows/,
    );
    expect(await refusal(await saved(new Counterfactual(twoClasses, { shape: [12], gradients: 'autodiff' })))).toMatch(
      /Counterfactual saved in .*: it was saved with gradients 'autodiff', and a model behind a URL gives predictions, not gradients/,
    );
    const tf = await loadTf();
    const ae = tf.sequential({ layers: [tf.layers.dense({ units: 12, inputShape: [12] })] });
    try {
      const cem = new CEM(twoClasses, { mode: 'PN', shape: [12], featureRange: [0, 1], noInfoVal: 0, gamma: 0.1, ae });
      expect(await refusal(await saved(cem))).toMatch(/CEM saved in .*: it was saved with an autoencoder \(option ae\), a TensorFlow.js model the server cannot load/);
    } finally {
      ae.dispose();
    }
  });

  it('glassbox serve exits 1 at startup with the reason', async () => {
    const dir = await saved(new AnchorText((texts) => texts.map(() => 0)));
    const { code, stderr } = await cli('serve', '--explainer', dir, '--predictor-url', 'http://127.0.0.1:1/v2/models/a/infer', '--port', '0', '--log-level', 'silent');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^glassbox serve: InvalidInputError: glassbox serve cannot serve the AnchorText saved in .*: it explains strings/);
  });
});
