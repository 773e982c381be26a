import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/run-cli.js';
import { AnchorTabular, CEM, loadExplainer, tfjsModel } from '../../src/index.js';
import { loadAdult, loadBundledModel, loadDemoModel } from '../../src/entries/demo.js';
import { readExplainerManifest } from '../../src/entries/persistence.js';
import { tempDir } from './helpers.js';

const adult = loadAdult();

describe('glassbox fit', () => {
  it('fit adult writes a folder that loads and explains like an explainer fitted in code, and like explain adult', async () => {
    const dir = join(await tempDir(), 'adult');
    const fit = await cli('fit', 'adult', '--out', dir, '--seed', '3');
    expect(fit).toEqual({ code: 0, stderr: '', stdout: `Saved AnchorTabular (32,561 training rows) for adult-gbt to ${dir}: 2 files, ${fit.stdout.match(/([\d,]+) bytes/)![1]} bytes\n` });
    expect(await readExplainerManifest(dir)).toMatchObject({ type: 'AnchorTabular', model: 'adult-gbt' });

    const { predictor } = loadDemoModel('adult-gbt');
    const loaded = await loadExplainer(dir, predictor);
    const inCode = await new AnchorTabular(predictor, adult.featureNames, { categoryMap: adult.categoryMap, seed: 3 }).fit(adult.train.rows);
    expect(JSON.stringify(await loaded.explain(adult.test.rows[2]))).toBe(JSON.stringify(await inCode.explain(adult.test.rows[2])));

    const saved = await cli('explain', 'adult', '--explainer', dir, '--row', '5', '--json');
    const fresh = await cli('explain', 'adult', '--row', '5', '--seed', '3', '--json');
    expect(saved.code).toBe(0);
    expect(saved.stdout).toBe(fresh.stdout);
  });

  it('fit adult --model logreg --max-training-rows N notes the model and keeps N rows', async () => {
    const dir = await tempDir();
    const fit = await cli('fit', 'adult', '--out', dir, '--model', 'logreg', '--max-training-rows', '1000');
    expect(fit.stdout).toMatch(/^Saved AnchorTabular \(1,000 training rows\) for adult-logreg to /);
    expect((await readExplainerManifest(dir)).model).toBe('adult-logreg');
    const loaded = await loadExplainer(dir, loadDemoModel('adult-logreg').predictor);
    expect((loaded.explainer as AnchorTabular).toState().values.length).toBe(1000 * 12);
    // explain --explainer explains the model the manifest names.
    const e = JSON.parse((await cli('explain', 'adult', '--explainer', dir, '--row', '0', '--json')).stdout);
    expect(e).toEqual(JSON.parse(JSON.stringify(await loaded.explain(adult.test.rows[0]))));
  });

  it('fit mnist --method cem saves fitted no-information values that load with the CNN', async () => {
    const dir = await tempDir();
    expect((await cli('fit', 'mnist', '--method', 'cem', '--mode', 'PP', '--out', dir)).stdout).toMatch(/^Saved CEM \(PP, no-information values from 1,000 digits\) for mnist-cnn/);
    const cnn = await loadBundledModel('mnist-cnn');
    try {
      const loaded = await loadExplainer(dir, tfjsModel(cnn));
      expect(loaded.explainer).toBeInstanceOf(CEM);
      expect((loaded.explainer as CEM).toState()).toMatchObject({ mode: 'PP', featureRange: [0, 1], ae: false });
      expect((loaded.explainer as CEM).toState().noInfoVal).toHaveLength(784);
    } finally {
      cnn.dispose();
    }
  });

  it('answers mistakes with exit code 2 and the reason', async () => {
    const dir = await tempDir();
    const cases: [string[], RegExp][] = [
      [['fit', 'adult'], /--out DIR is required/],
      [['fit', 'iris', '--out', dir], /unknown data set "iris"; expected one of: adult, sentiment, mnist/],
      [['fit', 'adult', '--out', dir, '--model', 'forest'], /--model is "forest"; expected gbt or logreg/],
      [['fit', 'adult', '--out', dir, '--sampling', 'unknown'], /--sampling does not apply to adult/],
      [['fit', 'mnist', '--out', dir, '--method', 'cem', '--seed', '1'], /--seed applies to --method anchor only/],
      [['fit', 'adult', '--out', dir, '--max-training-rows', '0'], /--max-training-rows is "0"; expected an integer >= 1/],
      [['fit', 'mnist', '--out', dir, '--method', 'counterfactual', '--ae'], /--ae applies to --method cem only/],
      [['fit', 'mnist', '--out', dir, '--max-iterations', '5'], /--max-iterations and --c-steps apply to the counterfactual methods/],
      [['fit', 'mnist', '--out', dir, '--method', 'proto', '--c-steps', '0'], /--c-steps is "0"; expected an integer >= 1/],
      [['fit', 'adult', '--out', dir, '--ae'], /--ae does not apply to adult/],
      [['explain', 'adult', '--explainer', dir, '--row', '0', '--seed', '2'], /--seed cannot change a saved explainer/],
      [['explain', 'mnist', '--explainer', dir, '--row', '0'], /--explainer is for the tabular data sets \(adult\)/],
    ];
    for (const [argv, message] of cases) {
      const { code, stderr } = await cli(...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(stderr).toMatch(message);
    }
    const missing = await cli('explain', 'adult', '--explainer', join(dir, 'none'), '--row', '0');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/ExplainerFileError: .*explainer\.json: not found/);
  });
});
