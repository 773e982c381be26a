import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CounterfactualProto, loadExplainer, saveExplainer, tfjsModel, type TfModel } from '../../../src/index.js';
import { cutEncoder } from '../../../src/entries/counterfactuals.js';
import { adultCounterfactualTask, loadBundledModel, loadMnist } from '../../../src/entries/demo.js';
import { tempDir } from '../../persistence/helpers.js';

describe('saving and loading CounterfactualProto', () => {
  it('Adult (categorical, k-d trees): the loaded explainer explains byte for byte as before', async () => {
    const task = adultCounterfactualTask();
    const explainer = await new CounterfactualProto(task.predictor, {
      shape: [12],
      categoryMap: task.categoryMap,
      featureNames: task.featureNames,
      featureRange: [-1, 1],
      theta: 100,
      eps: 0.05,
      cInit: 1,
      cSteps: 2,
      maxIterations: 50,
      constraints: { immutable: ['Race', 'Sex'], direction: { Education: 'increase' } },
    }).fit(task.dataset.train.rows.slice(0, 8000).map(task.scale), { distance: 'abdm', order: { 2: task.educationOrder } });
    const dir = await tempDir();
    await saveExplainer(explainer, dir);
    const json = JSON.parse(await readFile(join(dir, 'explainer.json'), 'utf8'));
    expect(json.type).toBe('CounterfactualProto');
    expect(json.state.fitted.points).toMatchObject({ dtype: 'float32', length: 8000 * 12 });
    expect(json.state.fitted.classes).toMatchObject({ dtype: 'int32', length: 8000 });
    expect(Object.keys(json.state.fitted.categorical.distances)).toEqual(Object.keys(task.categoryMap));
    const loaded = await loadExplainer(dir, task.predictor);
    for (const row of task.dataset.test.rows.slice(0, 2).map(task.scale)) {
      expect(JSON.stringify(await loaded.explain(row))).toBe(JSON.stringify(await explainer.explain(row)));
    }
  });

  describe('MNIST with encoder prototypes', () => {
    let cnn: TfModel;
    let ae: TfModel;
    beforeAll(async () => {
      cnn = await loadBundledModel('mnist-cnn');
      ae = await loadBundledModel('mnist-ae');
    });
    afterAll(() => {
      cnn.dispose();
      ae.dispose();
    });

    it('saves the encodings and the encoder inside the folder; loading explains byte for byte as before, with the saved encoder or one passed', async () => {
      const mnist = loadMnist();
      const encoder = await cutEncoder(ae as never, 4);
      const predictor = tfjsModel(cnn);
      const explainer = await new CounterfactualProto(predictor, { shape: mnist.shape, featureRange: [0, 1], encoder, theta: 10, cSteps: 1, maxIterations: 20 }).fit(
        Array.from({ length: 300 }, (_, i) => mnist.train.image(i)),
      );
      const dir = await tempDir();
      await saveExplainer(explainer, dir);
      const json = JSON.parse(await readFile(join(dir, 'explainer.json'), 'utf8'));
      expect(json.state).toMatchObject({ encoder: true, ae: false, fitted: { codes: { dtype: 'float32', length: 300 * 196 } } });
      const digit = mnist.test.image(5);
      const before = JSON.stringify(await explainer.explain(digit, { targetClass: 3 }));
      const fromFolder = await loadExplainer(dir, predictor);
      expect(JSON.stringify(await fromFolder.explain(digit, { targetClass: 3 }))).toBe(before);
      const passed = await loadExplainer(dir, predictor, { encoder });
      expect(JSON.stringify(await passed.explain(digit, { targetClass: 3 }))).toBe(before);
    });
  });
});
